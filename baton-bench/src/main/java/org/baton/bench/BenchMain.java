package org.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./bench.sh}: runs every workload against Baton's jar, interleaved with the floors (WebSocket echo, raw HTTP,
 * Redis SET NX PX) and the peer (Redisson RLock), and writes docs/benchmarks.md with its charts. Options:
 * {@code --quick} (short blocks, fewer sessions), {@code --sessions=N}, {@code --out=DIR}.
 */
public final class BenchMain {
    private final Path jar;
    private final Path work;
    private final Path out;
    private final boolean quick;
    private final int sessionCount;
    private final Duration block;
    private final Workloads workloads = new Workloads();
    private final StringBuilder log = new StringBuilder();
    private final List<String> notes = new ArrayList<>();

    private BenchMain(Path jar, Path work, Path out, boolean quick, int sessions) {
        this.jar = jar;
        this.work = work;
        this.out = out;
        this.quick = quick;
        this.sessionCount = sessions;
        this.block = Duration.ofSeconds(quick ? 3 : 8);
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        boolean quick = List.of(args).contains("--quick");
        int sessions = quick ? 1_000 : 10_000;
        Path out = Path.of("docs");
        Path jar = Path.of("baton-server/target/baton.jar");
        for (String arg : args) {
            if (arg.startsWith("--sessions=")) {
                sessions = Integer.parseInt(arg.substring(11));
            } else if (arg.startsWith("--out=")) {
                out = Path.of(arg.substring(6));
            } else if (arg.startsWith("--jar=")) {
                jar = Path.of(arg.substring(6));
            }
        }
        if (!Files.isRegularFile(jar)) {
            System.err.println("baton-bench: " + jar + " is missing; build it first (./bench.sh does)");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("baton-bench-");
        if (List.of(args).contains("--only=analytics")) {
            // Workload 10 alone (it needs no server): writes docs/benchmarks/analytics.md, which the full report embeds.
            AnalyticsWorkload.Result result = new AnalyticsWorkload().run(work.resolve("w10"), quick ? 100_000 : 1_000_000, System.out::println);
            AnalyticsWorkload.write(out, result);
            System.out.print(AnalyticsWorkload.section(result));
            return;
        }
        new BenchMain(jar, work, out, quick, sessions).run();
    }

    private void run() throws Exception {
        Files.createDirectories(out.resolve("benchmarks"));
        Map<String, Object> r = new LinkedHashMap<>();
        boolean redis = Floors.redisAvailable();
        if (!redis) {
            notes.add("redis-server/redis-benchmark were not installed: the Redis floor and the Redisson peer are missing from this run.");
        }
        say("baton-bench: machine " + machine() + "; JDK " + Runtime.version() + (quick ? "; quick mode" : ""));

        // 1 + peer: throughput, interleaved floor / Baton / Redis / Redisson, median of three rounds
        List<Double> echo = new ArrayList<>();
        List<Double> baton = new ArrayList<>();
        List<Double> batonCpu = new ArrayList<>();
        List<Double> redisPairs = new ArrayList<>();
        List<Double> peer = new ArrayList<>();
        Latency peerLatency = null;
        int rounds = quick ? 1 : 3;
        try (Floors.EchoServer floor = new Floors.EchoServer();
             BatonProcess server = new BatonProcess(jar, work.resolve("w1"), Map.of());
             Floors.Redis redisServer = redis ? new Floors.Redis(Files.createDirectories(work.resolve("redis"))) : null) {
            server.start();
            for (int round = 1; round <= rounds; round++) {
                quiet();
                echo.add(workloads.echoWebSocket(floor, 50, block).opsPerSecond());
                quiet();
                Workloads.Throughput t = workloads.batonWebSocket(server, 50, block);
                baton.add(t.opsPerSecond());
                batonCpu.add(t.cpuMsPerKiloOp());
                if (t.errors() > 0) {
                    notes.add("workload 1 round " + round + ": " + t.errors() + " operations failed");
                }
                if (redisServer != null) {
                    quiet();
                    redisPairs.add(redisServer.setNxPx(50, quick ? 50_000 : 200_000) / 2);
                    quiet();
                    Workloads.Peer p = workloads.redisson(redisServer.port, 50, block);
                    peer.add(p.throughput().opsPerSecond());
                    peerLatency = p.tryLock();
                }
                say(String.format("round %d: echo floor %.0f ops/s, Baton %.0f ops/s%s", round, echo.getLast(), baton.getLast(),
                        redisServer == null ? "" : String.format(", Redis floor %.0f pairs/s, Redisson %.0f ops/s", redisPairs.getLast(), peer.getLast())));
            }
            r.put("w1.echo", median(echo));
            r.put("w1.baton", median(baton));
            r.put("w1.batonCpu", median(batonCpu));
            r.put("w1.redis", redis ? median(redisPairs) : null);
            r.put("w1.redisson", redis ? median(peer) : null);

            quiet();
            int rate = 50;
            Latency single = workloads.batonAcquireLatency(server, rate, block);
            r.put("w2", single);
            r.put("w2.rate", rate);
            say("single-connection acquire (open loop, " + rate + "/s): " + single);

            quiet();
            Workloads.Throughput httpFloor = workloads.rawHttp(floor, 16, block);
            quiet();
            Workloads.Rest rest = workloads.batonRest(server, 16, block);
            r.put("w3.floor", httpFloor.opsPerSecond());
            r.put("w3", rest);
            say(String.format("REST: raw HTTP floor %.0f req/s, Baton %.0f acquire+release/s, acquire %s", httpFloor.opsPerSecond(),
                    rest.throughput().opsPerSecond(), rest.acquire()));

            quiet();
            Workloads.Handover handover = workloads.queueHandover(server, 10, quick ? 200 : 1_000);
            r.put("w5", handover);
            say(String.format("queue of 10: %.0f hand-overs/s, release to next holder %s", handover.perSecond(), handover.releaseToNext()));

            quiet();
            Latency fanOut = workloads.fanOut(server, 500, quick ? 10 : 30);
            r.put("w6", fanOut);
            say("fan-out to 500 viewers, until the last has it: " + fanOut);
        }
        r.put("peerLatency", peerLatency);

        quiet();
        try (BatonProcess server = new BatonProcess(jar, work.resolve("w7"), Map.of())) {
            server.start();
            Workloads.Sessions s = attempt("sessions", () -> workloads.sessions(server, sessionCount));
            r.put("w7", s);
            if (s != null) {
                say(String.format("%d sessions: %.1f KiB heap and %.1f KiB RSS per session; acquire %s", s.sessions(), s.heapKibPerSession(),
                        s.rssKibPerSession(), s.operation()));
            }
        }

        quiet();
        StoreWorkloads stores = new StoreWorkloads();
        StoreWorkloads.Ratio ratio = attempt("durable vs in-memory", () -> stores.durableVersusInMemory(work.resolve("w4"), 16, block));
        r.put("w4", ratio);
        if (ratio != null) {
            say(String.format("store layer, 16 threads: in-memory %.0f ops/s, durable SQLite %.0f ops/s (%.1f%%)", ratio.inMemory(), ratio.durable(),
                    100 * ratio.ratio()));
        }

        quiet();
        Workloads.Recovery recovery = attempt("recovery", () -> recovery(stores, quick ? 10_000 : 100_000));
        r.put("w8", recovery);
        if (recovery != null) {
            say(String.format("crash recovery with %d held locks: ready in %d ms; %d of %d leases restored with their fences", recovery.locks(),
                    recovery.readyMillis(), recovery.matched(), recovery.locks()));
        }
        quiet();
        long startup = workloads.startup(jar, work.resolve("w9"));
        r.put("w9", startup);
        say("start-up to /health/ready: " + startup + " ms (median of 3)");

        quiet();
        AnalyticsWorkload.Result statistics = attempt("statistics", () -> new AnalyticsWorkload().run(work.resolve("w10"), quick ? 100_000 : 1_000_000,
                this::say));
        if (statistics != null) {
            AnalyticsWorkload.write(out, statistics);
            say(String.format("statistics over %d audit entries: slowest chart %.0f ms", statistics.entries(), statistics.slowestMillis()));
        }
        r.put("w10", statistics);

        Report.write(out, r, machine(), quick, notes);
        say("baton-bench: wrote " + out.resolve("benchmarks.md") + " and its charts in " + out.resolve("benchmarks"));
    }

    /** Workload 8: a data directory with {@code count} held locks, the server killed with -9, the time to ready again. */
    private Workloads.Recovery recovery(StoreWorkloads stores, int count) throws Exception {
        Path dir = work.resolve("w8");
        long t0 = System.nanoTime();
        Map<String, Long> fences = stores.populate(dir, count);
        say(String.format("recovery: %d locks written in %.0f s", fences.size(), (System.nanoTime() - t0) / 1e9));
        long ready;
        try (BatonProcess server = new BatonProcess(jar, dir, Map.of("BATON_LEASE_TTL", "3600"))) {
            server.start();
            server.kill();
            ready = server.start();
        }
        int matched = stores.matching(dir, fences);
        return new Workloads.Recovery(fences.size(), ready, matched, fences.size() - matched);
    }

    @FunctionalInterface
    interface Block<T> {
        T run() throws Exception;
    }

    private <T> T attempt(String name, Block<T> block) {
        try {
            return block.run();
        } catch (Exception | OutOfMemoryError e) {
            notes.add(name + " did not complete: " + e);
            say(name + " failed: " + e);
            return null;
        }
    }

    /** The quiet gate: waits (at most 30 s) for the 1-minute load to fall below 1.5 per core; notes a busy machine. */
    private void quiet() throws InterruptedException {
        int cores = Runtime.getRuntime().availableProcessors();
        long deadline = System.nanoTime() + Duration.ofSeconds(quick ? 5 : 30).toNanos();
        while (Net.loadAverage() > cores * 1.5 && System.nanoTime() < deadline) {
            Thread.sleep(1_000); // the gate polls the load average; nothing is measured while it waits
        }
        if (Net.loadAverage() > cores * 1.5) {
            notes.add(String.format("the machine was busy (load %.1f on %d cores) before a block at %s", Net.loadAverage(), cores, Instant.now()));
        }
    }

    private void say(String line) {
        System.out.println(line);
        log.append(line).append('\n');
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        long memGib = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memGib = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024 / 1024;
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memGib + " GiB, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version");
    }
}
