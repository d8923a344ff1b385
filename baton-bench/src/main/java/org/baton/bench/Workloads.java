package org.baton.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The workloads, each returning its figures: closed loops for throughput, an open loop (scheduled, never spinning)
 * for latency. Every WebSocket client is a {@link WsClient} on Jetty's asynchronous client.
 */
final class Workloads {
    /** A closed-loop block: operations (acquire + release pairs, or two echoes) per second, and the server's CPU per operation. */
    record Throughput(double opsPerSecond, long ops, long errors, double cpuMicrosPerOp) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    // ---- 1. uncontended acquire+release over WebSocket, N connections, closed loop -----------------------------

    /** {@code connections} Baton users, each joined (as a browser is) to the {@value #RECORDS_PER_CLIENT} records it then locks in turn. */
    static final int RECORDS_PER_CLIENT = 8;
    private static final int JOINING_CLIENTS = 4;

    static final class BatonClients implements AutoCloseable {
        final List<WsClient> clients = new ArrayList<>();
        final String prefix;

        BatonClients(BatonProcess baton, int connections, String prefix) throws Exception {
            this(List.of(baton), connections, prefix);
        }

        /** Connection {@code i} goes to {@code instances[i % n]}, directly (no balancer): a cluster's load spread evenly. */
        BatonClients(List<BatonProcess> instances, int connections, String prefix) throws Exception {
            this.prefix = prefix;
            List<CompletableFuture<WsClient>> opening = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                opening.add(WsClient.connect(instances.get(i % instances.size()).ws(), BatonProcess.token(prefix + i, "nurse"), m -> { }));
            }
            for (CompletableFuture<WsClient> c : opening) {
                clients.add(c.get(60, TimeUnit.SECONDS));
            }
            // a few clients' joins at a time: a burst of hundreds would be a benchmark of its own (on PostgreSQL each join is a write)
            for (int from = 0; from < connections; from += JOINING_CLIENTS) {
                List<CompletableFuture<String>> joins = new ArrayList<>();
                for (int i = from; i < Math.min(connections, from + JOINING_CLIENTS); i++) {
                    for (int k = 0; k < RECORDS_PER_CLIENT; k++) {
                        joins.add(clients.get(i).request("resource:join", Map.of("resourceId", resource(i, k), "mode", "viewer")));
                    }
                }
                for (CompletableFuture<String> j : joins) {
                    String answer = j.get(60, TimeUnit.SECONDS);
                    if (answer.contains("\"event\":\"error\"")) {
                        throw new IllegalStateException("join refused: " + answer);
                    }
                }
            }
        }

        String resource(int client, long n) {
            return "bench:" + prefix + client + "-" + (n % RECORDS_PER_CLIENT);
        }

