package org.baton.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** The workloads of issue 7, each returning its figures. Closed loops for throughput, an open loop for latency. */
final class Workloads {
    record Throughput(double opsPerSecond, long ops, long errors, double cpuMsPerKiloOp) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    // ---- 1. uncontended acquire+release over WebSocket, N connections, closed loop -----------------------------

    Throughput batonWebSocket(BatonProcess baton, int connections, Duration duration) throws Exception {
        List<WsClient> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(WsClient.baton(http, baton.ws(), BatonProcess.token("ws" + i, "nurse"), m -> { }));
        }
        Step acquireRelease = (c, i, n) -> {
            String rid = "bench:c" + i + "-" + (n % 64);
            return c.request("lock:request", Map.of("resourceId", rid)).thenCompose(a -> c.request("lock:release", Map.of("resourceId", rid)))
                    .thenApply(r -> r.path("event").asText().equals("lock:released"));
        };
        try {
            run(clients, acquireRelease, Duration.ofSeconds(1), baton.pid()); // warm-up
            return run(clients, acquireRelease, duration, baton.pid());
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    /** The floor: the same closed loop with two echo round trips per operation. */
    Throughput echoWebSocket(Floors.EchoServer echo, int connections, Duration duration) throws Exception {
        List<EchoLoop> loops = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            loops.add(new EchoLoop(http, URI.create("ws://127.0.0.1:" + echo.port + "/echo")));
        }
        try {
            String message = "{\"event\":\"lock:request\",\"data\":{\"resourceId\":\"bench:c1-1\"},\"ref\":\"1\"}";
            AtomicLong ops = new AtomicLong();
            long end = System.nanoTime() + duration.toNanos();
            CountDownLatch done = new CountDownLatch(connections);
            for (EchoLoop loop : loops) {
                loop.run(message, end, ops, done);
            }
            done.await(duration.toSeconds() + 30, TimeUnit.SECONDS);
            return new Throughput(ops.get() / (double) duration.toSeconds(), ops.get(), 0, -1);
        } finally {
            loops.forEach(l -> l.client.close());
        }
    }

    /** One echo connection in a closed loop: send, await the echo, send again (two echoes make one operation). */
    private static final class EchoLoop {
        final WsClient client;
        volatile CompletableFuture<Void> waiting;

