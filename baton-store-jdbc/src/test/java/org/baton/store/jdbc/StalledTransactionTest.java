package org.baton.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.baton.store.tck.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * An instance stopped in the middle of a transaction (SIGSTOP, a long pause) must not hold the others up: every
 * decision that writes the audit trail takes the audit head's row lock, so one frozen transaction holding it would stall
 * the whole cluster until the instance woke up. PostgreSQL ends a transaction left idle longer than
 * {@code BATON_DB_TIMEOUT}, which frees its row locks, and nothing of what it did commits.
 */
class StalledTransactionTest {
    @Test
    void aTransactionLeftOpenByAStalledInstance_isEndedByPostgres_itsRowLocksFreed_andNothingOfItCommits() throws Exception {
        PostgresOptions options = new PostgresOptions(TestPostgres.newDatabase(), TestPostgres.USER, null, 2, Duration.ofSeconds(1));
        Database database = Database.openPostgres(options);
        try (Connection stalled = database.dataSource().getConnection()) {
            stalled.setAutoCommit(false);
            try (Statement s = stalled.createStatement()) {
                s.execute("select last_seq from audit_head where id = 1 for update");
                s.executeUpdate("update audit_head set last_seq = 999 where id = 1");
            }
            // The instance stalls here, its transaction open and the audit head locked.
            long waited;
            try (Connection other = DriverManager.getConnection(options.url(), TestPostgres.USER, null); Statement s = other.createStatement()) {
                other.setAutoCommit(false);
                s.setQueryTimeout(20); // the bound: without the server's timeout this waits until it is cancelled and fails
                long start = System.nanoTime();
                s.execute("select last_seq from audit_head where id = 1 for update");
                waited = (System.nanoTime() - start) / 1_000_000;
                try (var rs = s.executeQuery("select last_seq from audit_head where id = 1")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("the stalled transaction's write never committed").isZero();
                }
                other.commit();
            }
            System.out.printf("stalled transaction: the audit head was free again after %d ms (BATON_DB_TIMEOUT 1 s)%n", waited);
            assertThatThrownBy(stalled::commit).as("the woken instance cannot commit what it began before it stalled").isInstanceOf(SQLException.class);
        } finally {
            database.close();
        }
    }
}
