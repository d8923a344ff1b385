package org.baton.store.jdbc.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.baton.core.audit.AuditChain;
import org.baton.core.audit.AuditSeal;
import org.baton.core.audit.AuditEntry;
import org.baton.core.audit.AuditQuery;
import org.baton.core.audit.AuditRecord;
import org.baton.core.audit.AuditTrail;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.JsonFactories;

/**
 * {@link AuditTrail} on either database: entries and the chain head are written in one transaction that locks the
 * head row (SQLite's single writer; {@code FOR UPDATE} on PostgreSQL, taken last in every transaction), so appends
 * from every instance are serialised into one chain and all-or-nothing; hashes are computed in Java by
 * {@link AuditChain}, never in SQL. {@link #verify} reads the entries and the head in one snapshot, so it never
 * reports a chain "cut" by entries committed while it was reading.
 *
 * <p>The entries' countable facts ({@code audit_facts}, read by {@link JdbcLockAnalytics}) and their search rows
 * ({@code audit_lookup}, read by {@link #search}) are not written by the append: {@link FactsFollower} adds them after
 * it, in batches, off the lock decisions' commits. Entries written before the facts existed get theirs from
 * {@link #backfillFacts}; before the search rows, from the migration that made their table.
 */
public final class JdbcAuditTrail implements AuditTrail {
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactories.pooled());
    private static final String COLUMNS = "seq, at, actor_user_id, actor_name, actor_role, action, resource_id, severity, reason, details, prev_hash, hash,"
            + " mac";
    private final Database database;
    private final AuditSeal seal;
    private final Supplier<List<AuditChain.Checkpoint>> checkpoints;
    private final AuditFactsTable facts = new AuditFactsTable();
    private final FactsFollower follower;
    /** The start of a query of whole entries, to which a where clause is added. */
    static final String SELECT_ENTRIES = "select " + COLUMNS + " from audit_entries";

    /** An unsealed trail (tests of the store alone). */
    public JdbcAuditTrail(Database database) {
        this(database, null, List::of);
    }

    /**
     * A trail whose entries and head are sealed with {@code seal}, and whose verification also checks the
     * {@code checkpoints} kept outside the database.
     */
    public JdbcAuditTrail(Database database, AuditSeal seal, Supplier<List<AuditChain.Checkpoint>> checkpoints) {
        this.database = database;
        this.seal = seal;
        this.checkpoints = checkpoints;
        this.follower = new FactsFollower(database);
    }

    @Override
    public List<AuditEntry> append(List<AuditRecord> records) {
        if (records.isEmpty()) {
            return List.of();
        }
        return database.inTransaction(c -> appendIn(c, records));
    }

    /** Appends on the caller's open transaction (the lock store's journal): committed with the caller's writes. */
    public List<AuditEntry> appendIn(Connection c, List<AuditRecord> records) throws SQLException {
        if (records.isEmpty()) {
            return List.of();
        }
        {
            AuditChain.Head head = head(c, database.dialect().forUpdate());
            List<AuditEntry> appended = new ArrayList<>();
            try (PreparedStatement insert = c.prepareStatement("insert into audit_entries (" + COLUMNS + ", at_millis) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                for (AuditRecord record : records) {
                    AuditEntry entry = seal == null ? AuditChain.link(head.seq() + 1, record, head.hash())
                            : AuditChain.link(head.seq() + 1, record, head.hash(), seal);
                    insert.setLong(1, entry.seq());
                    insert.setString(2, record.at().toString());
                    insert.setString(3, record.actorUserId());
                    insert.setString(4, record.actorName());
                    insert.setString(5, record.actorRole());
                    insert.setString(6, record.action());
                    insert.setString(7, record.resourceId());
                    insert.setString(8, record.severity());
                    insert.setString(9, record.reason());
                    insert.setString(10, json(record.details()));
                    insert.setString(11, entry.prevHash());
                    insert.setString(12, entry.hash());
                    insert.setString(13, entry.mac());
                    insert.setLong(14, record.at().toEpochMilli());
                    insert.addBatch();
                    head = new AuditChain.Head(entry.seq(), entry.hash(), entry.mac());
                    appended.add(entry);
                }
                insert.executeBatch();
            }
            try (PreparedStatement update = c.prepareStatement("update audit_head set last_seq = ?, last_hash = ?, mac = ? where id = 1")) {
                update.setLong(1, head.seq());
                update.setString(2, head.hash());
                update.setString(3, seal == null ? null : seal.mac(head.seq(), head.hash()));
                update.executeUpdate();
            }
            return appended;
        }
    }

    /**
     * The entries that match {@code q}, newest first: found through {@code audit_lookup}, which is caught up first, so
     * every entry committed before the search is found.
     */
    @Override
    public List<AuditEntry> search(AuditQuery q) {
        follower.catchUp();
        StringBuilder matching = new StringBuilder("select seq from audit_lookup where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.resourceId() != null) {
            matching.append(" and resource_id = ?");
            args.add(q.resourceId());
        }
        if (q.userId() != null) {
            matching.append(" and actor_user_id = ?");
            args.add(q.userId());
        }
        if (q.action() != null) {
            matching.append(" and action = ?");
            args.add(q.action());
        }
        if (q.from() != null) {
            matching.append(" and at_millis >= ?");
            args.add(q.from().toEpochMilli());
        }
        if (q.to() != null) {
            matching.append(" and at_millis < ?");
            args.add(q.to().toEpochMilli());
        }
        matching.append(" order by seq desc limit ? offset ?");
        args.add(q.limit());
        args.add(q.offset());
        String sql = SELECT_ENTRIES + " where seq in (" + matching + ") order by seq desc";
        return database.read(c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                for (int i = 0; i < args.size(); i++) {
                    select.setObject(i + 1, args.get(i));
                }
                return entries(select);
            }
        });
    }

    @Override
    public AuditChain.Report verify() {
        List<AuditChain.Checkpoint> anchors = checkpoints.get();
        return database.snapshot(c -> {
            AuditChain.Head head = head(c, "");
            try (PreparedStatement select = c.prepareStatement("select " + COLUMNS + " from audit_entries order by seq")) {
                List<AuditEntry> entries = entries(select);
                return seal == null ? AuditChain.verify(entries, head) : AuditChain.verify(entries, head, seal, anchors);
            }
        });
    }

    @Override
    public AuditChain.Head head() {
        return database.read(c -> head(c, ""));
    }

    /**
     * Writes the facts of up to {@code batch} of the newest entries that were written before facts were kept (an
     * upgraded database), in one transaction; returns how many entries are still without facts (0: done). Safe to run
     * from several instances at once: each batch takes its range under a row lock.
     */
    public long backfillFacts(int batch) {
        return database.inTransaction(c -> {
            long upto;
            try (PreparedStatement select = c.prepareStatement("select upto_seq from audit_facts_backfill where id = 1" + database.dialect().forUpdate());
                 ResultSet rs = select.executeQuery()) {
                upto = rs.next() ? rs.getLong(1) : 0;
            }
            if (upto <= 0) {
                return 0L;
            }
            long below = Math.max(0, upto - batch);
            try (PreparedStatement select = c.prepareStatement(SELECT_ENTRIES + " where seq > ? and seq <= ? order by seq")) {
                select.setLong(1, below);
                select.setLong(2, upto);
                facts.write(c, entries(select));
            }
            try (PreparedStatement update = c.prepareStatement("update audit_facts_backfill set upto_seq = ? where id = 1")) {
                update.setLong(1, below);
                update.executeUpdate();
            }
            return below;
        });
    }

    private static AuditChain.Head head(Connection c, String lockClause) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("select last_seq, last_hash, mac from audit_head where id = 1" + lockClause);
             ResultSet rs = select.executeQuery()) {
            return rs.next() ? new AuditChain.Head(rs.getLong(1), rs.getString(2), rs.getString(3)) : AuditChain.Head.EMPTY;
        }
    }

    static List<AuditEntry> entries(PreparedStatement select) throws SQLException {
        List<AuditEntry> entries = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                AuditRecord record = new AuditRecord(Instant.parse(rs.getString(2)), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), details(rs.getString(10)));
                entries.add(new AuditEntry(rs.getLong(1), record, rs.getString(11), rs.getString(12), rs.getString(13)));
            }
        }
        return entries;
    }

    private static String json(Map<String, String> details) {
        try {
            return JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> details(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            return Map.of("unreadable", json.length() > 100 ? json.substring(0, 100) : json);
        }
    }
}