        EchoLoop(HttpClient http, URI uri) throws Exception {
            client = WsClient.echo(http, uri, text -> {
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

        void run(String message, long end, AtomicLong ops, CountDownLatch done) {
            if (System.nanoTime() > end) {
                done.countDown();
                return;
            }
            roundTrip(message).thenCompose(v -> roundTrip(message)).whenComplete((v, e) -> {
                ops.incrementAndGet();
                run(message, end, ops, done);
            });
        }
    }

    @FunctionalInterface
    interface Step {
        CompletableFuture<Boolean> next(WsClient client, int index, long n);
    }

    private Throughput run(List<WsClient> clients, Step step, Duration duration, long pid) throws InterruptedException {
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        CountDownLatch done = new CountDownLatch(clients.size());
        long cpu0 = Net.cpuMillis(pid);
        for (int i = 0; i < clients.size(); i++) {
            loop(clients.get(i), i, 0, step, end, ops, errors, done);
        }
        done.await(duration.toSeconds() + 60, TimeUnit.SECONDS);
        long cpu = Net.cpuMillis(pid) - cpu0;
        return new Throughput(ops.get() / (duration.toNanos() / 1e9), ops.get(), errors.get(), ops.get() == 0 ? -1 : cpu * 1000.0 / ops.get());
    }

    private void loop(WsClient client, int index, long n, Step step, long end, AtomicLong ops, AtomicLong errors, CountDownLatch done) {
        if (System.nanoTime() > end) {
            done.countDown();
            return;
        }
        step.next(client, index, n).whenComplete((ok, e) -> {
            if (e == null && Boolean.TRUE.equals(ok)) {
                ops.incrementAndGet();
            } else {
                errors.incrementAndGet();
            }
            loop(client, index, n + 1, step, end, ops, errors, done);
        });
    }

    // ---- 2. single-connection acquire latency, open loop ---------------------------------------------------------

    Latency batonAcquireLatency(BatonProcess baton, int perSecond, Duration duration) throws Exception {
        WsClient client = WsClient.baton(http, baton.ws(), BatonProcess.token("latency", "nurse"), m -> { });
        try {
            openLoop(client, perSecond, Duration.ofSeconds(1), Latency.histogram());
            Histogram h = Latency.histogram();
            openLoop(client, perSecond, duration, h);
            return Latency.of(h);
        } finally {
            client.close();
        }
    }

    private void openLoop(WsClient client, int perSecond, Duration duration, Histogram h) throws Exception {
        long period = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        long count = duration.toNanos() / period;
        CountDownLatch done = new CountDownLatch((int) count);
        for (long i = 0; i < count; i++) {
            long intended = start + i * period;
            while (System.nanoTime() < intended) {
                Thread.onSpinWait();
            }
            String rid = "bench:lat-" + (i % 512);
            client.request("lock:request", Map.of("resourceId", rid)).whenComplete((answer, e) -> {
                h.recordValue(Math.max(0, System.nanoTime() - intended));
                client.request("lock:release", Map.of("resourceId", rid)).whenComplete((r, e2) -> done.countDown());
            });
        }
        done.await(60, TimeUnit.SECONDS);
    }

    // ---- 3. REST acquire+release --------------------------------------------------------------------------------

    record Rest(Throughput throughput, Latency acquire) {
    }

    Rest batonRest(BatonProcess baton, int workers, Duration duration) throws Exception {
        Histogram h = Latency.histogram();
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long cpu0 = Net.cpuMillis(baton.pid());
        long end = System.nanoTime() + duration.toNanos();
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
                            String leaseId = WsClient.JSON.readTree(acquired.body()).at("/lease/leaseId").asText();
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
        return new Rest(new Throughput(ops.get() / (duration.toNanos() / 1e9), ops.get(), errors.get(), ops.get() == 0 ? -1 : cpu * 1000.0 / ops.get()),
                Latency.of(h));
    }

    /** The floor: GET /ping on the raw responder with the same number of workers (requests per second). */
    Throughput rawHttp(Floors.EchoServer echo, int workers, Duration duration) throws Exception {
        AtomicLong ops = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
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
        return new Throughput(ops.get() / (duration.toNanos() / 1e9), ops.get(), 0, -1);
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

    Peer redisson(int redisPort, int threads, Duration duration) throws Exception {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + redisPort).setConnectionPoolSize(threads + 8).setConnectionMinimumIdleSize(threads);
        RedissonClient redisson = Redisson.create(config);
        Histogram h = Latency.histogram();
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        try {
            for (Duration d : List.of(Duration.ofSeconds(1), duration)) {
                boolean measure = d == duration;
                long end = System.nanoTime() + d.toNanos();
                try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                    for (int t = 0; t < threads; t++) {
                        pool.submit(() -> {
                            while (System.nanoTime() < end) {
                                RLock lock = redisson.getLock("bench:r" + ThreadLocalRandom.current().nextInt(100_000));
                                long t0 = System.nanoTime();
                                boolean locked = lock.tryLock(0, 30, TimeUnit.SECONDS);
                                if (measure) {
                                    h.recordValue(System.nanoTime() - t0);
                                }
                                if (locked) {
                                    lock.unlock();
                                    if (measure) {
                                        ops.incrementAndGet();
                                    }
                                } else if (measure) {
                                    errors.incrementAndGet();
                                }
                            }
                            return null;
                        });
                    }
                }
            }
        } finally {
            redisson.shutdown();
        }
        return new Peer(new Throughput(ops.get() / (duration.toNanos() / 1e9), ops.get(), errors.get(), -1), Latency.of(h));
    }

    // ---- 5. contended record with a queue of 10 ------------------------------------------------------------------

    record Handover(double perSecond, Latency releaseToNext, long count) {
    }

    Handover queueHandover(BatonProcess baton, int waiters, int handovers) throws Exception {
        String rid = "bench:contended";
        AtomicReference<CompletableFuture<Integer>> next = new AtomicReference<>(new CompletableFuture<>());
        List<WsClient> clients = new ArrayList<>();
        for (int i = 0; i <= waiters; i++) {
            int index = i;
            clients.add(WsClient.baton(http, baton.ws(), BatonProcess.token("q" + i, "nurse"), m -> {
                if (m.path("event").asText().equals("lock:acquired") && m.at("/data/yours").asBoolean()) {
                    next.get().complete(index);
                }
            }));
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

    // ---- 6. presence fan-out -------------------------------------------------------------------------------------

    Latency fanOut(BatonProcess baton, int viewers, int rounds) throws Exception {
        String rid = "bench:fanout:main";
        AtomicInteger[] counts = new AtomicInteger[viewers];
        long[] lastAt = new long[viewers];
        List<WsClient> clients = new ArrayList<>();
        for (int i = 0; i < viewers; i++) {
            int index = i;
            counts[i] = new AtomicInteger();
            clients.add(WsClient.baton(http, baton.ws(), BatonProcess.token("v" + i, "nurse"), m -> {
                if (m.path("event").asText().equals("presence:update")) {
                    lastAt[index] = System.nanoTime();
                    counts[index].incrementAndGet();
                }
            }));
            clients.get(i).request("resource:join", Map.of("resourceId", rid, "mode", "viewer")).get(10, TimeUnit.SECONDS);
        }
        WsClient trigger = WsClient.baton(http, baton.ws(), BatonProcess.token("trigger", "attending"), m -> { });
        try {
            Histogram h = Latency.histogram();
            for (int r = 0; r < rounds + 3; r++) {
                quietUntilSettled(counts);
                int[] before = new int[viewers];
                for (int i = 0; i < viewers; i++) {
                    before[i] = counts[i].get();
                }
                long t0 = System.nanoTime();
                trigger.request(r % 2 == 0 ? "lock:request" : "lock:release", Map.of("resourceId", rid)).get(10, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (int i = 0; i < viewers; i++) {
                    while (counts[i].get() <= before[i] && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                }
                long last = 0;
                for (int i = 0; i < viewers; i++) {
                    last = Math.max(last, lastAt[i]);
                }
                if (r >= 3) {
                    h.recordValue(Math.max(0, last - t0));
                }
            }
            return Latency.of(h);
        } finally {
            trigger.close();
            clients.forEach(WsClient::close);
        }
    }

    private static void quietUntilSettled(AtomicInteger[] counts) throws InterruptedException {
        long total;
        long again = -1;
        do {
            total = 0;
            for (AtomicInteger c : counts) {
                total += c.get();
            }
            if (total == again) {
                return;
            }
            again = total;
            TimeUnit.MILLISECONDS.sleep(50); // waits for in-flight pushes to land between rounds; not a measurement
        } while (true);
    }

    // ---- 7. many connected sessions ------------------------------------------------------------------------------

    record Sessions(int sessions, double heapKibPerSession, double rssKibPerSession, Latency operation, double connectSeconds) {
    }

    Sessions sessions(BatonProcess baton, int count) throws Exception {
        long heap0 = heapAfterGc(baton);
        long rss0 = Net.rssKib(baton.pid());
        List<WsClient> clients = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                WsClient c = WsClient.baton(http, baton.ws(), BatonProcess.token("s" + i, "nurse"), m -> { });
                c.request("resource:join", Map.of("resourceId", "bench:s" + (i / 3), "mode", "viewer"));
                clients.add(c);
            }
            double connectSeconds = (System.nanoTime() - t0) / 1e9;
            long heap1 = heapAfterGc(baton);
            long rss1 = Net.rssKib(baton.pid());
            WsClient probe = WsClient.baton(http, baton.ws(), BatonProcess.token("probe", "nurse"), m -> { });
            Histogram h = Latency.histogram();
            for (int i = 0; i < 500; i++) {
                long s = System.nanoTime();
                probe.request("lock:request", Map.of("resourceId", "bench:probe")).get(10, TimeUnit.SECONDS);
                h.recordValue(System.nanoTime() - s);
                probe.request("lock:release", Map.of("resourceId", "bench:probe")).get(10, TimeUnit.SECONDS);
            }
            probe.close();
            return new Sessions(count, (heap1 - heap0) / 1024.0 / count, (rss1 - rss0) / (double) count, Latency.of(h), connectSeconds);
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    private long heapAfterGc(BatonProcess baton) throws Exception {
        new ProcessBuilder("jcmd", Long.toString(baton.pid()), "GC.run").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        String metrics = http.send(HttpRequest.newBuilder(baton.uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        long sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    // ---- 8. crash recovery ---------------------------------------------------------------------------------------

    record Recovery(int locks, long readyMillis, int matched, int missing) {
    }

    // ---- 9. start-up -----------------------------------------------------------------------------------------------

    long startup(Path jar, Path dir) throws Exception {
        try (BatonProcess training = new BatonProcess(jar, dir.resolve("training"), Map.of())) {
            training.start(); // a clean exit writes the class-data-sharing archive start.sh also uses
        }
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (BatonProcess baton = new BatonProcess(jar, dir.resolve("start-" + i), Map.of())) {
                times.add(baton.start());
            }
        }
        times.sort(Long::compare);
        return times.get(1);
    }
}
