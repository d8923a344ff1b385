package org.baton.server.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.baton.server.http.Json;
import org.junit.jupiter.api.Test;

/**
 * The checkers that the integration tests run on every answer and frame really refuse what breaks the contract
 * (a checker that accepts everything would make those tests prove nothing).
 */
class ContractCheckersTest {
    static final Map<String, List<String>> JSON = Map.of("content-type", List.of("application/json"));
    static final String LEASE = "{\"resourceId\":\"patient:p-1:main\",\"leaseId\":\"l-1\",\"fencingToken\":3,"
            + "\"holder\":{\"userId\":\"sharma\",\"name\":\"Dr. Priya Sharma\",\"role\":\"attending\"},"
            + "\"acquiredAt\":\"2026-01-13T09:00:00Z\",\"expiresAt\":\"2026-01-13T09:05:00Z\",\"idleExpiresAt\":\"2026-01-13T09:30:00Z\"}";
    final OpenApiContract rest = OpenApiContract.get();
    final AsyncApiContract events = AsyncApiContract.get();

    @Test
    void rest_acceptsADocumentedAnswer() {
        assertThatCode(() -> rest.check("POST", "/api/locks/acquire", 200, JSON,
                "{\"resourceId\":\"patient:p-1:main\",\"version\":3,\"status\":\"acquired\",\"lease\":" + LEASE + "}")).doesNotThrowAnyException();
        assertThatCode(() -> rest.check("GET", "/api/nowhere", 404, Map.of("Content-Type", List.of("application/problem+json")),
                "{\"type\":\"https://baton.dev/problems/not-found\",\"title\":\"Not found\",\"status\":404,\"code\":\"NOT_FOUND\",\"detail\":\"No.\"}"))
                .doesNotThrowAnyException();
    }

