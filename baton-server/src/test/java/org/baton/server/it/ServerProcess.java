package org.baton.server.it;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real server in its own JVM (the test's classpath), on a fixed port and data directory, so tests can
 * {@code kill -9} it and start it again on the same data. Tokens are HS256 with a test secret (demo mode off).
 */
final class ServerProcess implements AutoCloseable {
    static final String SECRET = "server-process-test-secret-32-bytes!!";
    final int port;
    final Path dataDir;
    private final Map<String, String> extraEnv;
    private Process process;
    private int starts;
    private volatile Instant refusedAt;

    ServerProcess(Path dataDir, Map<String, String> extraEnv) throws IOException {
        this(dataDir, extraEnv, freePort());
    }

    ServerProcess(Path dataDir, Map<String, String> extraEnv, int port) {
        this.port = port;
        this.dataDir = dataDir;
        this.extraEnv = new HashMap<>(extraEnv);
    }

    /** Changes the environment of the next {@link #start()} (e.g. a faked clock). */
    void environment(String key, String value) {
        if (value == null) {
            extraEnv.remove(key);
        } else {
            extraEnv.put(key, value);
        }
    }

    /**
     * JVM options that make a test server cheaper to start; {@code -Dbaton.test.fastStart=false} turns them off. The
     * suite starts a Baton process about a hundred times, and on two cores the optimising compiler's work in each start
     * competed with the tests: a test server lives seconds, so the quick compiler alone serves it better. (A class-data
     * archive would not help: the JDK archives classes from jars only, and the tests' classpath is directories.)
     */
    static List<String> startUpOptions() {
        return Boolean.parseBoolean(System.getProperty("baton.test.fastStart", "true")) ? List.of("-XX:TieredStopAtLevel=1") : List.of();
    }

    /** Starts the server and waits (bounded) until {@code /health/ready} answers 200. */
    ServerProcess start() throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        // The shipped logging configuration (BATON_LOG_FORMAT), not the tests' logback-test.xml that the classpath also holds.
        List<String> command = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Dlogback.configurationFile=logback.xml"));
        command.addAll(startUpOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.baton.server.Main"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dataDir.resolve("server-" + (++starts) + ".log").toFile());
        Map<String, String> env = new HashMap<>(Map.of("BATON_PORT", Integer.toString(port), "BATON_BIND", "127.0.0.1",
                "BATON_DATA_DIR", dataDir.toString(), "BATON_JWT_SECRET", SECRET, "BATON_LOG_FORMAT", "text",
                "BATON_RATE_LIMIT", "10000", "BATON_RATE_BURST", "10000"));
        env.putAll(TestBaton.storeEnvironment(dataDir));
        env.putAll(extraEnv);
        builder.environment().putAll(env);
        process = builder.start();
        refusedAt = null;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Process started = process;
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!started.isAlive()) {
                throw new IllegalStateException("the server exited with " + started.exitValue() + "; see " + dataDir);
            }
            Instant sent = Instant.now();
            try {
                return http.send(HttpRequest.newBuilder(base().resolve("/health/ready")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (java.net.ConnectException e) {
                refusedAt = sent;
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        return this;
    }

    /**
     * When the last {@link #start()} last found nobody listening (a connection refused): the server could answer no
     * client before then, so whatever it promises "from when it serves" counts from no earlier.
     */
    Instant lastRefusedAt() {
        return refusedAt;
    }

    /** {@code kill -STOP}: the process freezes (as in a long GC pause or a frozen VM); its sockets stay open. */
    void pause() throws IOException, InterruptedException {
        signal("STOP", process.pid());
    }

    /** {@code kill -CONT}: the frozen process runs on, remembering everything it knew before. */
    void resume() throws IOException, InterruptedException {
        signal("CONT", process.pid());
    }

    static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
        }
    }

    /** The running server's process id (to read its {@code /proc} entries). */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** {@code kill -9}: no shutdown hook, no flush; returns the exit code (137). */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        return process.exitValue();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    static String token(String user, String role) {
        try {
            var claims = new JWTClaimsSet.Builder().subject(user).claim("name", user).claim("roles", List.of(role))
                    .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1)))).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
