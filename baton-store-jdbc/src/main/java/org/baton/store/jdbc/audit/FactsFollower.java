package org.baton.store.jdbc.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.baton.core.audit.AuditEntry;
import org.baton.store.jdbc.Database;

/**
 * Gives audit entries their countable facts ({@code audit_facts} and the quarter-hour roll-up) and their search rows
 * ({@code audit_lookup}, {@link AuditLookupTable}) after the entries are committed, in batches, instead of in the
 * transaction that appends them: that transaction is a lock decision's, and the facts' seven indexes made its commit
 * write about twice the pages, the search's four another four of its eleven (profiles of the lock path on SQLite).
 *
 * <p>{@code audit_facts_follow.done_seq} says how far the facts go; a batch writes the facts of the next entries and
 * moves the mark in one transaction, under the mark's row lock, so a crash or two instances catching up at once
 * neither lose nor count twice. Entries are committed in sequence order (every append holds the chain head's row
 * until it commits), so the entries after the mark that a batch can see are always a gap-free run.
 *
 * <p>{@link JdbcLockAnalytics} and {@link JdbcAuditTrail#search} catch up before they answer, so a statistic still
 * counts, and a search still finds, every entry committed before the question; the server also catches up in the
 * background, so that catching up is short. A record's ward is read when its facts are written, a moment after the
 * entry rather than at it.
 */
public final class FactsFollower {
    /** Entries per transaction: long enough to share the indexes' pages, short enough not to hold the writer long. */
    static final int BATCH = 200;
    private final Database database;
    private final AuditFactsTable facts = new AuditFactsTable();
    private final AuditLookupTable lookup = new AuditLookupTable();

    public FactsFollower(Database database) {
        this.database = database;
    }

    /** Writes the facts of every entry committed so far that has none yet; returns how many entries it counted. */
    public long catchUp() {
        return catchUp(BATCH);
    }

    /** {@link #catchUp()} in transactions of up to {@code entriesPerBatch} entries (larger for a bulk load). */
    public long catchUp(int entriesPerBatch) {
        long counted = 0;
        while (isBehind()) {
            int batch = database.inTransaction(c -> nextBatch(c, entriesPerBatch));
            if (batch == 0) {
                break; // another instance counted them meanwhile
            }
            counted += batch;
        }
        return counted;
    }

    /** Whether some committed entry has no facts yet: one read, no write (the usual answer is no). */
    public boolean isBehind() {
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement("select (select last_seq from audit_head where id = 1) > (select done_seq from"
                    + " audit_facts_follow where id = 1)"); ResultSet rs = select.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        });
    }

    /** The facts and lookup rows of up to {@code limit} entries after the mark, and the mark moved past them; returns how many entries. */
    private int nextBatch(Connection c, int limit) throws SQLException {
        long done;
        try (PreparedStatement select = c.prepareStatement("select done_seq from audit_facts_follow where id = 1" + database.dialect().forUpdate());
             ResultSet rs = select.executeQuery()) {
            done = rs.next() ? rs.getLong(1) : 0;
        }
        List<AuditEntry> entries;
        try (PreparedStatement select = c.prepareStatement(JdbcAuditTrail.SELECT_ENTRIES + " where seq > ? order by seq limit ?")) {
            select.setLong(1, done);
            select.setInt(2, limit);
            entries = JdbcAuditTrail.entries(select);
        }
        if (entries.isEmpty()) {
            return 0;
        }
        facts.write(c, entries);
        lookup.write(c, entries);
        try (PreparedStatement update = c.prepareStatement("update audit_facts_follow set done_seq = ? where id = 1")) {
            update.setLong(1, entries.getLast().seq());
            update.executeUpdate();
        }
        return entries.size();
    }
}
