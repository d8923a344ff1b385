package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.baton.server.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY promise 5 on the real server process: an acknowledged lease survives {@code kill -9} and restart with
 * its fencing token, its holder continues it from the same session, others are still refused, and the next grant
 * gets a higher fence.
 */
class KillAndRestartTest {
    @TempDir
    Path dataDir;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void acknowledgedLease_survivesKillDashNine_andItsHolderContinuesIt() throws Exception {
        try (ServerProcess server = new ServerProcess(dataDir, Map.of())) {
            server.start();
            var reply = post(server, "/api/locks/acquire", "sharma", null, Map.of("resourceId", "catheter:77"));
            assertThat(reply.statusCode()).isEqualTo(200);
            JsonNode acquired = Json.mapper().readTree(reply.body());
            String session = reply.headers().firstValue("X-Session-Id").orElseThrow();
            assertThat(server.kill()).isEqualTo(137);

            server.start();
            String leaseId = acquired.at("/lease/leaseId").asText();
            var other = post(server, "/api/locks/acquire", "okafor", null, Map.of("resourceId", "catheter:77"));
            assertThat(other.statusCode()).isEqualTo(409);
            assertThat(Json.mapper().readTree(other.body()).at("/holder/userId").asText()).isEqualTo("sharma");

            var extended = post(server, "/api/locks/extend", "sharma", session, Map.of("resourceId", "catheter:77", "leaseId", leaseId, "active", true));
            assertThat(extended.statusCode()).as(extended.body()).isEqualTo(200);
            assertThat(Json.mapper().readTree(extended.body()).at("/lease/fencingToken").asLong()).isEqualTo(1);

            var released = post(server, "/api/locks/release", "sharma", session, Map.of("resourceId", "catheter:77", "leaseId", leaseId));
            assertThat(released.statusCode()).isEqualTo(200);
            var next = post(server, "/api/locks/acquire", "okafor", null, Map.of("resourceId", "catheter:77"));
            assertThat(Json.mapper().readTree(next.body()).at("/lease/fencingToken").asLong()).isEqualTo(2);
        }
    }

    /**
     * Issue 14: SQLite's native library is unpacked once into the data directory and mapped from there, also after
     * {@code kill -9}, instead of unpacked into the temporary directory at every start. (On PostgreSQL: not at all.)
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sqlitesLibrary_isUnpackedOnceIntoTheDataDirectory_andLoadedFromThereAfterARestart() throws Exception {
        try (ServerProcess server = new ServerProcess(dataDir, Map.of())) {
            server.start();
            if (TestBaton.POSTGRES) {
                assertThat(dataDir.resolve("native")).as("on PostgreSQL, SQLite is neither loaded nor unpacked").doesNotExist();
                assertThat(Files.readString(Path.of("/proc", Long.toString(server.pid()), "maps"))).doesNotContain("libsqlitejdbc");
                return;
            }
            Path first = mappedSqliteLibrary(server.pid());
            assertThat(first).as("the library the process runs").startsWith(dataDir.toRealPath().resolve("native"));
            FileTime unpacked = Files.getLastModifiedTime(first);
            assertThat(server.kill()).isEqualTo(137);

            server.start();
            assertThat(mappedSqliteLibrary(server.pid())).isEqualTo(first);
            assertThat(Files.getLastModifiedTime(first)).as("not unpacked again").isEqualTo(unpacked);
        }
    }

    /** The file of SQLite's library as the kernel has it mapped into {@code pid}. */
    private static Path mappedSqliteLibrary(long pid) throws IOException {
        try (var lines = Files.lines(Path.of("/proc", Long.toString(pid), "maps"))) {
            return lines.filter(l -> l.contains("libsqlitejdbc")).map(l -> Path.of(l.substring(l.indexOf('/')))).findFirst()
                    .orElseThrow(() -> new AssertionError("SQLite's library is not mapped into process " + pid));
        }
    }

    private HttpResponse<String> post(ServerProcess server, String path, String user, String session, Object body) throws Exception {
        var request = HttpRequest.newBuilder(server.base().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + ServerProcess.token(user, "nurse"));
        if (session != null) {
            request.header("X-Session-Id", session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
