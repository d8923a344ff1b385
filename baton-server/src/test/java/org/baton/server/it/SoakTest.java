package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak (issue 16, item 6): {@code baton.soak.sessions} WebSocket sessions (10,000 by default) against one Baton
 * process on the durable store for {@code baton.soak.minutes} (10). Every record has two editors and eight viewers: one
 * editor holds the lock and, every 15 s in turn with the other records, heartbeats (5 in 10), autosaves a draft (4 in
 * 10) or hands over (releases; the other, waiting in the queue, gets it and the first queues again); the viewers watch. Every 10 s the server's heap (Micrometer's
 * {@code jvm_memory_used_bytes}), file descriptors and database size are sampled; after a fifth of the run as warm-up
 * the slopes of the per-minute heap minimum and of the descriptors must be flat, and no client may see an error.
 *
 * <p>Tagged {@code soak}: the normal build excludes it; {@code ./test.sh --soak} runs it (with the 2,000-client
 * reconnect storm and the fuzzers).
 */
@RunsAlone
@Tag("soak")
class SoakTest {
    static final int PER_RECORD = 10;

    @TempDir
    Path dir;
    final LightClient.Sockets sockets = new LightClient.Sockets();
    final HttpClient rest = HttpClient.newHttpClient();
    final Map<String, Long> counts = new ConcurrentHashMap<>();
    final AtomicLong errors = new AtomicLong();

    private void count(String what) {
        counts.merge(what, 1L, Long::sum);
    }

