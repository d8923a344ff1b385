package org.baton.store.jdbc.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import org.baton.core.audit.AuditEntry;
import org.baton.core.audit.AuditQuery;
import org.baton.store.jdbc.contract.Backend;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14: the audit search's indexes moved from the entries to {@code audit_lookup}, written by the facts follower.
 * A trail written before that (schema 41) is found by every filter after the upgrade: the entries the follower had
 * already counted get their rows from the migration, the ones it had not from the follower, before the first search.
 * On both databases.
 */
class AuditLookupUpgradeTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void entriesFromBeforeTheLookupTable_areFoundAfterTheUpgrade_countedOrNot(Backend backend) throws Exception {
        try (var opened = backend.open(dir)) {
            Flyway.configure().dataSource(opened.jdbcUrl(), opened.jdbcUser(), null)
                    .locations("classpath:db/migration/" + (backend == Backend.SQLITE ? "sqlite" : "postgresql")).target("41").load().migrate();
            try (Connection c = DriverManager.getConnection(opened.jdbcUrl(), opened.jdbcUser(), null)) {
                try (PreparedStatement insert = c.prepareStatement("insert into audit_entries (seq, at, at_millis, actor_user_id, actor_name,"
                        + " actor_role, action, resource_id, severity, reason, details, prev_hash, hash) values (?, ?, ?, ?, 'N', 'nurse', ?, ?, 'INFO',"
                        + " null, '{}', 'p', 'h')")) {
                    String[][] rows = {{"sharma", "LOCK_ACQUIRED", "patient:1:main"}, {"okafor", "EMERGENCY_TAKEOVER", "patient:1:main"},
                            {"sharma", "LOCK_RELEASED", "patient:2:main"}};
                    for (int i = 0; i < rows.length; i++) {
                        Instant at = T0.plusSeconds(60L * i);
                        insert.setLong(1, i + 1);
                        insert.setString(2, at.toString());
                        insert.setLong(3, at.toEpochMilli());
                        insert.setString(4, rows[i][0]);
                        insert.setString(5, rows[i][1]);
                        insert.setString(6, rows[i][2]);
                        insert.executeUpdate();
                    }
                }
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("update audit_head set last_seq = 3 where id = 1");
                    s.executeUpdate("update audit_facts_follow set done_seq = 2 where id = 1"); // the follower had counted two of three
                }
            }
            JdbcAuditTrail trail = new JdbcAuditTrail(opened.first()); // migrates to this build's schema

            assertThat(seqs(trail, new AuditQuery(null, null, null, null, null, 0, 10))).containsExactly(3L, 2L, 1L);
            assertThat(seqs(trail, new AuditQuery(null, "sharma", null, null, null, 0, 10))).containsExactly(3L, 1L);
            assertThat(seqs(trail, new AuditQuery("patient:1:main", null, null, null, null, 0, 10))).containsExactly(2L, 1L);
            assertThat(seqs(trail, new AuditQuery(null, null, "EMERGENCY_TAKEOVER", null, null, 0, 10))).containsExactly(2L);
            assertThat(seqs(trail, new AuditQuery(null, null, null, T0.plusSeconds(60), T0.plusSeconds(180), 0, 10))).containsExactly(3L, 2L);
            Long indexed = opened.first().read(c -> {
                try (Statement s = c.createStatement(); var rs = s.executeQuery("select count(*) from audit_lookup")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertThat(indexed).as("one lookup row per entry, none twice").isEqualTo(3);
        }
    }

    private static java.util.List<Long> seqs(JdbcAuditTrail trail, AuditQuery query) {
        return trail.search(query).stream().map(AuditEntry::seq).toList();
    }
}
