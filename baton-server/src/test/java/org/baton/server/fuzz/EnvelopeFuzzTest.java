package org.baton.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.baton.server.http.ApiException;
import org.baton.server.ws.Envelope;

/**
 * Jazzer on the WebSocket envelope (issue 16): any text frame is either an envelope the gateway can act on (a short
 * non-empty event name, an object as data, a short ref) or a 400 refusal with a stable code; never another
 * exception, which the connection would report as an internal error.
 */
class EnvelopeFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void anyFrame_isAnEnvelope_orRefusedByName(byte[] input) {
        String frame = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        try {
            Envelope envelope = Envelope.parse(frame);
            assertThat(envelope.event()).isNotEmpty().hasSizeLessThanOrEqualTo(64);
            assertThat(envelope.data().isObject()).isTrue();
            if (envelope.ref() != null) {
                assertThat(envelope.ref()).hasSizeLessThanOrEqualTo(128);
            }
        } catch (ApiException refused) {
            assertThat(refused.problem().status()).isEqualTo(400);
            assertThat(refused.problem().code()).isIn("INVALID_MESSAGE", "DUPLICATE_FIELD");
        } catch (Envelope.RefusedMessage refused) {
            assertThat(refused.refusal().problem().code()).isEqualTo("INVALID_MESSAGE");
        }
    }
}