    @Test
    void rest_refusesAMissingMember_aBadTime_andAWrongType() {
        assertThatThrownBy(() -> rest.check("POST", "/api/locks/acquire", 200, JSON,
                "{\"resourceId\":\"patient:p-1:main\",\"version\":3,\"status\":\"acquired\"}")).isInstanceOf(AssertionError.class).hasMessageContaining("lease");
        assertThatThrownBy(() -> rest.check("POST", "/api/locks/acquire", 200, JSON,
                "{\"resourceId\":\"patient:p-1:main\",\"version\":3,\"status\":\"acquired\",\"lease\":" + LEASE.replace("2026-01-13T09:05:00Z", "soon") + "}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("expiresAt");
        assertThatThrownBy(() -> rest.check("POST", "/api/locks/acquire", 200, JSON,
                "{\"resourceId\":\"patient:p-1:main\",\"version\":3,\"status\":\"acquired\",\"lease\":" + LEASE.replace("\"fencingToken\":3", "\"fencingToken\":\"3\"") + "}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("fencingToken");
        assertThatThrownBy(() -> rest.check("POST", "/api/locks/acquire", 200, JSON,
                "{\"resourceId\":\"patient:p-1:main\",\"status\":\"acquired\",\"lease\":" + LEASE + "}"))
                .as("a lock answer without its version").isInstanceOf(AssertionError.class).hasMessageContaining("version");
    }

    @Test
    void rest_refusesUndocumentedStatuses_codes_contentTypes_routes_andServerFailures() {
        String problem = "{\"type\":\"t\",\"title\":\"Conflict\",\"status\":409,\"code\":\"%s\",\"detail\":\"d\"}";
        Map<String, List<String>> problemJson = Map.of("Content-Type", List.of("application/problem+json"));
        assertThatThrownBy(() -> rest.check("GET", "/api/record-types", 409, problemJson, problem.formatted("LOCK_HELD")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("status 409 is not documented");
        assertThatCode(() -> rest.check("POST", "/api/locks/acquire", 409, problemJson, problem.formatted("LOCK_HELD"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> rest.check("POST", "/api/locks/acquire", 409, problemJson, problem.formatted("RATE_LIMITED")))
                .as("a code the 409 answer does not list").isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> rest.check("POST", "/api/locks/acquire", 409, problemJson, problem.formatted("NO_SUCH_CODE")))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> rest.check("GET", "/api/record-types", 200, Map.of("Content-Type", List.of("text/html")), "<p>"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("content type");
        assertThatThrownBy(() -> rest.check("GET", "/api/nowhere", 200, JSON, "{}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("no operation");
        assertThatThrownBy(() -> rest.check("GET", "/api/record-types", 500, problemJson, problem.formatted("INTERNAL")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("bug");
    }

    @Test
    void rest_refusesAnAcceptedRequestBodyTheDocumentDoesNotAllow() {
        String acquired = "{\"resourceId\":\"patient:p-1:main\",\"version\":3,\"status\":\"acquired\",\"lease\":" + LEASE + "}";
        assertThatCode(() -> rest.check("POST", "/api/locks/acquire", "{\"resourceId\":\"patient:p-1\",\"queue\":true}", 200, JSON, acquired))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> rest.check("POST", "/api/locks/acquire", "{\"resourceId\":\"patient:p-1\",\"queue\":\"yes\"}", 200, JSON, acquired))
                .isInstanceOf(AssertionError.class).hasMessageContaining("request body");
        String problem = "{\"type\":\"t\",\"title\":\"Bad request\",\"status\":400,\"code\":\"INVALID_FIELD\",\"detail\":\"d\"}";
        assertThatCode(() -> rest.check("POST", "/api/locks/acquire", "{\"queue\":\"yes\"}", 400,
                Map.of("Content-Type", List.of("application/problem+json")), problem)).as("a refused request may be anything").doesNotThrowAnyException();
    }

    @Test
    void rest_refusesARecordWithoutItsETag() {
        String record = "{\"id\":\"c-1\",\"type\":\"catheter\",\"version\":2,\"fields\":{},\"updatedAt\":\"2026-01-13T09:00:00Z\",\"updatedBy\":\"sharma\"}";
        assertThatThrownBy(() -> rest.check("GET", "/api/records/catheter/c-1", 200, JSON, record))
                .isInstanceOf(AssertionError.class).hasMessageContaining("ETag");
        assertThatCode(() -> rest.check("GET", "/api/records/catheter/c-1", 200, Map.of("Content-Type", List.of("application/json"),
                "ETag", List.of("\"2\"")), record)).doesNotThrowAnyException();
    }

    @Test
    void events_takenByAdmin_carriesTheDraftFacts_exactlyWhenADraftIsKept() {
        String by = "\"by\":{\"userId\":\"johnson\",\"name\":\"Dr. Alan Johnson\",\"role\":\"attending\"},\"reason\":\"r\",\"emergency\":true";
        String none = "{\"event\":\"lock:taken_by_admin\",\"data\":{\"resourceId\":\"patient:p-1:main\",\"version\":4," + by + ",\"draftKept\":false}}";
        String kept = "{\"event\":\"lock:taken_by_admin\",\"data\":{\"resourceId\":\"patient:p-1:main\",\"version\":4," + by
                + ",\"draftKept\":true,\"draftSavedAt\":\"2026-01-13T09:00:00Z\",\"draftAgeSeconds\":42,\"draftUrl\":\"/api/autosave/restore/patient/p-1\"}}";
        assertThat(events.problems(Json.readTree(none))).isEmpty();
        assertThat(events.problems(Json.readTree(kept))).isEmpty();
        assertThat(events.problems(Json.readTree(kept.replace(",\"draftUrl\":\"/api/autosave/restore/patient/p-1\"", ""))))
                .as("a kept draft without where to restore it").isNotEmpty();
        assertThat(events.problems(Json.readTree(kept.replace("\"draftKept\":true", "\"draftKept\":false"))))
                .as("draft facts when no draft is kept").isNotEmpty();
    }

    @Test
    void events_acceptADocumentedFrame_andRefuseUnknownEventsAndBadPayloads() {
        String acquired = "{\"event\":\"lock:acquired\",\"data\":{\"resourceId\":\"patient:p-1:main\",\"version\":3,\"lease\":" + LEASE
                + ",\"via\":\"DIRECT\",\"yours\":true},\"ref\":\"r1\"}";
        assertThat(events.problems(Json.readTree(acquired))).isEmpty();
        assertThat(events.problems(Json.readTree(acquired.replace("\"via\":\"DIRECT\"", "\"via\":\"MAGIC\"")))).singleElement()
                .asString().contains("via");
        assertThat(events.problems(Json.readTree(acquired.replace("patient:p-1:main\",\"lease", "not an id\",\"lease")))).isNotEmpty();
        assertThat(events.problems(Json.readTree(acquired.replace("\"version\":3,", "")))).as("an event about a resource without its version")
                .singleElement().asString().contains("version");
        assertThat(events.problems(Json.readTree("{\"event\":\"lock:teleported\",\"data\":{}}"))).singleElement().asString()
                .contains("not a message Baton sends");
        assertThat(events.problems(Json.readTree("{\"event\":\"resource:join\",\"data\":{\"resourceId\":\"patient:p-1\"}}")))
                .as("a client-to-server event is not one Baton sends").isNotEmpty();
    }
}
