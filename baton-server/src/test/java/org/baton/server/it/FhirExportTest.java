package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.baton.server.http.Json;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.junit.jupiter.api.Test;

/**
 * Issue 12.12: the FHIR AuditEvent export, checked by HAPI FHIR's R4 validator (no errors), with DICOM event codes
 * that fit each event, the patient as an entity of a patient record's events, the caller's network address, and no
 * empty strings anywhere.
 */
class FhirExportTest extends RunningBaton {
    @Test
    void issue12_theFhirExport_isValidR4_withFittingCodes_thePatient_andTheNetworkAddress() throws Exception {
        String okafor = baton.token("okafor");
        baton.call("POST", "/api/locks/acquire", okafor, Map.of("resourceId", "patient:p-1001"));
        baton.call("POST", "/api/locks/acquire", baton.token("chen"), Map.of("resourceId", "patient:p-1001"));
        baton.call("POST", "/api/locks/force-release", baton.token("johnson"),
                Map.of("resourceId", "patient:p-1001", "emergency", true, "reason", "Respiratory depression, naloxone given"));
        TestBaton.Reply held = baton.call("POST", "/api/locks/acquire", okafor, Map.of("resourceId", "catheter:c-2001"));
        baton.call("PUT", "/api/records/catheter/c-2001", okafor, Map.of("fields", Map.of("notes", "site clean")),
                Map.of("If-Match", "\"1\"", "X-Lease-Id", held.body().at("/lease/leaseId").asText()));
        baton.call("GET", "/api/locks/check/patient/p-1001", "forged.token.here", null);
        baton.call("GET", "/api/admin/audit", okafor, null);
        String admin = baton.token("rivera");
        baton.call("GET", "/api/admin/audit?format=csv", admin, null);
        baton.advance(Duration.ofMinutes(1));

        String bundle = baton.call("GET", "/api/admin/audit?format=fhir&limit=500", admin, null).raw().body();
        List<String> problems = validate(bundle);
        assertThat(problems).as("HAPI FHIR R4 validation errors").isEmpty();

        JsonNode root = Json.mapper().readTree(bundle);
        assertThat(emptyStrings(root, "$")).as("empty strings in the export").isEmpty();
        JsonNode emergency = event(root, "EMERGENCY_TAKEOVER");
        assertThat(emergency.at("/type/code").asText()).isEqualTo("110113");
        assertThat(emergency.at("/subtype/0/code").asText()).isEqualTo("110127");
        assertThat(emergency.at("/agent/0/network/address").asText()).isEqualTo("127.0.0.1");
        assertThat(emergency.path("entity").findValuesAsText("value")).contains("p-1001");
        assertThat(event(root, "LOCK_ACQUIRED").at("/type/code").asText()).isEqualTo("110110");
        assertThat(event(root, "RECORD_SAVED").at("/action").asText()).isEqualTo("U");
        assertThat(event(root, "AUTH_FAILED").at("/type/code").asText()).isEqualTo("110114");
        assertThat(event(root, "AUTH_FAILED").at("/outcome").asText()).isEqualTo("4");
        assertThat(event(root, "ACCESS_DENIED").at("/type/code").asText()).isEqualTo("110113");
        assertThat(event(root, "AUDIT_EXPORTED").at("/type/code").asText()).isEqualTo("110106");
        System.out.printf("FHIR export: %d AuditEvents, 0 validation errors%n", root.path("entry").size());
    }

    private static List<String> validate(String bundle) {
        FhirContext fhir = FhirContext.forR4();
        var support = new ValidationSupportChain(new DefaultProfileValidationSupport(fhir), new InMemoryTerminologyServerValidationSupport(fhir),
                new CommonCodeSystemsTerminologyService(fhir));
        FhirValidator validator = fhir.newValidator();
        validator.registerValidatorModule(new FhirInstanceValidator(support));
        List<String> problems = new ArrayList<>();
        for (SingleValidationMessage m : validator.validateWithResult(bundle).getMessages()) {
            if (m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL) {
                problems.add(m.getLocationString() + ": " + m.getMessage());
            }
        }
        return problems;
    }

    private static JsonNode event(JsonNode bundle, String action) {
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode resource = entry.path("resource");
            for (JsonNode subtype : resource.path("subtype")) {
                if (subtype.path("code").asText().equals(action)) {
                    return resource;
                }
            }
        }
        throw new AssertionError("no AuditEvent for " + action);
    }

    private static List<String> emptyStrings(JsonNode node, String path) {
        List<String> found = new ArrayList<>();
        if (node.isTextual() && node.asText().isEmpty()) {
            found.add(path);
        }
        node.fields().forEachRemaining(f -> found.addAll(emptyStrings(f.getValue(), path + "." + f.getKey())));
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            found.addAll(emptyStrings(node.get(i), path + "[" + i + "]"));
        }
        return found;
    }
}