    @Test
    void tenThousandSessions_tenMinutes_heapAndDescriptorsFlat_noErrors() throws Exception {
        int sessions = Integer.getInteger("baton.soak.sessions", 10_000);
        double minutes = Double.parseDouble(System.getProperty("baton.soak.minutes", "10"));
        int records = sessions / PER_RECORD;
        try (ServerProcess server = new ServerProcess(dir, Map.of("BATON_MAX_CONNECTIONS_PER_USER", "20", "QUEUE_AUTO_ACQUIRE", "true"))) {
            server.start();
            String origin = server.base().toString().replaceAll("/$", "");
            URI ws = URI.create("ws://127.0.0.1:" + server.port + "/ws");
            List<LightClient[]> editors = new ArrayList<>();
            // which of a record's two editors holds its lock, as their own frames say (-1 while a hand-over is under way)
            java.util.concurrent.atomic.AtomicIntegerArray holder = new java.util.concurrent.atomic.AtomicIntegerArray(records);
            long t0 = System.nanoTime();
            for (int r = 0; r < records; r++) {
                String resource = "patient:soak-" + r;
                List<CompletableFuture<LightClient>> connecting = new ArrayList<>();
                for (int k = 0; k < PER_RECORD; k++) {
                    String user = "soak-" + r + "-" + k;
                    int record = r;
                    int editor = k;
                    connecting.add(LightClient.connect(sockets, ws, origin, user, "?access_token=" + ServerProcess.token(user, "nurse"),
                            (c, frame) -> {
                                onFrame(frame);
                                if (editor < 2 && LightClient.is(frame, "lock:acquired") && frame.contains("\"yours\":true")) {
                                    holder.set(record, editor);
                                }
                            }));
                }
                LightClient[] pair = new LightClient[2];
                for (int k = 0; k < PER_RECORD; k++) {
                    LightClient client = connecting.get(k).get(60, TimeUnit.SECONDS);
                    client.sessionId.get(60, TimeUnit.SECONDS);
                    if (k < 2) { // the first holds the lock, the second waits in its queue
                        pair[k] = client;
                        client.sendNow("resource:join", Map.of("resourceId", resource, "mode", k == 0 ? "editor" : "viewer"));
                        if (k == 1) {
                            client.sendNow("queue:join", Map.of("resourceId", resource));
                        }
                    } else {
                        client.sendNow("resource:join", Map.of("resourceId", resource, "mode", "viewer"));
                    }
                }
                editors.add(pair);
            }
            System.out.printf("soak: %d sessions on %d records connected in %.0f s%n", sessions, records, (System.nanoTime() - t0) / 1e9);

            long start = System.nanoTime();
            long end = start + (long) (minutes * 60e9);
            List<double[]> samples = new ArrayList<>(); // {minute, heap MiB, fds, db KiB}
            long nextSample = start;
            // the records take turns, so each holder acts every 15 s: a heartbeat, an autosave, or one time in ten a hand-over
            double actionsPerSecond = records / 15.0;
            long actions = 0;
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (now >= nextSample) {
                    samples.add(new double[] {(now - start) / 60e9, heapMiB(server), ReconnectStormTest.fileDescriptors(server), databaseKiB()});
                    nextSample += 10_000_000_000L;
                }
                int r = (int) (actions % records);
                String resource = "patient:soak-" + r;
                int k = holder.get(r);
                int dice = ThreadLocalRandom.current().nextInt(10);
                if (k < 0) {
                    count("skipped (hand-over under way)");
                } else if (dice < 5) {
                    LightClient holding = editors.get(r)[k];
                    holding.sendNow("lock:heartbeat", Map.of("resourceId", resource, "active", true));
                    count("heartbeat");
                } else if (dice < 9) {
                    LightClient holding = editors.get(r)[k];
                    holding.sendNow("draft:save", Map.of("resourceId", resource, "data", Map.of("note", "soak " + actions)));
                    count("autosave");
                } else {
                    LightClient holding = editors.get(r)[k];
                    holder.set(r, -1);
                    holding.sendNow("lock:release", Map.of("resourceId", resource));
                    holding.sendNow("queue:join", Map.of("resourceId", resource));
                    count("hand-over");
                }
                actions++;
                long due = start + (long) (actions / actionsPerSecond * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the workload's pace, not a wait for an event
                }
            }
            samples.add(new double[] {(System.nanoTime() - start) / 60e9, heapMiB(server), ReconnectStormTest.fileDescriptors(server), databaseKiB()});
            List<double[]> steady = samples.subList(samples.size() / 5, samples.size());
            List<double[]> floors = minimaPerMinute(steady);
            double heapSlope = slope(floors, 1);
            double fdSlope = slope(steady, 2);
            double dbSlope = slope(steady, 3);
            System.out.printf("soak: %d sessions, %d records, %.1f min, %d actions %s; %d errors %s; after warm-up heap slope %.2f MiB/min"
                            + " (per-minute minimum, %.0f..%.0f MiB), FD slope %.2f/min (%.0f..%.0f), database %.0f KiB -> %.0f KiB (%.1f KiB/min,"
                            + " drafts, audit and history)%n",
                    sessions, records, minutes, actions, counts, errors.get(), refusals, heapSlope, min(steady, 1), max(steady, 1), fdSlope,
                    min(steady, 2), max(steady, 2), samples.get(0)[3], samples.get(samples.size() - 1)[3], dbSlope);
            assertThat(errors.get()).as("errors seen by clients: " + refusals).isZero();
            assertThat(fdSlope).as("file descriptors flat (per minute)").isLessThan(5);
            if (floors.size() >= 5) { // fewer minutes give no slope worth the name: a short run only proves the soak works
                assertThat(heapSlope).as("heap flat (MiB per minute of the per-minute minimum)").isLessThan(8);
            } else {
                System.out.printf("soak: %d whole minutes after warm-up: too short to judge the heap's slope%n", floors.size());
            }
        }
    }

    final Map<String, Long> refusals = new ConcurrentHashMap<>();

    private void onFrame(String frame) {
        if (LightClient.is(frame, "error")) {
            errors.incrementAndGet();
            refusals.merge(frame.substring(0, Math.min(100, frame.length())), 1L, Long::sum);
        }
    }

    private double heapMiB(ServerProcess server) throws Exception {
        String metrics = rest.send(HttpRequest.newBuilder(server.base().resolve("/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum() / (1 << 20);
    }

    private double databaseKiB() throws Exception {
        if (TestBaton.POSTGRES) {
            try (var c = java.sql.DriverManager.getConnection(TestBaton.storeEnvironment(dir).get("BATON_DB_URL"), org.baton.store.tck.TestPostgres.USER, null);
                 var rs = c.createStatement().executeQuery("select pg_database_size(current_database())")) {
                rs.next();
                return rs.getLong(1) / 1024.0;
            }
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("baton.db")).mapToLong(f -> f.toFile().length()).sum() / 1024.0;
        }
    }

    /** The lowest heap figure of each whole minute: the heap's floor, which a leak raises and garbage collection does not hide. */
    static List<double[]> minimaPerMinute(List<double[]> samples) {
        Map<Integer, double[]> floor = new java.util.TreeMap<>();
        for (double[] s : samples) {
            floor.merge((int) s[0], s, (a, b) -> a[1] <= b[1] ? a : b);
        }
        return new ArrayList<>(floor.values());
    }

    /** Least-squares slope of column {@code y} against column 0 (minutes). */
    static double slope(List<double[]> samples, int y) {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double mx = samples.stream().mapToDouble(s -> s[0]).average().orElse(0);
        double my = samples.stream().mapToDouble(s -> s[y]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (double[] s : samples) {
            num += (s[0] - mx) * (s[y] - my);
            den += (s[0] - mx) * (s[0] - mx);
        }
        return den == 0 ? 0 : num / den;
    }

    static double min(List<double[]> samples, int y) {
        return samples.stream().mapToDouble(s -> s[y]).min().orElse(0);
    }

    static double max(List<double[]> samples, int y) {
        return samples.stream().mapToDouble(s -> s[y]).max().orElse(0);
    }
}
