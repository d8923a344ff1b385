package org.baton.store.jdbc.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.baton.core.audit.AuditEntry;

/**
 * {@code audit_lookup}: what an audit search filters on (resource, actor, action, time), one row per entry, with the
 * indexes those filters need. The entries table itself has no index but its sequence number, so a lock decision's
 * commit appends its entry to one page instead of five; {@link FactsFollower} writes these rows after the entries, in
 * batches, and {@link JdbcAuditTrail#search} catches it up before it looks.
 */
final class AuditLookupTable {
    /** Inserts the lookup row of each of {@code entries}, inside the caller's transaction. */
    void write(Connection c, List<AuditEntry> entries) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "insert into audit_lookup (seq, at_millis, actor_user_id, action, resource_id) values (?, ?, ?, ?, ?)")) {
            for (AuditEntry entry : entries) {
                insert.setLong(1, entry.seq());
                insert.setLong(2, entry.record().at().toEpochMilli());
                insert.setString(3, entry.record().actorUserId());
                insert.setString(4, entry.record().action());
                insert.setString(5, entry.record().resourceId());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
