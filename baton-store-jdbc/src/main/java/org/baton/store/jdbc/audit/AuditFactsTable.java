package org.baton.store.jdbc.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.baton.core.analytics.AuditFact;
import org.baton.core.analytics.AuditFacts;
import org.baton.core.analytics.DurationBuckets;
import org.baton.core.analytics.Slots;
import org.baton.core.audit.AuditEntry;
import org.baton.store.jdbc.StateJson;

/**
 * Writes the {@link AuditFacts facts} of audit entries into {@code audit_facts}, on the transaction that appends the
 * entries, with each record's ward as it is at that moment, and adds them to their quarter-hour roll-up
 * ({@code audit_fact_slots}: counts, total and longest duration per kind, once by cause — and role, for editing
 * sessions — and once by duration bucket), which answers the unfiltered statistics without reading every fact.
 *
 * <p>A record's ward is its own {@code ward} field, or else the ward of a record it names through a
 * {@code <type>_id} field (a catheter's patient; a catheter removal's catheter, and so its patient): at most two such
 * steps. Records without one, and resources that are not records, have none.
 */
final class AuditFactsTable {
    private static final int MAX_STEPS = 2;

    /** Inserts the facts of {@code entries}; returns how many. */
    int write(Connection c, List<AuditEntry> entries) throws SQLException {
        Map<String, String> wards = new HashMap<>();
        List<AuditFact> all = new java.util.ArrayList<>();
        for (AuditEntry entry : entries) {
            all.addAll(AuditFacts.of(entry));
        }
        int written = 0;
        try (PreparedStatement insert = c.prepareStatement("insert into audit_facts (seq, kind, at_millis, slot, cause, resource_type, "
                + "record_key, section, ward, user_id, role, duration_millis, duration_bucket, reason) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            {
                for (AuditFact f : all) {
                    insert.setLong(1, f.seq());
                    insert.setString(2, f.kind().name());
                    insert.setLong(3, f.at().toEpochMilli());
                    insert.setLong(4, Slots.of(f.at()));
                    insert.setString(5, f.cause());
                    insert.setString(6, f.resourceType());
                    insert.setString(7, f.recordKey());
                    insert.setString(8, f.section());
                    if (f.recordKey() != null && !wards.containsKey(f.recordKey())) {
                        wards.put(f.recordKey(), wardOf(c, f.recordKey(), MAX_STEPS));
                    }
                    insert.setString(9, f.recordKey() == null ? null : wards.get(f.recordKey()));
                    insert.setString(10, f.userId());
                    insert.setString(11, f.role());
                    if (f.durationMillis() == null) {
                        insert.setNull(12, Types.BIGINT);
                        insert.setNull(13, Types.INTEGER);
                    } else {
                        insert.setLong(12, f.durationMillis());
                        insert.setInt(13, DurationBuckets.of(f.durationMillis()));
                    }
                    insert.setString(14, f.reason());
                    insert.addBatch();
                    written++;
                }
            }
            if (written > 0) {
                insert.executeBatch();
            }
        }
        rollUp(c, all);
        return written;
    }

    private static void count(Map<SlotKey, long[]> rows, SlotKey key, long millis) {
        long[] row = rows.computeIfAbsent(key, k -> new long[3]);
        row[0]++;
        row[1] += millis;
        row[2] = Math.max(row[2], millis);
    }

    /** One row of {@code audit_fact_slots}: what is counted together. */
    private record SlotKey(long slot, String kind, String projection, String cause, int bucket, String role) {
    }

    /** Adds the facts to their quarter-hour roll-up rows (one upsert per row touched). */
    private static void rollUp(Connection c, List<AuditFact> facts) throws SQLException {
        Map<SlotKey, long[]> rows = new java.util.LinkedHashMap<>();
        {
            for (AuditFact f : facts) {
                long slot = Slots.of(f.at());
                long millis = f.durationMillis() == null ? 0 : f.durationMillis();
                String role = f.kind() == org.baton.core.analytics.FactKind.EDIT_STARTED && f.role() != null ? f.role() : "";
                count(rows, new SlotKey(slot, f.kind().name(), "C", f.cause() == null ? "" : f.cause(), -1, role), millis);
                count(rows, new SlotKey(slot, f.kind().name(), "B", "", f.durationMillis() == null ? -1 : DurationBuckets.of(millis), ""), millis);
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = c.prepareStatement("insert into audit_fact_slots (slot, kind, projection, cause, duration_bucket, role, n,"
                + " total_millis, longest_millis) values (?,?,?,?,?,?,?,?,?) on conflict (kind, projection, slot, cause, duration_bucket, role) do update set"
                + " n = audit_fact_slots.n + excluded.n, total_millis = audit_fact_slots.total_millis + excluded.total_millis,"
                + " longest_millis = case when excluded.longest_millis > audit_fact_slots.longest_millis then excluded.longest_millis"
                + " else audit_fact_slots.longest_millis end")) {
            for (Map.Entry<SlotKey, long[]> row : rows.entrySet()) {
                SlotKey k = row.getKey();
                upsert.setLong(1, k.slot());
                upsert.setString(2, k.kind());
                upsert.setString(3, k.projection());
                upsert.setString(4, k.cause());
                upsert.setInt(5, k.bucket());
                upsert.setString(6, k.role());
                upsert.setLong(7, row.getValue()[0]);
                upsert.setLong(8, row.getValue()[1]);
                upsert.setLong(9, row.getValue()[2]);
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** The ward of the record {@code type:id} (see the class comment), or null. */
    private static String wardOf(Connection c, String recordKey, int steps) throws SQLException {
        int colon = recordKey.indexOf(':');
        if (colon < 0) {
            return null;
        }
        JsonNode fields = fields(c, recordKey.substring(0, colon), recordKey.substring(colon + 1));
        if (fields == null) {
            return null;
        }
        JsonNode ward = fields.get("ward");
        if (ward != null && ward.isTextual() && !ward.asText().isBlank()) {
            return ward.asText();
        }
        if (steps == 0) {
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().endsWith("_id") && field.getValue().isTextual()) {
                String type = field.getKey().substring(0, field.getKey().length() - 3);
                String found = wardOf(c, type + ":" + field.getValue().asText(), steps - 1);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static JsonNode fields(Connection c, String type, String id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("select fields from records where type = ? and id = ?")) {
            select.setString(1, type);
            select.setString(2, id);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                JsonNode fields = StateJson.mapper().readTree(rs.getString(1));
                return fields != null && fields.isObject() ? fields : null;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // An unreadable record has no ward; the fact is still counted.
            return null;
        }
    }
}
