package org.baton.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.baton.core.ResourceId;
import org.baton.server.http.ApiException;
import org.baton.server.locks.Requests;

/**
 * Jazzer on resource-id parsing (issue 16), as the REST and WebSocket adapters parse ids: any text is either refused
 * as {@code INVALID_RESOURCE_ID} (400) or names exactly one lock, whose canonical three-part spelling parses back to
 * itself. So two spellings never name one lock (the trap {@code UUID.fromString} sets with its short forms).
 */
class ResourceIdFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void anyText_isRefusedByName_orNamesOneLockInOneSpelling(byte[] input) {
        String text = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        ResourceId id;
        try {
            id = Requests.parse(text);
        } catch (ApiException refused) {
            assertThat(refused.problem().status()).isEqualTo(400);
            assertThat(refused.problem().code()).isEqualTo("INVALID_RESOURCE_ID");
            return;
        }
        String canonical = id.toString();
        assertThat(canonical).matches("[a-z0-9_-]{1,64}:[A-Za-z0-9_-]{1,128}:[a-z0-9_-]{1,64}");
        assertThat(Requests.parse(canonical)).isEqualTo(id);
        assertThat(text).isIn(canonical, id.recordKey() + (id.child().equals("main") ? "" : ":" + id.child()));
    }
}
