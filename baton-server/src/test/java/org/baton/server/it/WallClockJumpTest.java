package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.baton.server.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY promise 3 on the real server process: the server's wall clock jumps 600 s forward and then 600 s back
 * while a lease runs (libfaketime, its offset changed at run time through a timestamp file), and each lease still
 * expires after its TTL of real time — not at the jump forward (premature), not 600 s late after the jump back.
 * Lease deadlines follow the monotonic clock, which libfaketime is told to leave alone, as the kernel's would be.
 */
class WallClockJumpTest {
    private static final int TTL_SECONDS = 10;
    private static final Path LIBFAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

    @TempDir
    Path dataDir;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aWallClockJumpOf600Seconds_eitherWay_expiresNoLeaseEarlyOrLate() throws Exception {
        assertThat(LIBFAKETIME).as("libfaketime (Debian package faketime, installed by scripts/test-deps.sh)").exists();
        Path offset = Files.writeString(dataDir.resolve("faketime.rc"), "+0\n");
        Map<String, String> env = Map.of("LD_PRELOAD", LIBFAKETIME.toString(), "FAKETIME_TIMESTAMP_FILE", offset.toString(),
                "FAKETIME_CACHE_DURATION", "1", "FAKETIME_DONT_FAKE_MONOTONIC", "1",
                // libfaketime's glibc workaround makes the JVM's timed waits return at once (every waiting thread spins)
                "FAKETIME_FORCE_MONOTONIC_FIX", "0",
                "BATON_LEASE_TTL", Integer.toString(TTL_SECONDS), "LOCK_HEARTBEAT_INTERVAL", "5", "LOCK_GRACE_PERIOD", "0");
        try (ServerProcess server = new ServerProcess(dataDir, env)) {
            server.start();
            Duration forward = leaseLifetimeAcrossAJump(server, offset, "catheter:601", "+600", Duration.ofSeconds(600));
            Duration back = leaseLifetimeAcrossAJump(server, offset, "catheter:602", "-600", Duration.ofSeconds(-600));
            System.out.printf("wall clock jump: a %d s lease lived %.1f s across +600 s and %.1f s across -600 s (real time)%n",
                    TTL_SECONDS, forward.toMillis() / 1000.0, back.toMillis() / 1000.0);
        }
    }

    /**
     * Acquires {@code resourceId}, moves the server's wall clock to {@code spec}, waits (bounded) until the server's own
     * {@code Date} header shows the jump, and answers how long in real time the lease lived; fails if that is not its TTL.
     */
    private Duration leaseLifetimeAcrossAJump(ServerProcess server, Path offset, String resourceId, String spec, Duration jump) throws Exception {
        long start = System.nanoTime();
        var acquired = send(server, "POST", "/api/locks/acquire", "sharma", Map.of("resourceId", resourceId));
        assertThat(acquired.statusCode()).as(acquired.body()).isEqualTo(200);
        Files.writeString(offset, spec + "\n");
        Awaitility.await("the server's wall clock shows the jump of " + spec).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> Math.abs(Duration.between(Instant.now().plus(jump), serverTime(server)).toSeconds()) < 60);
        String path = "/api/locks/check/" + resourceId.replace(':', '/');
        assertThat(locked(server, path)).as("still held right after the jump of " + spec).isTrue();
        Awaitility.await("the lease expires after its TTL of real time").atMost(Duration.ofSeconds(TTL_SECONDS + 20))
                .pollInterval(Duration.ofMillis(100)).until(() -> !locked(server, path));
        Duration lived = Duration.ofNanos(System.nanoTime() - start);
        assertThat(lived).as("not expired before its TTL across the jump of " + spec).isGreaterThanOrEqualTo(Duration.ofSeconds(TTL_SECONDS - 1));
        assertThat(lived).as("not expired late across the jump of " + spec).isLessThan(Duration.ofSeconds(TTL_SECONDS + 20));
        return lived;
    }

    private boolean locked(ServerProcess server, String path) throws Exception {
        var check = send(server, "GET", path, "okafor", null);
        assertThat(check.statusCode()).as(check.body()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(check.body());
        return body.path("locked").asBoolean();
    }

    private Instant serverTime(ServerProcess server) throws Exception {
        var reply = send(server, "GET", "/health/live", "okafor", null);
        return ZonedDateTime.parse(reply.headers().firstValue("Date").orElseThrow(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    }

    private HttpResponse<String> send(ServerProcess server, String method, String path, String user, Object body) throws Exception {
        var request = HttpRequest.newBuilder(server.base().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + ServerProcess.token(user, "nurse"));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
