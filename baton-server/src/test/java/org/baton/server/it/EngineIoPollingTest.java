package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.baton.server.http.Json;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 7 at the wire: Engine.IO v4 long-polling as socket.io-client speaks it (open, CONNECT with the token,
 * events in a poll), and what it refuses (foreign origins, unknown sessions, other protocol versions).
 */
class EngineIoPollingTest extends RunningBaton {
    HttpResponse<String> http(String method, String query, String body, String origin) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(baton.base() + "/socket.io/?" + query))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "text/plain;charset=UTF-8");
        if (origin != null) {
            request.header("Origin", origin);
        }
        return baton.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void issue13_polling_open_connectWithTheToken_andEventsArriveInAPoll() throws Exception {
        HttpResponse<String> open = http("GET", "EIO=4&transport=polling&t=1", null, baton.origin());
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.body()).startsWith("0");
        JsonNode handshake = Json.mapper().readTree(open.body().substring(1));
        assertThat(handshake.path("upgrades").toString()).isEqualTo("[\"websocket\"]");
        assertThat(open.headers().firstValue("Access-Control-Allow-Origin")).hasValue(baton.origin());
        String sid = handshake.path("sid").asText();

        String connect = "40" + Json.write(java.util.Map.of("token", baton.token("okafor")));
        assertThat(http("POST", "EIO=4&transport=polling&sid=" + sid, connect, baton.origin()).body()).isEqualTo("ok");
        String polled = http("GET", "EIO=4&transport=polling&sid=" + sid, null, null).body();
        assertThat(polled.split("\u001e")).as("the CONNECT answer and session:ready, in one poll")
                .anySatisfy(p -> assertThat(p).startsWith("40{\"sid\""))
                .anySatisfy(p -> assertThat(p).startsWith("42[\"session:ready\"").contains("\"userId\":\"okafor\""));

        String join = "421" + Json.write(java.util.List.of("resource:join", java.util.Map.of("resourceId", "patient:p-9", "mode", "editor")));
        assertThat(http("POST", "EIO=4&transport=polling&sid=" + sid, join, null).body()).isEqualTo("ok");
        String answer = http("GET", "EIO=4&transport=polling&sid=" + sid, null, null).body();
        assertThat(answer).contains("42[\"lock:acquired\"").contains("431[{\"event\":\"lock:acquired\"");
        assertThat(baton.call("GET", "/api/locks/check/patient/p-9", baton.token("chen"), null).body().at("/holder/userId").asText())
                .isEqualTo("okafor");

        assertThat(http("POST", "EIO=4&transport=polling&sid=" + sid, "1", null).body()).isEqualTo("ok");
        assertThat(http("GET", "EIO=4&transport=polling&sid=" + sid, null, null).statusCode()).as("closed by the client").isEqualTo(400);
    }

    @Test
    void issue13_polling_refusesForeignOrigins_unknownSessions_andOtherVersions() throws Exception {
        HttpResponse<String> foreign = http("GET", "EIO=4&transport=polling", null, "https://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("ORIGIN_REFUSED");
        assertThat(http("GET", "EIO=4&transport=polling&sid=nope", null, null).body()).contains("UNKNOWN_SESSION");
        assertThat(http("POST", "EIO=4&transport=polling&sid=nope", "3", null).statusCode()).isEqualTo(400);
        assertThat(http("GET", "EIO=3&transport=polling", null, null).body()).contains("UNSUPPORTED_TRANSPORT");
        assertThat(http("GET", "EIO=4&transport=polling&access_token=forged", null, null).statusCode()).isEqualTo(401);
    }
}
