package org.baton.server.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.baton.server.http.Json;

/**
 * A holder's client as its own process, for {@link PausedHolderTest}: it takes the lock, autosaves a draft, keeps the
 * lease alive with heartbeats, and, when a heartbeat is refused (after it was paused past its lease), tries to save
 * with the old lease. It reports each step on standard output: {@code ACQUIRED}, {@code DRAFT}, {@code LOST}, {@code SAVE}.
 */
public final class PausedHolderClient {
    private PausedHolderClient() {
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        String token = ServerProcess.token("holder", "nurse");
        HttpClient http = HttpClient.newHttpClient();
        var acquired = send(http, base, "POST", "/api/locks/acquire", token, null, "{\"resourceId\":\"catheter:p1\"}", null);
        String session = acquired.headers().firstValue("X-Session-Id").orElseThrow();
        String leaseId = Json.mapper().readTree(acquired.body()).at("/lease/leaseId").asText();
        System.out.println("ACQUIRED " + acquired.statusCode() + " " + leaseId);
        var draft = send(http, base, "POST", "/api/autosave/save", token, session,
                "{\"resourceId\":\"catheter:p1\",\"baseVersion\":1,\"data\":{\"fields\":{\"notes\":\"typed before the pause\"}}}", null);
        System.out.println("DRAFT " + draft.statusCode());
        while (true) {
            HttpResponse<String> beat;
            try {
                beat = send(http, base, "POST", "/api/locks/extend", token, session,
                        "{\"resourceId\":\"catheter:p1\",\"leaseId\":\"" + leaseId + "\",\"active\":true}", null);
            } catch (java.io.IOException e) {
                // a request in flight when the process was frozen times out: its outcome is unknown, so ask again
                continue;
            }
            if (beat.statusCode() != 200) {
                System.out.println("LOST " + beat.statusCode() + " " + Json.mapper().readTree(beat.body()).path("code").asText());
                break;
            }
            Thread.sleep(300); // the client's heartbeat interval; the process is paused from outside
        }
        var save = send(http, base, "PUT", "/api/records/catheter/p1", token, session, "{\"fields\":{\"notes\":\"written after the pause\"}}",
                leaseId);
        System.out.println("SAVE " + save.statusCode() + " " + Json.mapper().readTree(save.body()).path("code").asText());
    }

    private static HttpResponse<String> send(HttpClient http, URI base, String method, String path, String token, String session, String body,
                                             String leaseId) throws Exception {
        var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token);
        if (session != null) {
            request.header("X-Session-Id", session);
        }
        if (leaseId != null) {
            request.header("If-Match", "\"1\"").header("X-Lease-Id", leaseId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
