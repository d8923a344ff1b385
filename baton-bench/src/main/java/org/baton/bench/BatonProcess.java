package org.baton.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Baton's jar in its own process (so its CPU and memory are its own), with limits raised for load and minted tokens. */
final class BatonProcess implements AutoCloseable {
    static final String SECRET = "baton-benchmark-secret-at-least-32-bytes";
    final int port;
    final Path dataDir;
    final Path jar;
    private final Map<String, String> extraEnv;
    private Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    BatonProcess(Path jar, Path dataDir, Map<String, String> extraEnv) throws IOException {
        this.jar = jar;
        this.dataDir = dataDir;
        this.port = Net.freePort();
        this.extraEnv = new HashMap<>(extraEnv);
        Files.createDirectories(dataDir);
    }

    /**
     * How the JVM is spared re-loading and re-linking Baton's ~6,000 classes at start: nothing, a class-data-sharing
     * archive (JDK 19+, written at the first clean exit), or JDK 25's AOT cache (JEP 483/514: classes loaded and linked
     * ahead of time, with method profiles; written at the first clean exit too). {@code ./start.sh} uses the best one the JDK
     * has; the bench's servers use CDS unless a workload says otherwise (the start-up block compares all three).
     */
    enum Archive {
        NONE, CDS, AOT;

        List<String> flags(Path jar) throws IOException {
            return switch (this) {
                case NONE -> List.of("-Xshare:auto");
                case CDS -> List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + file(jar, ".jsa"), "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
                case AOT -> {
                    Path cache = file(jar, ".aot");
                    yield List.of((Files.isRegularFile(cache) ? "-XX:AOTCache=" : "-XX:AOTCacheOutput=") + cache, "-Xlog:aot=off", "-Xlog:cds=off");
                }
            };
        }

        /** The archive beside the jar, named after the jar's build time as start.sh names it, so a rebuilt jar gets a fresh one. */
        private static Path file(Path jar, String suffix) throws IOException {
            return jar.resolveSibling("baton-" + Files.getLastModifiedTime(jar).toMillis() / 1000 + suffix);
        }

        static boolean aotAvailable() {
            return Runtime.version().feature() >= 25;
        }

        /** What {@code ./start.sh} starts from once its archive exists: the AOT cache when the JDK has one written, else CDS. */
        static Archive ofStartScript(Path jar) throws IOException {
            return aotAvailable() && Files.isRegularFile(file(jar, ".aot")) ? AOT : CDS;
        }
    }

    private Archive archive = Archive.CDS;

    /** The start-up archive of the next {@link #start()}. */
    BatonProcess archive(Archive kind) {
        this.archive = kind;
        return this;
    }

    /** Starts and waits for readiness; returns the time to ready in milliseconds. */
    long start() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(Net.serverPinning());
        command.add(java);
        String profile = System.getenv("BATON_BENCH_JFR"); // a directory: record a flight-recorder profile of each Baton process
        if (profile == null) {
            command.addAll(archive.flags(jar)); // not with a recording: the JDK turns the recorder off while it dumps a class archive
        }
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Xmx1g"));
        if (profile != null) {
            command.add("-XX:StartFlightRecording=filename=" + Path.of(profile, "baton-" + port + ".jfr") + ",settings=profile,dumponexit=true");
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("baton.log").toFile());
        Map<String, String> env = new HashMap<>(Map.of("BATON_PORT", Integer.toString(port), "BATON_BIND", "127.0.0.1",
                "BATON_DATA_DIR", dataDir.toString(), "BATON_JWT_SECRET", SECRET, "BATON_LOG_FORMAT", "text",
                "BATON_RATE_LIMIT", "100000", "BATON_RATE_BURST", "1000000", "BATON_MAX_LOCKS_PER_USER", "1000",
                "BATON_ALLOW_ANY_RESOURCE_TYPE", "true"));
        env.putAll(extraEnv);
        builder.environment().putAll(env);
        long t0 = System.nanoTime();
        process = builder.start();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Baton exited with " + process.exitValue() + "; see " + dataDir.resolve("baton.log"));
            }
            try {
                if (http.send(HttpRequest.newBuilder(uri("/health/ready")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                }
            } catch (IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new IllegalStateException("Baton did not get ready in 60 s");
    }

    /** Extra environment for the next {@link #start()} (e.g. another store). */
    void putEnv(String key, String value) {
        extraEnv.put(key, value);
    }

    /** Throws when the process is gone (it crashed, or something outside the bench killed it): no figure is taken from a dead server. */
    void requireAlive(String during) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("the Baton process exited during " + during + " with status " + (process == null ? "?" : process.exitValue())
                    + "; see " + dataDir.resolve("baton.log"));
        }
    }

    long pid() {
        return process.pid();
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    static String token(String user, String role) {
        try {
            var claims = new JWTClaimsSet.Builder().subject(user).claim("name", user).claim("roles", List.of(role))
                    .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(4)))).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
