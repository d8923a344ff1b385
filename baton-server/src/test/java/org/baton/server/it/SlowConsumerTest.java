package org.baton.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow consumer for real (issue 16; RELIABILITY promise 8): among 500 viewers of one record, one sits behind a
 * throttled link ({@link ThrottledLink}: 16 bytes per 20 ms through tiny socket buffers). An editor takes and lets go
 * of the lock over and over. The server holds at most its 1,000 unsent messages for the slow session, then drops them
 * and closes it with 1013; its memory stays bounded; the other 499 viewers' fan-out latency (the editor's acquire to
 * each viewer's {@code lock:acquired}) has a p99 within 2× of the same run without the slow viewer.
 *
 * <p>Two things make the back-pressure reach the server within a test's time. Over loopback Linux autotunes a
 * connection's send buffer up to 4 MiB, which swallows ~5,000 messages before the server notices anything (the
 * ~1,450 of an earlier attempt), so this Baton runs with {@code BATON_SEND_BUFFER_BYTES=8192}. And a fan-out cycle here
 * costs ~100 ms on two cores, so instead of ~250 cycles the slow viewer first asks for presence {@value #PREFILL}
 * times without reading the answers (each answer waits in the same outbound queue as the fan-out); the cycles that
 * follow push it over the cap while the others are measured. Presence news waiting for the slow viewer is coalesced
 * (latest wins, issue 14), so a cycle adds two frames to its queue (the grant and the release), not four, and the
 * presence requests carry a {@code ref} (answers to a request are never merged): the prefill fills the queue to the
 * cap at most (the buffers on the way let ~250 frames through) and the cycles push it over. The slow viewer sends nothing after that: Jetty answers
 * a frame that arrives after its 1013 close by resetting the connection, and the client would then see 1006.
 */
@RunsAlone
class SlowConsumerTest {
    static final String SECRET = "slow-consumer-test-secret-of-32-bytes!!";
    static final String ORIGIN = "http://baton.test";
    static final String RESOURCE = "patient:slow-consumer";
    static final int VIEWERS = 499;
    static final int BASELINE_CYCLES = 100;
    static final int SLOW_CYCLES = 200;
    /** Presence requests the slow viewer sends at first without reading the answers (see the class comment). */
    static final int PREFILL = 1000;
    static final int SEND_BUFFER = 8192;

    @TempDir
    Path dir;

    private final Map<LightClient, long[]> arrivals = new ConcurrentHashMap<>();
    private final AtomicLong acquiredFrames = new AtomicLong();

    @Test
    void aViewerBehindASlowLink_isCutOffWith1013_andTheOthersFanOutStaysFast() throws Exception {
        Instant start = Instant.parse("2026-01-13T09:00:00Z");
        try (TestBaton baton = new TestBaton(dir, Map.of("BATON_JWT_SECRET", SECRET, "LOCK_TRACK_VIEWERS", "false",
                "BATON_ALLOWED_ORIGINS", ORIGIN, "BATON_DEMO", "off", "BATON_SEND_BUFFER_BYTES", String.valueOf(SEND_BUFFER)));
             ThrottledLink link = new ThrottledLink(baton.server.port(), 16, 20)) {
            LightClient.Sockets http = new LightClient.Sockets();
            URI ws = URI.create("ws://127.0.0.1:" + baton.server.port() + "/ws");
            List<CompletableFuture<LightClient>> connecting = new ArrayList<>();
            for (int i = 0; i < VIEWERS; i++) {
                String user = "viewer-" + i;
                connecting.add(LightClient.connect(http, ws, ORIGIN, user, "?access_token=" + token(user, start), this::record));
            }
            List<LightClient> viewers = new ArrayList<>();
            for (CompletableFuture<LightClient> c : connecting) {
                LightClient viewer = c.get(60, TimeUnit.SECONDS);
                viewer.sessionId.get(30, TimeUnit.SECONDS);
                arrivals.put(viewer, new long[BASELINE_CYCLES + SLOW_CYCLES + 2]);
                viewer.send("resource:join", Map.of("resourceId", RESOURCE, "mode", "viewer"));
                viewers.add(viewer);
            }
            TestBaton.RestTab editor = baton.new RestTab(token("editor", start));
            long[] sent = new long[BASELINE_CYCLES + SLOW_CYCLES + 2];
            int[] cycle = {0};
            Runnable oneCycle = () -> {
                int k = cycle[0]++;
                sent[k] = System.nanoTime();
                TestBaton.Reply granted = editor.post("/api/locks/acquire", Map.of("resourceId", RESOURCE));
                assertThat(granted.status()).isEqualTo(200);
                awaitAcquired((long) VIEWERS * (k + 1));
                assertThat(editor.post("/api/locks/release", Map.of("resourceId", RESOURCE, "leaseId", granted.body().at("/lease/leaseId").asText()))
                        .status()).isEqualTo(200);
            };
            long t0 = System.nanoTime();
            oneCycle.run(); // warm-up: every viewer has joined once it sees the first grant
            for (int i = 0; i < BASELINE_CYCLES; i++) {
                oneCycle.run();
            }
            System.out.printf("baseline: %d cycles in %.1f s%n", BASELINE_CYCLES, (System.nanoTime() - t0) / 1e9);
            long heapBaseline = heapAfterGc();
            double[] baseline = latencies(viewers, sent, 1, 1 + BASELINE_CYCLES);

            List<String> slowFrames = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicInteger slowAnswers = new java.util.concurrent.atomic.AtomicInteger();
            LightClient slow = LightClient.connect(http, URI.create("ws://127.0.0.1:" + link.port() + "/ws"), ORIGIN, "slow-viewer",
                    "?access_token=" + token("slow-viewer", start), (c, frame) -> {
                        if (LightClient.is(frame, "lock:acquired")) {
                            slowFrames.add(frame);
                        } else if (LightClient.is(frame, "presence:update")) {
                            slowAnswers.incrementAndGet();
                        }
                    }).get(60, TimeUnit.SECONDS);
            slow.sessionId.get(30, TimeUnit.SECONDS);
            slow.sendNow("resource:join", Map.of("resourceId", RESOURCE, "mode", "viewer"));
            int asked = PREFILL;
            for (int a = 0; a < PREFILL; a++) {
                slow.sendNow("presence:get", Map.of("resourceId", RESOURCE), "p" + a); // with a ref: answers are not coalesced
            }
            int from = cycle[0];
            int framesBeforeSlow = viewers.get(0).frames.get();
            for (int i = 0; i < SLOW_CYCLES; i++) {
                oneCycle.run();
            }
            long heapWithSlow = heapAfterGc();
            int framesPerViewerWhileSlow = viewers.get(0).frames.get() - framesBeforeSlow;
            double[] withSlow = latencies(viewers, sent, from, from + SLOW_CYCLES);
            long deliveredWhileSlow = link.delivered.get();

            System.out.printf("slow phase: %d cycles, %d presence requests unread; %d grants and %d answers reached the slow viewer,"
                    + " %d bytes through the link, %.1f s%n", SLOW_CYCLES, asked, slowFrames.size(), slowAnswers.get(), deliveredWhileSlow,
                    (System.nanoTime() - sent[from]) / 1e9);
            link.openUp();
            int closeCode = slow.closed.get(60, TimeUnit.SECONDS);
            double p99Baseline = percentile(baseline, 99);
            double p99WithSlow = percentile(withSlow, 99);
            System.out.printf("slow consumer: %d viewers + 1 behind a %d B/%d ms link; %d cycles without it, %d with it;"
                            + " fan-out p50/p99 %.1f/%.1f ms without, %.1f/%.1f ms with; the slow viewer got %d of %d grants"
                            + " and %d of %d frames (%d bytes through the link while slow), closed with %d (%s); heap after GC %d MiB without, %d MiB with%n",
                    VIEWERS, 16, 20, BASELINE_CYCLES, SLOW_CYCLES, percentile(baseline, 50), p99Baseline, percentile(withSlow, 50), p99WithSlow,
                    slowFrames.size(), SLOW_CYCLES, slow.frames.get(), asked + framesPerViewerWhileSlow, deliveredWhileSlow, closeCode, slow.closeReason, heapBaseline >> 20, heapWithSlow >> 20);
            assertThat(closeCode).as("the stalled session is closed with 1013 (try again later)").isEqualTo(1013);
            assertThat(slow.frames.get()).as("cut off: the slow viewer got fewer frames than were meant for it")
                    .isLessThan(asked + framesPerViewerWhileSlow);
            assertThat(heapWithSlow - heapBaseline).as("server memory bounded (bytes)").isLessThan(64L << 20);
            assertThat(p99WithSlow).as("the others' fan-out p99 (ms) within 2x of the run without the slow viewer")
                    .isLessThanOrEqualTo(2 * Math.max(p99Baseline, 1.0));
            viewers.forEach(LightClient::abort);
        }
    }

    private void record(LightClient viewer, String frame) {
        if (LightClient.is(frame, "lock:acquired")) {
            long[] times = arrivals.get(viewer);
            int n = (int) times[times.length - 1]++;
            times[n] = System.nanoTime();
            acquiredFrames.incrementAndGet();
        }
    }

    private void awaitAcquired(long expected) {
        org.awaitility.Awaitility.await("every viewer told of the grant").atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1)).until(() -> acquiredFrames.get() >= expected);
    }

    /** Milliseconds from each cycle's acquire to each viewer's {@code lock:acquired}, cycles {@code from} (incl.) to {@code to}. */
    private double[] latencies(List<LightClient> viewers, long[] sent, int from, int to) {
        double[] all = new double[viewers.size() * (to - from)];
        int i = 0;
        for (LightClient viewer : viewers) {
            long[] times = arrivals.get(viewer);
            for (int k = from; k < to; k++) {
                all[i++] = (times[k] - sent[k]) / 1e6;
            }
        }
        return all;
    }

    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static String token(String user, Instant now) {
        return TestBaton.signedToken(SECRET, user, user, user.startsWith("editor") ? "attending" : "nurse", now);
    }
}
