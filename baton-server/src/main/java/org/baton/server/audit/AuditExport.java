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
 *
 * <p>Each AuditEvent is typed with the DICOM audit event codes (DCM) that fit it — {@code 110110 Patient Record} for
 * lock and record events, {@code 110113 Security Alert} for overrides and refused admin access (subtype
 * {@code 110127 Emergency Override Started} for an emergency takeover), {@code 110114 User Authentication} for
 * failed sign-ins, {@code 110101 Audit Log Used} and {@code 110106 Export} for reads of the trail — with Baton's own
 * action as a second subtype. A patient record's patient is an entity of its own; the caller's network address is in
 * {@code agent.network}; empty values are left out (FHIR forbids empty strings). The export passes HAPI FHIR's R4
 * validator (FhirExportTest).
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
        org.baton.server.http.Csv.row(sb, java.util.Arrays.asList(cells));
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
        EventCode code = EventCode.of(r.action());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("resourceType", "AuditEvent");
        event.put("id", "baton-" + e.seq());
        event.put("type", coding(DCM, code.type(), code.typeDisplay()));
        List<Map<String, Object>> subtype = new ArrayList<>();
        if (code.subtype() != null) {
            subtype.add(coding(DCM, code.subtype(), code.subtypeDisplay()));
        }
        subtype.add(coding(BATON_ACTION, r.action(), null));
        event.put("subtype", subtype);
        event.put("action", code.action());
        event.put("recorded", r.at().toString());
        event.put("outcome", code.refusal() ? "4" : "0");
        putText(event, "outcomeDesc", r.reason());
        event.put("agent", List.of(agent(r)));
        event.put("source", Map.of("observer", Map.of("display", "Baton"), "type",
                List.of(coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"))));
        List<Map<String, Object>> entities = new ArrayList<>();
        Map<String, Object> subject = subjectEntity(r, e);
        if (!subject.isEmpty()) {
            entities.add(subject);
        }
        String patient = patientOf(r.resourceId());
        if (patient != null) {
            entities.add(Map.of(
                    "what", Map.of("type", "Patient", "identifier", Map.of("system", "https://baton.dev/patient", "value", patient)),
                    "type", coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"),
                    "role", coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient")));
        }
        event.put("entity", entities);
        return event;
    }

    /** The DICOM audit event type (and subtype) and the FHIR action code that fit a Baton audit action. */
    record EventCode(String type, String typeDisplay, String subtype, String subtypeDisplay, String action, boolean refusal) {
        static EventCode of(String action) {
            boolean refused = action.equals("LOCK_DENIED") || action.endsWith("_REFUSED") || action.equals("ACCESS_DENIED")
                    || action.equals("AUTH_FAILED") || action.equals("TAKEOVER_OBJECTED");
            return switch (action) {
                case "AUTH_FAILED" -> new EventCode("110114", "User Authentication", "110122", "Login", "E", true);
                case "ACCESS_DENIED" -> new EventCode("110113", "Security Alert", "110132", "Use of Restricted Function", "E", true);
                case "EMERGENCY_TAKEOVER" -> new EventCode("110113", "Security Alert", "110127", "Emergency Override Started", "U", false);
                case "TAKEOVER_FORCED", "ADMIN_FORCE_RELEASE" ->
                        new EventCode("110113", "Security Alert", "110132", "Use of Restricted Function", "U", false);
                case "AUDIT_READ", "AUDIT_VERIFIED" -> new EventCode("110101", "Audit Log Used", null, null, "R", false);
                case "AUDIT_EXPORTED" -> new EventCode("110106", "Export", null, null, "R", false);
                case "ADMIN_VIEWED" -> new EventCode("110112", "Query", null, null, "R", false);
                case "RECORD_CREATED" -> new EventCode("110110", "Patient Record", null, null, "C", false);
                case "GUARD_REFUSED", "LOCK_DENIED", "LOCK_EXPIRING" -> new EventCode("110110", "Patient Record", null, null, "R", refused);
                default -> new EventCode("110110", "Patient Record", null, null,
                        action.startsWith("LOCK_ACQUIRED") || action.equals("QUEUE_JOINED") || action.startsWith("ASK") ? "C" : "U", refused);
            };
        }
    }

    private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    private static final String BATON_ACTION = "https://baton.dev/audit-action";

    private static Map<String, Object> agent(AuditRecord r) {
        Map<String, Object> agent = new LinkedHashMap<>();
        if (present(r.actorRole())) {
            agent.put("type", Map.of("text", r.actorRole()));
        }
        if (present(r.actorUserId())) {
            Map<String, Object> who = new LinkedHashMap<>();
            who.put("identifier", Map.of("system", "https://baton.dev/user", "value", r.actorUserId()));
            putText(who, "display", r.actorName());
            agent.put("who", who);
        } else {
            agent.put("who", Map.of("display", "unauthenticated caller"));
        }
        agent.put("requestor", true);
        String address = r.details().get("clientAddress");
        if (present(address)) {
            agent.put("network", Map.of("address", address, "type", "2"));
        }
        return agent;
    }

    private static Map<String, Object> subjectEntity(AuditRecord r, AuditEntry e) {
        Map<String, Object> entity = new LinkedHashMap<>();
        if (present(r.resourceId())) {
            entity.put("what", Map.of("identifier", Map.of("system", "https://baton.dev/resource", "value", r.resourceId())));
            entity.put("type", coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"));
        }
        List<Map<String, Object>> detail = new ArrayList<>();
        addDetail(detail, "severity", r.severity());
        addDetail(detail, "hash", e.hash());
        addDetail(detail, "prevHash", e.prevHash());
        addDetail(detail, "reason", r.reason());
        r.details().forEach((k, v) -> addDetail(detail, k, v));
        if (!detail.isEmpty()) {
            entity.put("detail", detail);
        }
        return entity;
    }

    /** The patient id when the resource is a patient record ({@code patient:<id>[:section]}), else null. */
    static String patientOf(String resourceId) {
        if (resourceId == null || !resourceId.startsWith("patient:")) {
            return null;
        }
        String[] parts = resourceId.split(":");
        return parts.length >= 2 && present(parts[1]) ? parts[1] : null;
    }

    private static void addDetail(List<Map<String, Object>> detail, String type, String value) {
        if (present(type) && present(value)) {
            detail.add(Map.of("type", type, "valueString", value));
        }
    }

    private static void putText(Map<String, Object> target, String key, String value) {
        if (present(value)) {
            target.put(key, value);
        }
    }

    private static Map<String, Object> coding(String system, String code, String display) {
        Map<String, Object> coding = new LinkedHashMap<>();
        coding.put("system", system);
        coding.put("code", code);
        if (display != null) {
            coding.put("display", display);
        }
        return coding;
    }

    /** FHIR forbids empty strings: absent and blank values are left out, never written as "". */
    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
