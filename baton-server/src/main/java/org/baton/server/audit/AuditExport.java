package org.baton.server.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.baton.core.audit.AuditEntry;
import org.baton.core.audit.AuditRecord;
import org.baton.server.http.Json;

/**
 * The audit trail's export formats: JSON (entries as stored, with hashes), CSV (RFC 4180, one row per entry) and
 * FHIR R4 {@code AuditEvent} resources in a {@code Bundle} of type {@code collection} (SPEC feature 27).
 */
public final class AuditExport {
    private static final String[] CSV_HEADER = {"seq", "at", "actorUserId", "actorName", "actorRole", "action", "resourceId",
            "severity", "reason", "details", "prevHash", "hash"};

    private AuditExport() {
    }

    public static List<Map<String, Object>> json(List<AuditEntry> entries) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AuditEntry e : entries) {
            AuditRecord r = e.record();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", e.seq());
            m.put("at", r.at());
            m.put("actor", Map.of("userId", nz(r.actorUserId()), "name", nz(r.actorName()), "role", nz(r.actorRole())));
            m.put("action", r.action());
            m.put("resourceId", r.resourceId());
            m.put("severity", r.severity());
            m.put("reason", r.reason());
            m.put("details", r.details());
            m.put("prevHash", e.prevHash());
            m.put("hash", e.hash());
            out.add(m);
        }
        return out;
    }

    public static String csv(List<AuditEntry> entries) {
        StringBuilder sb = new StringBuilder();
        row(sb, CSV_HEADER);
        for (AuditEntry e : entries) {
            AuditRecord r = e.record();
            row(sb, new String[] {Long.toString(e.seq()), r.at().toString(), r.actorUserId(), r.actorName(), r.actorRole(), r.action(),
                    r.resourceId(), r.severity(), r.reason(), Json.write(r.details()), e.prevHash(), e.hash()});
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String[] cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            String cell = cells[i] == null ? "" : cells[i];
            // A leading =, +, - or @ would run as a formula when opened in a spreadsheet: neutralise it.
            if (!cell.isEmpty() && "=+-@".indexOf(cell.charAt(0)) >= 0) {
                cell = "'" + cell;
            }
            if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
                cell = '"' + cell.replace("\"", "\"\"") + '"';
            }
            sb.append(cell);
        }
        sb.append("\r\n");
    }

    /** A FHIR R4 Bundle (type collection) of AuditEvent resources. */
    public static Map<String, Object> fhir(List<AuditEntry> entries) {
        List<Map<String, Object>> bundleEntries = new ArrayList<>();
        for (AuditEntry e : entries) {
            bundleEntries.add(Map.of("fullUrl", "urn:uuid:" + java.util.UUID.nameUUIDFromBytes(e.hash().getBytes()),
                    "resource", auditEvent(e)));
        }
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("resourceType", "Bundle");
        bundle.put("type", "collection");
        bundle.put("entry", bundleEntries);
        return bundle;
    }

    static Map<String, Object> auditEvent(AuditEntry e) {
        AuditRecord r = e.record();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("resourceType", "AuditEvent");
        event.put("id", "baton-" + e.seq());
        event.put("type", Map.of("system", "http://terminology.hl7.org/CodeSystem/audit-event-type", "code", "rest",
                "display", "RESTful Operation"));
        event.put("subtype", List.of(Map.of("system", "https://baton.dev/audit-action", "code", r.action())));
        event.put("action", fhirAction(r.action()));
        event.put("recorded", r.at().toString());
        boolean refused = r.action().equals("LOCK_DENIED");
        event.put("outcome", refused ? "4" : "0");
        if (r.reason() != null) {
            event.put("outcomeDesc", r.reason());
        }
        Map<String, Object> agent = new LinkedHashMap<>();
        agent.put("type", Map.of("text", nz(r.actorRole())));
        agent.put("who", Map.of("identifier", Map.of("system", "https://baton.dev/user", "value", nz(r.actorUserId())),
                "display", nz(r.actorName())));
        agent.put("requestor", true);
        event.put("agent", List.of(agent));
        event.put("source", Map.of("observer", Map.of("display", "Baton"), "type",
                List.of(Map.of("system", "http://terminology.hl7.org/CodeSystem/security-source-type", "code", "4",
                        "display", "Application Server"))));
        List<Map<String, Object>> detail = new ArrayList<>();
        detail.add(Map.of("type", "severity", "valueString", r.severity()));
        detail.add(Map.of("type", "hash", "valueString", e.hash()));
        detail.add(Map.of("type", "prevHash", "valueString", e.prevHash()));
        if (r.reason() != null) {
            detail.add(Map.of("type", "reason", "valueString", r.reason()));
        }
        r.details().forEach((k, v) -> detail.add(Map.of("type", k, "valueString", v)));
        Map<String, Object> entity = new LinkedHashMap<>();
        if (r.resourceId() != null) {
            entity.put("what", Map.of("identifier", Map.of("system", "https://baton.dev/resource", "value", r.resourceId())));
        }
        entity.put("detail", detail);
        event.put("entity", List.of(entity));
        return event;
    }

    private static String fhirAction(String action) {
        if (action.startsWith("LOCK_ACQUIRED") || action.startsWith("QUEUE_JOINED") || action.startsWith("ASK")) {
            return "C";
        }
        if (action.startsWith("LOCK_DENIED") || action.startsWith("LOCK_EXPIRING")) {
            return "R";
        }
        if (action.startsWith("LOCK_") || action.contains("TAKEOVER") || action.startsWith("ADMIN")) {
            return "U";
        }
        return "E";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
