package org.baton.store.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Duration;
import org.baton.core.store.StoreUnavailableException;
import org.baton.store.tck.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * Every connection of the pool busy past {@code BATON_DB_TIMEOUT} is the store being unavailable (503 with
 * Retry-After), not a bug: the pool's timeout carries no SQLSTATE, which the retry check once dereferenced.
 */
class PoolExhaustedTest {
    @Test
    void aTransactionThatGetsNoConnectionInTime_isStoreUnavailable() throws Exception {
        Database database = Database.openPostgres(new PostgresOptions(TestPostgres.newDatabase(), TestPostgres.USER, null, 2, Duration.ofSeconds(1)));
        try (Connection one = database.dataSource().getConnection(); Connection two = database.dataSource().getConnection()) {
            assertThatThrownBy(() -> database.inTransaction(c -> c.createStatement().execute("select 1")))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> database.read(c -> c.createStatement().execute("select 1")))
                    .isInstanceOf(StoreUnavailableException.class);
        } finally {
            database.close();
        }
    }
}
