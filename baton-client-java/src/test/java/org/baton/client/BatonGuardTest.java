package org.baton.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.baton.server.BatonServer;
import org.baton.server.config.BatonConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented pattern end to end: an "other application" with its own SQLite table guards its UPDATE with
 * Baton's lease check and a fence column; a displaced holder's write is refused both by the check and by the fence.
 */
class BatonGuardTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    BatonServer baton;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        // An application with its own records: its types are not Baton's record types (BATON_ALLOW_ANY_RESOURCE_TYPE).
        baton = BatonServer.start(BatonConfig.fromEnvironment(Map.of("BATON_PORT", "0", "BATON_BIND", "127.0.0.1",
                "BATON_DATA_DIR", dir.resolve("baton").toString(), "BATON_ALLOW_ANY_RESOURCE_TYPE", "true")), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        baton.close();
    }

    @Test
    void theLiveLeaseWrites_aDisplacedOneIsRefused() throws Exception {
        URI base = URI.create("http://127.0.0.1:" + baton.port());
        String chen = token("chen");
        String sharma = token("sharma");
        JsonNode lease = post(base, "/api/locks/acquire", chen, "{\"resourceId\":\"ward_note:17\"}").path("lease");
        String leaseId = lease.path("leaseId").asText();
        BatonGuard guard = new BatonGuard(base);

        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db"))) {
            try (Statement s = db.createStatement()) {
                s.execute("create table ward_note (id integer primary key, body text, version integer, fence integer)");
                s.execute("insert into ward_note values (17, 'initial', 1, 0)");
            }
            long fence = guard.requireLease("ward_note:17", leaseId, chen).fencingToken();
            assertThat(fence).isEqualTo(lease.path("fencingToken").asLong());
            assertThat(update(db, "chen's edit", 1, fence)).isEqualTo(1);

            JsonNode takeover = post(base, "/api/locks/force-release", sharma,
                    "{\"resourceId\":\"ward_note:17\",\"emergency\":true,\"reason\":\"urgent\"}");
            assertThatThrownBy(() -> guard.requireLease("ward_note:17", leaseId, lease.path("fencingToken").asLong(), chen))
                    .isInstanceOfSatisfying(LeaseRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(423);
                        assertThat(e.code()).isIn("STALE_FENCING_TOKEN", "NOT_LOCK_HOLDER");
                    });
            long newFence = guard.requireLease("ward_note:17", takeover.at("/lease/leaseId").asText(), sharma).fencingToken();
            assertThat(update(db, "sharma's edit", 2, newFence)).isEqualTo(1);
            assertThat(update(db, "chen, checked before the takeover", 3, fence)).as("the fence column refuses the stale writer").isZero();
        }
    }

    private static int update(Connection db, String body, long expectedVersion, long fence) throws Exception {
        try (PreparedStatement u = db.prepareStatement("update ward_note set body = ?, version = version + 1, fence = ?"
                + " where id = 17 and version = ? and fence <= ?")) {
            u.setString(1, body);
            u.setLong(2, fence);
            u.setLong(3, expectedVersion);
            u.setLong(4, fence);
            return u.executeUpdate();
        }
    }

    private String token(String user) {
        var demo = baton.demoSignIn().orElseThrow();
        return demo.issue(demo.user(user).orElseThrow(), Duration.ofHours(1));
    }

    private JsonNode post(URI base, String path, String token, String body) throws Exception {
        var builder = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token);
        builder = body == null ? builder.GET() : builder.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        return JSON.readTree(http.send(builder.build(), HttpResponse.BodyHandlers.ofString()).body());
    }
}