        @Override
        public void close() {
            clients.forEach(WsClient::close);
        }
    }

    /** One acquire + release of the client's next record; the release names the lease, as the browser client does. */
    static CompletableFuture<Boolean> acquireRelease(WsClient c, String rid) {
        return c.request("lock:request", Map.of("resourceId", rid)).thenCompose(a -> {
            String leaseId = WsClient.field(a, "leaseId");
            if (leaseId == null) {
                return CompletableFuture.completedFuture(false);
            }
            return c.request("lock:release", Map.of("resourceId", rid, "leaseId", leaseId)).thenApply(r -> r.startsWith("{\"event\":\"lock:released\""));
        });
    }

    Throughput batonWebSocket(BatonClients set, Duration duration, long pid) throws InterruptedException {
        return closedLoop(set.clients.size(), (i, n) -> acquireRelease(set.clients.get(i), set.resource(i, n)), duration, pid);
    }

    /** The floor: the same closed loop with two echo round trips per operation, through the same load generator. */
    static final class EchoClients implements AutoCloseable {
        final List<EchoLoop> loops = new ArrayList<>();

        EchoClients(Floors.EchoServer echo, int connections) throws Exception {
            for (int i = 0; i < connections; i++) {
                loops.add(new EchoLoop(URI.create("ws://127.0.0.1:" + echo.port + "/echo"))); // Jetty's core API, as Baton's WebSockets
            }
        }

        @Override
        public void close() {
            loops.forEach(l -> l.client.close());
        }
    }

    Throughput echoWebSocket(EchoClients set, Duration duration, long pid) throws InterruptedException {
        String message = "{\"event\":\"lock:request\",\"data\":{\"resourceId\":\"bench:ws12-3\"},\"ref\":\"12345\"}";
        return closedLoop(set.loops.size(), (i, n) -> {
            EchoLoop loop = set.loops.get(i);
            return loop.roundTrip(message).thenCompose(v -> loop.roundTrip(message)).thenApply(v -> true);
        }, duration, pid);
    }

    /** One echo connection: send, then the echo completes the waiting round trip. */
    static final class EchoLoop {
        final WsClient client;
        volatile CompletableFuture<Void> waiting;

        EchoLoop(URI uri) throws Exception {
            client = WsClient.echo(uri, text -> {
                CompletableFuture<Void> w = waiting;
                if (w != null) {
                    w.complete(null);
                }
            });
        }

        CompletableFuture<Void> roundTrip(String message) {
            CompletableFuture<Void> w = new CompletableFuture<>();
            waiting = w;
            client.send(message);
            return w;
        }
    }

    @FunctionalInterface
    interface Step {
        CompletableFuture<Boolean> next(int index, long n);
    }

    /** Runs {@code step} in a closed loop on {@code clients} loops for {@code duration}; CPU of {@code pid} over the window. */
    static Throughput closedLoop(int clients, Step step, Duration duration, long pid) throws InterruptedException {
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        CountDownLatch done = new CountDownLatch(clients);
        long cpu0 = Net.cpuMillis(pid);
        for (int i = 0; i < clients; i++) {
            loop(i, 0, step, end, ops, errors, done);
        }
        done.await(duration.toSeconds() + 60, TimeUnit.SECONDS);
        long cpu = Net.cpuMillis(pid) - cpu0;
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Throughput(ops.get() / seconds, ops.get(), errors.get(), ops.get() == 0 ? -1 : cpu * 1000.0 / ops.get());
    }

    private static void loop(int index, long n, Step step, long end, AtomicLong ops, AtomicLong errors, CountDownLatch done) {
        if (System.nanoTime() > end) {
            done.countDown();
            return;
        }
        step.next(index, n).whenComplete((ok, e) -> {
            if (e == null && Boolean.TRUE.equals(ok)) {
                ops.incrementAndGet();
            } else {
                errors.incrementAndGet();
            }
            loop(index, n + 1, step, end, ops, errors, done);
        });
    }

    // ---- 2. single-connection acquire latency, open loop ---------------------------------------------------------

    /**
     * One connection, joined to its records, acquiring at {@code perSecond} on a schedule (never spinning): each
     * acquire's latency is taken from its intended send time (no coordinated omission), then the lease is released.
     */
    Latency batonAcquireLatency(BatonProcess baton, int perSecond, Duration warmup, Duration duration) throws Exception {
        try (BatonClients one = new BatonClients(baton, 1, "lat")) {
            WsClient client = one.clients.get(0);
            IntFunction<CompletableFuture<String>> acquire = i -> client.request("lock:request", Map.of("resourceId", one.resource(0, i)));
            BiFunction<Integer, String, CompletableFuture<?>> release = (i, answer) -> {
                String leaseId = WsClient.field(answer, "leaseId");
                return leaseId == null ? CompletableFuture.completedFuture(null)
                        : client.request("lock:release", Map.of("resourceId", one.resource(0, i), "leaseId", leaseId));
            };
            return warmThenMeasure(perSecond, warmup, duration, acquire, release);
        }
    }

    /**
     * The same open loop as workload 2 around a blocking step run on one thread of its own (a JDBC commit, say), timed
     * from its intended start: a floor measured the way Baton's acquire is.
     */
    Latency blockingLatency(int perSecond, Duration warmup, Duration duration, Callable<?> step) throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            IntFunction<CompletableFuture<Object>> timed = i -> CompletableFuture.supplyAsync(() -> {
                try {
                    return step.call();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, one);
            BiFunction<Integer, Object, CompletableFuture<?>> then = (i, v) -> CompletableFuture.completedFuture(null);
            return warmThenMeasure(perSecond, warmup, duration, timed, then);
        } finally {
            one.shutdownNow();
        }
    }

    /**
     * The floor under workload 2: the same open loop from the same client to the echo server on Baton's WebSocket stack,
     * a message of an acquire's size timed, then a second round trip (as the release) untimed: the latency of the load
     * generator, the loopback network and one Jetty server on the same pinned core, without Baton's work.
     */
    Latency echoLatency(Floors.EchoServer echo, int perSecond, Duration warmup, Duration duration) throws Exception {
        EchoLoop loop = new EchoLoop(URI.create("ws://127.0.0.1:" + echo.port + "/echo"));
        try {
            String message = "{\"event\":\"lock:request\",\"data\":{\"resourceId\":\"bench:lat0-123\"},\"ref\":\"12345\"}";
            IntFunction<CompletableFuture<Void>> timed = i -> loop.roundTrip(message);
            BiFunction<Integer, Void, CompletableFuture<?>> then = (i, v) -> loop.roundTrip(message);
            return warmThenMeasure(perSecond, warmup, duration, timed, then);
        } finally {
            loop.client.close();
        }
    }

    /** {@link #openLoop} for {@code warmup} unmeasured, then for {@code duration}: the latencies of the second. */
    private static <T> Latency warmThenMeasure(int perSecond, Duration warmup, Duration duration, IntFunction<CompletableFuture<T>> timed,
                                               BiFunction<Integer, T, CompletableFuture<?>> then) throws Exception {
        openLoop(perSecond, warmup, Latency.histogram(), timed, then);
        Histogram h = Latency.histogram();
        openLoop(perSecond, duration, h, timed, then);
        return Latency.of(h);
    }

    /**
     * An open loop: {@code perSecond} ticks a second on a schedule; each runs {@code timed}, timed from its intended start
     * (no coordinated omission), then {@code then} with its result, untimed.
     */
    private static <T> void openLoop(int perSecond, Duration duration, Histogram h, IntFunction<CompletableFuture<T>> timed,
                                     BiFunction<Integer, T, CompletableFuture<?>> then) throws Exception {
        long period = 1_000_000_000L / perSecond;
        int count = (int) (duration.toNanos() / period);
        CountDownLatch done = new CountDownLatch(count);
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime() + period;
        try {
            ScheduledFuture<?> schedule = ticker.scheduleAtFixedRate(() -> {
                int i = sent.getAndIncrement();
                if (i >= count) {
                    return;
                }
                long intended = start + i * period;
                timed.apply(i).whenComplete((result, e) -> {
                    h.recordValue(Math.max(0, System.nanoTime() - intended));
                    if (e != null) {
                        done.countDown();
                        return;
                    }
                    then.apply(i, result).whenComplete((r, e2) -> done.countDown());
                });
            }, period, period, TimeUnit.NANOSECONDS);
            done.await(duration.toSeconds() + 60, TimeUnit.SECONDS);
            schedule.cancel(false);
        } finally {
            ticker.shutdownNow();
        }
    }

    // ---- 3. REST acquire+release --------------------------------------------------------------------------------

    record Rest(Throughput throughput, Latency acquire) {
    }

    Rest batonRest(BatonProcess baton, int workers, Duration duration) throws Exception {
        Histogram h = Latency.histogram();
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long cpu0 = Net.cpuMillis(baton.pid());
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < workers; w++) {
                int worker = w;
                pool.submit(() -> {
                    String token = BatonProcess.token("rest" + worker, "nurse");
                    String session = null;
                    long n = 0;
                    while (System.nanoTime() < end) {
                        String rid = "bench:r" + worker + "-" + (n++ % 64);
                        try {
                            long t0 = System.nanoTime();
                            var acquired = post(baton.uri("/api/locks/acquire"), token, session, "{\"resourceId\":\"" + rid + "\"}");
                            h.recordValue(System.nanoTime() - t0);
                            session = acquired.headers().firstValue("X-Session-Id").orElse(session);
                            String leaseId = WsClient.field(acquired.body(), "leaseId");
                            var released = post(baton.uri("/api/locks/release"), token, session,
                                    "{\"resourceId\":\"" + rid + "\",\"leaseId\":\"" + leaseId + "\"}");
                            if (acquired.statusCode() == 200 && released.statusCode() == 200) {
                                ops.incrementAndGet();
                            } else {
                                errors.incrementAndGet();
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        long cpu = Net.cpuMillis(baton.pid()) - cpu0;
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Rest(new Throughput(ops.get() / seconds, ops.get(), errors.get(), ops.get() == 0 ? -1 : cpu * 1000.0 / ops.get()), Latency.of(h));
    }

    /** The floor: GET /ping on the raw responder with the same number of workers (requests per second). */
    Throughput rawHttp(Floors.EchoServer echo, int workers, Duration duration) throws Exception {
        AtomicLong ops = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        URI uri = URI.create("http://127.0.0.1:" + echo.port + "/ping");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < workers; w++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
                        ops.incrementAndGet();
                    }
                    return null;
                });
            }
        }
        return new Throughput(ops.get() / ((System.nanoTime() - start) / 1e9), ops.get(), 0, -1);
    }

    private HttpResponse<String> post(URI uri, String token, String session, String body) throws Exception {
        var request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token);
        if (session != null) {
            request.header("X-Session-Id", session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- the peer: Redisson RLock -------------------------------------------------------------------------------

    record Peer(Throughput throughput, Latency tryLock) {
    }

    /** Redisson's RLock on one Redis, {@code threads} threads of tryLock + unlock (its client is synchronous per thread). */
    static final class RedissonPeer implements AutoCloseable {
        private final RedissonClient redisson;
        private final int threads;
        private final long pid;

        RedissonPeer(Floors.Redis redis, int threads) {
            Config config = new Config();
            config.useSingleServer().setAddress("redis://127.0.0.1:" + redis.port).setConnectionPoolSize(threads + 8).setConnectionMinimumIdleSize(threads);
            this.redisson = Redisson.create(config);
            this.threads = threads;
            this.pid = redis.pid();
        }

        Peer run(Duration duration) throws Exception {
            Histogram h = Latency.histogram();
            AtomicLong ops = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            long cpu0 = Net.cpuMillis(pid);
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    pool.submit(() -> {
                        while (System.nanoTime() < end) {
                            RLock lock = redisson.getLock("bench:r" + ThreadLocalRandom.current().nextInt(100_000));
                            long t0 = System.nanoTime();
                            boolean locked = lock.tryLock(0, 30, TimeUnit.SECONDS);
                            h.recordValue(System.nanoTime() - t0);
                            if (locked) {
                                lock.unlock();
                                ops.incrementAndGet();
                            } else {
                                errors.incrementAndGet();
                            }
                        }
                        return null;
                    });
                }
            }
            long cpu = Net.cpuMillis(pid) - cpu0;
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Peer(new Throughput(ops.get() / seconds, ops.get(), errors.get(), ops.get() == 0 ? -1 : cpu * 1000.0 / ops.get()), Latency.of(h));
        }

        @Override
        public void close() {
            redisson.shutdown();
        }
    }

    // ---- 5. contended record with a queue of 10 ------------------------------------------------------------------

    record Handover(double perSecond, Latency releaseToNext, long count) {
    }

    Handover queueHandover(BatonProcess baton, int waiters, int handovers) throws Exception {
        return queueHandover(List.of(baton), "bench:contended", waiters, handovers);
    }

    /**
     * The holder and {@code waiters} users queued behind it on one record, user {@code i} connected to
     * {@code instances[i % n]}: with two instances and an odd number of waiters, every hand-over crosses instances.
     */
    Handover queueHandover(List<BatonProcess> instances, String rid, int waiters, int handovers) throws Exception {
        AtomicReference<CompletableFuture<Integer>> next = new AtomicReference<>(new CompletableFuture<>());
        List<WsClient> clients = new ArrayList<>();
        for (int i = 0; i <= waiters; i++) {
            int index = i;
            clients.add(WsClient.baton(instances.get(i % instances.size()).ws(), BatonProcess.token("q" + i, "nurse"), m -> {
                if (m.startsWith("{\"event\":\"lock:acquired\"") && m.contains("\"yours\":true")) {
                    next.get().complete(index);
                }
            }));
            clients.get(i).request("resource:join", Map.of("resourceId", rid, "mode", "viewer")).get(10, TimeUnit.SECONDS);
        }
        try {
            int holder = 0;
            clients.get(0).request("lock:request", Map.of("resourceId", rid)).get(10, TimeUnit.SECONDS);
            for (int i = 1; i <= waiters; i++) {
                clients.get(i).request("queue:join", Map.of("resourceId", rid)).get(10, TimeUnit.SECONDS);
            }
            Histogram h = Latency.histogram();
            long start = System.nanoTime();
            for (int k = 0; k < handovers; k++) {
                CompletableFuture<Integer> arrived = new CompletableFuture<>();
                next.set(arrived);
                long t0 = System.nanoTime();
                clients.get(holder).request("lock:release", Map.of("resourceId", rid));
                int newHolder = arrived.get(10, TimeUnit.SECONDS);
                h.recordValue(System.nanoTime() - t0);
                clients.get(holder).request("queue:join", Map.of("resourceId", rid)).get(10, TimeUnit.SECONDS);
                holder = newHolder;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Handover(handovers / seconds, Latency.of(h), handovers);
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    /**
     * Waits (at most 60 s) until the viewers have received nothing for 300 ms: the presence of the joins themselves
     * (with full lists, O(viewers²) bytes) must have drained, or a stale message from it would pass for a change's
     * news. The full run of 2026-11-30 07:00 counted 6 messages per viewer per change with full lists, where a change
     * sends 3: the rest was the joins' backlog.
     */
    private static void awaitQuiet(RawViewers viewers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long seen = -1;
        int quiet = 0;
        while (quiet < 3 && System.nanoTime() < deadline) {
            long now = viewers.bytesIn();
            quiet = now == seen ? quiet + 1 : 0;
            seen = now;
            TimeUnit.MILLISECONDS.sleep(100); // polling the byte count, bounded by the deadline; not a measurement
        }
    }

    // ---- 6. presence fan-out -------------------------------------------------------------------------------------

    /**
     * One fan-out run. The CPU figures are each side's over the measured changes, so a reader can tell whose time the
     * latency is: Baton's process, and the load generator's own (which reads every viewer's frames).
     *
     * @param perDelivery each viewer's latency from the change to its first presence news ({@code viewers × rounds} samples)
     * @param lastViewer per change, until the last viewer had it (one sample per change)
     * @param bytesPerChange bytes of frames the viewers received per change, all together
     * @param messagesPerChange messages the viewers received per change, all together (lock events and notifications too)
     */
    record FanOut(Latency perDelivery, Latency lastViewer, double bytesPerChange, double messagesPerChange, int viewers,
                  double serverCpuMicrosPerChange, double generatorCpuMicrosPerChange) {
    }

    private static final AtomicInteger FAN_OUTS = new AtomicInteger();

    /**
     * @param deltas whether the viewers ask for {@code presence:delta} ({@code /ws?presence=delta}, as the browser client
     *               does) or take the full list on every change (older clients)
     */
    FanOut fanOut(BatonProcess baton, int viewers, int rounds, boolean deltas) throws Exception {
        String rid = "bench:fanout" + FAN_OUTS.incrementAndGet() + ":main"; // a fresh record: the last run's viewers may still be leaving
        AtomicInteger round = new AtomicInteger(-1);
        AtomicReference<CountDownLatch> arrived = new AtomicReference<>(new CountDownLatch(0));
        Histogram perDelivery = Latency.histogram();
        AtomicLong t0 = new AtomicLong();
        AtomicLong last = new AtomicLong();
        int[] seen = new int[viewers];
        java.util.Arrays.fill(seen, -1);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < viewers; i++) {
            tokens.add(BatonProcess.token("v" + i, "nurse"));
        }
        java.net.URI ws = deltas ? java.net.URI.create(baton.ws() + "?presence=delta") : baton.ws();
        RawViewers clients = RawViewers.join(ws, tokens, rid, index -> { // on the viewers' one reader thread
            int r = round.get();
            if (r < 0 || seen[index] == r) {
                return;
            }
            seen[index] = r;
            long now = System.nanoTime();
            perDelivery.recordValue(Math.max(0, now - t0.get()));
            last.accumulateAndGet(now, Math::max);
            arrived.get().countDown();
        });
        awaitQuiet(clients);
        WsClient trigger;
        try {
            trigger = WsClient.baton(baton.ws(), BatonProcess.token("trigger", "attending"), m -> { });
        } catch (Exception e) {
            clients.close();
            throw e;
        }
        try {
            Histogram lastViewer = Latency.histogram();
            long bytes = 0;
            int warm = 3;
            String leaseId = null;
            long messages = 0;
            long serverCpu = 0;
            long generatorCpu = 0;
            long self = ProcessHandle.current().pid();
            for (int r = 0; r < rounds + warm; r++) {
                TimeUnit.MILLISECONDS.sleep(50); // lets the previous change's stragglers land; not a measurement
                long before = clients.bytesIn();
                long messagesBefore = clients.messagesIn();
                CountDownLatch all = new CountDownLatch(viewers);
                arrived.set(all);
                if (r == warm) {
                    perDelivery.reset();
                }
                last.set(0);
                long serverCpu0 = Net.cpuMillis(baton.pid());
                long generatorCpu0 = Net.cpuMillis(self);
                t0.set(System.nanoTime());
                round.set(r);
                String answer = leaseId == null ? trigger.request("lock:request", Map.of("resourceId", rid)).get(10, TimeUnit.SECONDS)
                        : trigger.request("lock:release", Map.of("resourceId", rid, "leaseId", leaseId)).get(10, TimeUnit.SECONDS);
                leaseId = leaseId == null ? WsClient.field(answer, "leaseId") : null;
                if (!all.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("fan-out: " + all.getCount() + " of " + viewers + " viewers had no presence news after 30 s");
                }
                if (r >= warm) {
                    serverCpu += Net.cpuMillis(baton.pid()) - serverCpu0;
                    generatorCpu += Net.cpuMillis(self) - generatorCpu0;
                    lastViewer.recordValue(Math.max(0, last.get() - t0.get()));
                    TimeUnit.MILLISECONDS.sleep(50);
                    bytes += clients.bytesIn() - before;
                    messages += clients.messagesIn() - messagesBefore;
                }
            }
            return new FanOut(Latency.of(perDelivery), Latency.of(lastViewer), bytes / (double) rounds, messages / (double) rounds, viewers,
                    serverCpu * 1000.0 / rounds, generatorCpu * 1000.0 / rounds);
        } finally {
            trigger.close();
            clients.close();
        }
    }

    // ---- 7. many connected sessions ------------------------------------------------------------------------------

    /** Bytes and instances per session that a class-histogram diff puts on one owner (Baton, Jetty, JDK types...). */
    record Share(String owner, double bytesPerSession, double instancesPerSession) {
    }

    /**
     * @param coreFloorKib heap per idle session of a minimal echo on Jetty's core WebSocket API (Baton's transport), the
     *                     same number of sessions opened the same way; NaN when not measured
     * @param javalinFloorKib the same for a Javalin WebSocket echo (Baton's transport until 2026-11-30)
     */
    record Sessions(int sessions, double heapKibPerSession, double rssKibPerSession, List<Share> owners, List<Share> topClasses,
                    Latency operation, double connectSeconds, double coreFloorKib, double javalinFloorKib) {
        Sessions withFloors(double core, double javalin) {
            return new Sessions(sessions, heapKibPerSession, rssKibPerSession, owners, topClasses, operation, connectSeconds, core, javalin);
        }
    }

    /** Runs {@code open} for 0 to {@code count - 1}, at most 64 at a time, and waits for all of them (each at most 120 s). */
    private static void openAll(int count, IntFunction<CompletableFuture<?>> open) throws Exception {
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            all.add(open.apply(i).whenComplete((v, e) -> inFlight.release()));
        }
        for (CompletableFuture<?> f : all) {
            f.get(120, TimeUnit.SECONDS);
        }
    }

    /**
     * The floor under workload 7: heap per idle session of the echo server's WebSocket at {@code path}, {@code count}
     * sessions opened by the same client, counted by the same class-histogram diff.
     */
    double idleEchoSessionKib(Floors.EchoServer echo, String path, int count) throws Exception {
        Map<String, long[]> before = ClassHistogram.instancesAndBytes(echo.pid());
        List<WsClient> clients = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            openAll(count, i -> WsClient.connectEcho(URI.create("ws://127.0.0.1:" + echo.port + path), m -> { }).thenAccept(clients::add));
            long grown = ClassHistogram.growth(before, ClassHistogram.instancesAndBytes(echo.pid())).values().stream().mapToLong(v -> v[1]).sum();
            return grown / 1024.0 / count;
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    Sessions sessions(BatonProcess baton, int count) throws Exception {
        Map<String, long[]> before = ClassHistogram.instancesAndBytes(baton.pid());
        long rss0 = Net.rssKib(baton.pid());
        List<WsClient> clients = java.util.Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        try {
            openAll(count, i -> WsClient.connect(baton.ws(), BatonProcess.token("s" + i, "nurse"), m -> { })
                    .thenCompose(c -> {
                        clients.add(c);
                        return c.request("resource:join", Map.of("resourceId", "bench:s" + (i / 3), "mode", "viewer"));
                    }));
            double connectSeconds = (System.nanoTime() - t0) / 1e9;
            Map<String, long[]> diff = ClassHistogram.growth(before, ClassHistogram.instancesAndBytes(baton.pid()));
            long rss1 = Net.rssKib(baton.pid());
            long total = diff.values().stream().mapToLong(v -> v[1]).sum();
            Map<String, long[]> owners = new LinkedHashMap<>();
            diff.forEach((k, v) -> {
                long[] sum = owners.computeIfAbsent(ClassHistogram.owner(k), o -> new long[2]);
                sum[0] += v[0];
                sum[1] += v[1];
            });
            List<Share> ownerShares = owners.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                    .map(e -> new Share(e.getKey(), e.getValue()[1] / (double) count, e.getValue()[0] / (double) count)).toList();
            List<Share> top = diff.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(40)
                    .map(e -> new Share(e.getKey(), e.getValue()[1] / (double) count, e.getValue()[0] / (double) count)).toList();
            WsClient probe = WsClient.baton(baton.ws(), BatonProcess.token("probe", "nurse"), m -> { });
            Histogram h = Latency.histogram();
            for (int i = 0; i < 1_000; i++) {
                long s = System.nanoTime();
                String a = probe.request("lock:request", Map.of("resourceId", "bench:probe")).get(10, TimeUnit.SECONDS);
                h.recordValue(System.nanoTime() - s);
                probe.request("lock:release", Map.of("resourceId", "bench:probe", "leaseId", String.valueOf(WsClient.field(a, "leaseId"))))
                        .get(10, TimeUnit.SECONDS);
            }
            probe.close();
            return new Sessions(count, total / 1024.0 / count, (rss1 - rss0) / (double) count, ownerShares, top, Latency.of(h), connectSeconds,
                    Double.NaN, Double.NaN);
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    // ---- 8. crash recovery ---------------------------------------------------------------------------------------

    record Recovery(int locks, long readyMillis, int matched, int missing) {
    }

    // ---- 9. start-up -----------------------------------------------------------------------------------------------

    /** Start-up medians per archive kind, each of {@code runs} starts, interleaved so a change in the machine's load hits all alike. */
    record Startup(java.util.Map<BatonProcess.Archive, Long> medians, int runs) {
        /** What {@code ./start.sh} gets: the AOT cache on JDK 25+, else the CDS archive. */
        long best() {
            return medians.getOrDefault(BatonProcess.Archive.AOT, medians.get(BatonProcess.Archive.CDS));
        }
    }

    /**
     * Median of {@code runs} starts from {@code java -jar} to /health/ready, fresh data directory each, for plain
     * {@code java -jar}, the CDS archive and (JDK 25+) the AOT cache, after one training run per archive that writes it.
     */
    Startup startup(Path jar, Path dir, int runs) throws Exception {
        List<BatonProcess.Archive> kinds = new ArrayList<>(List.of(BatonProcess.Archive.NONE, BatonProcess.Archive.CDS));
        if (BatonProcess.Archive.aotAvailable()) {
            kinds.add(BatonProcess.Archive.AOT);
        }
        for (BatonProcess.Archive kind : kinds) {
            try (BatonProcess training = new BatonProcess(jar, dir.resolve("training-" + kind), Map.of()).archive(kind)) {
                training.start(); // a clean exit writes the archive (the AOT cache is assembled by a child JVM as this one exits)
            }
        }
        java.util.Map<BatonProcess.Archive, List<Long>> times = new java.util.EnumMap<>(BatonProcess.Archive.class);
        for (int i = 0; i < runs; i++) {
            for (BatonProcess.Archive kind : kinds) {
                try (BatonProcess baton = new BatonProcess(jar, dir.resolve("start-" + kind + "-" + i), Map.of()).archive(kind)) {
                    times.computeIfAbsent(kind, k -> new ArrayList<>()).add(baton.start());
                }
            }
        }
        java.util.Map<BatonProcess.Archive, Long> medians = new java.util.EnumMap<>(BatonProcess.Archive.class);
        times.forEach((kind, list) -> {
            list.sort(Long::compare);
            medians.put(kind, list.get(list.size() / 2));
        });
        return new Startup(medians, runs);
    }
}
