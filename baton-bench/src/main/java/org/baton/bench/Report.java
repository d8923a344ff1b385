package org.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Writes the report (benchmarks.md and its charts): every figure beside its floor and peers from the same run, and
 * issue 14's targets each with its measure, ratio, sample count and verdict.
 */
final class Report {
    /** The machine's cores, read before the load generator pins itself to one of them. */
    static final int CORES = Runtime.getRuntime().availableProcessors();

    private Report() {
    }

    static void write(Path out, Results r, boolean quick, List<String> notes) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Produced by `./bench.sh").append(quick ? " --quick" : "").append("` on ").append(LocalDate.now()).append(": ").append(machine())
                .append("; JDK ").append(Runtime.version()).append(". ").append(Net.pinningNote()).append(".\n\n");
        md.append("- **The machine was shared while this ran.** `uptime` at the start: `").append(r.uptimeStart).append("`; at the end: `")
                .append(r.uptimeEnd).append("`. Load before each throughput round: ")
                .append(String.join(", ", r.roundLoads.stream().map(l -> String.format("%.1f", l)).toList()))
                .append(". Ratios measured side by side in one round are the figures to trust; absolute figures move with the load.\n");
        md.append("- Baton runs as its jar in its own process (embedded SQLite, `synchronous=FULL`: every grant is committed with an fsync before it is")
                .append(" acknowledged). The load generator is this JVM with Jetty's asynchronous WebSocket client (sends never wait; answers matched by")
                .append(" `ref` without parsing); its own echo floor is printed beside Baton's figure. Clients join their records first (`resource:join`),")
                .append(" so presence is on, as in a browser, and release with their lease id, as the browser client does.\n");
        md.append(String.format("- Warm-up: Baton %s (pinned to one core, its JIT compiler shares that core with it: after 10 s it was still"
                        + " compiling a fifth of the time and the CPU per pair was still falling from round to round), the others 3 s; then %d"
                        + " interleaved rounds of %s blocks (echo, Baton, Redis floor, Redisson, Redisson durable); figures are medians over the rounds, ratios the median of the per-round ratios. Latencies from HdrHistogram, with sample counts.%n",
                quick ? "3 s" : "30 s", r.baton.size(), quick ? "3 s" : "5 s"));
        md.append("- Re-run: `./bench.sh` (about 20 minutes) or `./bench.sh --quick` (writes to baton-bench/target/quick/, not here); one block alone:")
                .append(" `./bench.sh --only=analytics` (section 10) or `./bench.sh --only=cluster` (section 11, Baton on PostgreSQL, 1 and 3 instances;")
                .append(" about 5 minutes), each writing its section to docs/benchmarks/, which this page embeds. A change side by side with the")
                .append(" build before it: `./bench.sh --ab=OLD.jar` (workload 1; add `--store=postgres` for both on PostgreSQL). Profiles:")
                .append(" `BATON_BENCH_JFR=/tmp/jfr ./bench.sh --quick`, then `jfr view hot-methods /tmp/jfr/baton-*.jfr`.\n\n");
        if (quick) {
            md.append("> Quick mode: short blocks, one round, fewer sessions and locks. Figures are indicative only.\n\n");
        }

        double baton = Results.medianOps(r.baton);
        double echo = Results.medianOps(r.echo);
        double cpu = Results.medianCpu(r.baton);
        md.append("## 1. Uncontended acquire + release over WebSocket, 50 connections (closed loop)\n\n");
        md.append("| | pairs/s (median) | min – max over rounds | Baton as a share (median of per-round ratios) | server CPU per pair |\n")
                .append("|---|---:|---:|---:|---:|\n");
        md.append(String.format("| **Baton** | **%,.0f** | %s | | %.0f µs |%n", baton, range(r.baton), cpu));
        md.append(String.format("| floor: WebSocket echo on Jetty's core API, as Baton's WebSockets (2 round trips per pair, same load generator) | %,.0f | %s | %.0f%% | %.0f µs |%n", echo, range(r.echo),
                100 * Results.medianRatio(r.baton, r.echo), Results.medianCpu(r.echo)));
        double redisson = 0;
        double durable = 0;
        if (r.redis) {
            double redisFloor = BenchMain.median(r.redisFloor);
            md.append(String.format("| floor: Redis `SET NX PX` (redis-benchmark, 50 clients, no persistence), halved to pairs | %,.0f | | %.0f%% | |%n", redisFloor,
                    100 * baton / redisFloor));
            redisson = Results.medianOps(Results.peers(r.redissonVolatile));
            durable = Results.medianOps(Results.peers(r.redissonDurable));
            md.append(String.format("| peer: Redisson `RLock` tryLock + unlock, 50 threads, Redis without persistence | %,.0f | %s | %.0f%% | %.0f µs (redis-server) |%n",
                    redisson, range(Results.peers(r.redissonVolatile)), 100 * Results.medianRatio(r.baton, Results.peers(r.redissonVolatile)),
                    Results.medianCpu(Results.peers(r.redissonVolatile))));
            md.append(String.format("| peer: Redisson `RLock`, Redis with `appendonly yes` + `appendfsync always` (durable) | %,.0f | %s | %.0f%% | %.0f µs (redis-server) |%n",
                    durable, range(Results.peers(r.redissonDurable)), 100 * Results.medianRatio(r.baton, Results.peers(r.redissonDurable)),
                    Results.medianCpu(Results.peers(r.redissonDurable))));
        }
        md.append(String.format("%n%,d pairs measured for Baton over %d rounds (%d errors). Server CPU from /proc (utime + stime of the server process over the"
                + " measured window) divided by the pairs.%n%n", Results.totalOps(r.baton), r.baton.size(), Results.totalErrors(r.baton)));
        md.append("| round | load | echo | Baton | Redis floor | Redisson | Redisson durable |\n|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < r.baton.size(); i++) {
            md.append(String.format("| %d | %.1f | %,.0f | %,.0f | %s | %s | %s |%n", i + 1, r.roundLoads.get(i), r.echo.get(i).opsPerSecond(), r.baton.get(i).opsPerSecond(),
                    r.redis ? String.format("%,.0f", r.redisFloor.get(i)) : "–", r.redis ? String.format("%,.0f", r.redissonVolatile.get(i).throughput().opsPerSecond()) : "–",
                    r.redis ? String.format("%,.0f", r.redissonDurable.get(i).throughput().opsPerSecond()) : "–"));
        }
        md.append("\n![throughput](benchmarks/throughput.png)\n\n");
        LinkedHashMap<String, Double> bars = new LinkedHashMap<>();
        bars.put("Baton (WebSocket, durable)", baton);
        bars.put("floor: WebSocket echo", echo);
        if (r.redis) {
            bars.put("peer: Redisson RLock", redisson);
            bars.put("peer: Redisson RLock, durable Redis", durable);
        }
        Charts.bars(out.resolve("benchmarks/throughput.png"), "Acquire + release pairs per second, 50 connections", "pairs/s", bars);

        md.append("## 2. Single-connection acquire latency\n\n");
        md.append(String.format("Open loop: one connection joined to its records, %d acquires/s on a schedule, each timed from its intended send time"
                + " (no coordinated omission), then released; the echo floor: the same open loop from the same client to the echo server. fdatasync: a 4 KiB write + `FileChannel.force(false)` in Baton's data directory, back to back, before and after."
                + " A decision's sync: the %d pages of 4 KiB one acquire writes to SQLite's log today, appended one by one, then `force(false)`,"
                + " %d times a second like the acquires: the disk's own latency for Baton's write at Baton's pace.%n%n",
                r.latencyRate, BenchMain.DECISION_PAGES, r.latencyRate));
        md.append("| µs | samples | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|---:|\n");
        md.append("| **Baton** acquire over WebSocket | ").append(r.latency.count()).append(" | ").append(r.latency.row()).append(" |\n");
        md.append("| floor: fdatasync of this disk | ").append(r.fdatasync.count()).append(" | ").append(r.fdatasync.row()).append(" |\n");
        md.append("| floor: the same open loop against the WebSocket echo (two round trips per tick, the first timed) | ").append(r.echoLatency.count())
                .append(" | ").append(r.echoLatency.row()).append(" |\n");
        md.append("| floor: a decision's sync (").append(BenchMain.DECISION_PAGES).append(" pages + fdatasync, ").append(r.latencyRate).append("/s) | ")
                .append(r.decisionSync.count()).append(" | ").append(r.decisionSync.row()).append(" |\n");
        md.append("| Baton acquire over REST (16 workers, closed loop) | ").append(r.rest.acquire().count()).append(" | ").append(r.rest.acquire().row()).append(" |\n");
        if (r.redis) {
            Latency v = r.redissonVolatile.getLast().tryLock();
            Latency d = r.redissonDurable.getLast().tryLock();
            md.append("| peer: Redisson `tryLock` (50 threads, closed loop, last round) | ").append(v.count()).append(" | ").append(v.row()).append(" |\n");
            md.append("| peer: Redisson `tryLock`, durable Redis (same) | ").append(d.count()).append(" | ").append(d.row()).append(" |\n");
        }
        md.append("\n![latency](benchmarks/latency.png)\n\n");
        LinkedHashMap<String, Double> lat = new LinkedHashMap<>();
        lat.put("Baton WebSocket acquire p50", r.latency.p50());
        lat.put("Baton WebSocket acquire p99", r.latency.p99());
        lat.put("fdatasync p50", r.fdatasync.p50());
        lat.put("fdatasync p99", r.fdatasync.p99());
        lat.put("a decision's sync p50", r.decisionSync.p50());
        lat.put("a decision's sync p99", r.decisionSync.p99());
        lat.put("echo, same open loop p50", r.echoLatency.p50());
        lat.put("echo, same open loop p99", r.echoLatency.p99());
        Charts.bars(out.resolve("benchmarks/latency.png"), "Acquire latency, one connection (µs)", "µs", lat);

        md.append("## 3. REST acquire + release, 16 workers\n\n");
        md.append(String.format("| | per second |%n|---|---:|%n| **Baton** acquire + release | **%,.0f** (%,.0f requests) |%n"
                        + "| floor: raw HTTP `GET /ping`, same stack | %,.0f requests |%n%nBaton does %.0f%% of the floor's requests; server CPU %.0f µs per pair.%n%n",
                r.rest.throughput().opsPerSecond(), 2 * r.rest.throughput().opsPerSecond(), r.httpFloor.opsPerSecond(),
                100 * 2 * r.rest.throughput().opsPerSecond() / r.httpFloor.opsPerSecond(), r.rest.throughput().cpuMicrosPerOp()));

        md.append("## 4. Durable versus in-memory store\n\nThe same lock coordinator in the bench process, 16 threads of acquire + release, on the in-memory")
                .append(" store and on the durable SQLite store. Both write the decision's audit entries (chained and sealed): in memory under the store's lock,")
                .append(" on SQLite in the decision's transaction as the server does.\n\n");
        if (r.store == null) {
            md.append("Did not complete in this run (see notes).\n\n");
        } else {
            md.append(String.format("| store | acquire + release/s |%n|---|---:|%n| in-memory + audit | %,.0f |%n| **durable (SQLite, group commit) + audit** | **%,.0f** (%.1f%% of in-memory) |%n%n",
                    r.store.inMemory(), r.store.durable(), 100 * r.store.ratio()));
        }

        md.append("## 5. Contended record with a queue of 10\n\n");
        md.append(String.format("%,.0f hand-overs/s over %d hand-overs (auto-acquire). From the holder's release to `lock:acquired` at the next user:%n%n",
                r.handover.perSecond(), r.handover.count()));
        md.append("| µs | samples | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|---:|\n| release → next holder | ")
                .append(r.handover.releaseToNext().count()).append(" | ").append(r.handover.releaseToNext().row()).append(" |\n\n");

        md.append("## 6. Presence fan-out to 500 viewers\n\nOne change (an editor takes or releases the lock) until each of 500 joined viewers has")
                .append(" its presence news; the last viewer per change; the bytes all viewers received per change. The viewers ask for")
                .append(" `presence:delta` (`/ws?presence=delta`, as the browser client does); the same run with viewers that take the full")
                .append(" list on every change (`presence:update`, older clients) is beside it. The viewers are plain sockets read by one")
                .append(" selector thread of the load generator, which parses only each frame's header and first bytes: with Jetty's client")
                .append(" the generator spent more CPU per change than Baton, and the figure timed the generator.\n\n");
        if (r.fanOut == null) {
            md.append("Did not complete in this run (see notes).\n\n");
        } else {
            md.append("| µs | samples | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|---:|\n");
            md.append("| each viewer (deltas) | ").append(r.fanOut.perDelivery().count()).append(" | ").append(r.fanOut.perDelivery().row()).append(" |\n");
            md.append("| the last viewer of a change (deltas) | ").append(r.fanOut.lastViewer().count()).append(" | ").append(r.fanOut.lastViewer().row()).append(" |\n");
            if (r.fanOutFull != null) {
                md.append("| each viewer (full lists) | ").append(r.fanOutFull.perDelivery().count()).append(" | ").append(r.fanOutFull.perDelivery().row()).append(" |\n");
                md.append("| the last viewer of a change (full lists) | ").append(r.fanOutFull.lastViewer().count()).append(" | ")
                        .append(r.fanOutFull.lastViewer().row()).append(" |\n");
            }
            md.append('\n');
            md.append(String.format("%,.0f bytes per change to 500 viewers with deltas: %,.0f bytes per viewer", r.fanOut.bytesPerChange(),
                    r.fanOut.bytesPerChange() / r.fanOut.viewers()));
            if (r.fanOutFull != null) {
                md.append(String.format("; with full lists %,.0f bytes per viewer", r.fanOutFull.bytesPerChange() / r.fanOutFull.viewers()));
            }
            md.append(String.format(". CPU per change (`/proc`, over the measured changes): Baton %,.0f µs with deltas", r.fanOut.serverCpuMicrosPerChange()));
            if (r.fanOutFull != null) {
                md.append(String.format(", %,.0f µs with full lists", r.fanOutFull.serverCpuMicrosPerChange()));
            }
            md.append(String.format("; the load generator, which reads every viewer's frames on its one core, %,.0f µs with deltas."
                    + " Each viewer receives %.1f messages per change: the lock event, the presence and a notification.\n\n",
                    r.fanOut.generatorCpuMicrosPerChange(), r.fanOut.messagesPerChange() / r.fanOut.viewers()));
        }

        md.append("## 7. Connected sessions\n\n");
        Workloads.Sessions s = r.sessions;
        if (s == null) {
            md.append("Did not complete in this run (see notes).\n\n");
        } else {
            md.append(String.format("%,d WebSocket sessions, each a viewer of a record (3 per record), opened in %.0f s: **%.1f KiB heap** per session (live"
                    + " heap by class, `jcmd GC.class_histogram` after a full GC, before and after), %.1f KiB RSS per session.%n%n", s.sessions(), s.connectSeconds(),
                    s.heapKibPerSession(), s.rssKibPerSession()));
            if (!Double.isNaN(s.coreFloorKib())) {
                md.append(String.format("Floors, the same number of idle sessions opened by the same client to a minimal echo server, counted the same way:"
                        + " **%.1f KiB** per session on Jetty's core WebSocket API (Baton's transport since 2026-11-30; Baton: %.1f× it), %.1f KiB as a Javalin"
                        + " WebSocket (Baton's transport before: Javalin and Jetty's WebSocket API keep each connection's upgrade request).%n%n",
                        s.coreFloorKib(), s.heapKibPerSession() / s.coreFloorKib(), s.javalinFloorKib()));
            }
            md.append("| owner | bytes per session |\n|---|---:|\n");
            s.owners().forEach(o -> md.append(String.format("| %s | %,.0f |%n", o.owner(), o.bytesPerSession())));
            md.append("\n| class (largest growth) | bytes per session | instances per session |\n|---|---:|---:|\n");
            s.topClasses().stream().limit(15).forEach(o -> md.append(String.format("| `%s` | %,.0f | %.1f |%n", o.owner(), o.bytesPerSession(),
                    o.instancesPerSession())));
            md.append("\nAn acquire while they are connected:\n\n| µs | samples | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|---:|\n| acquire | ")
                    .append(s.operation().count()).append(" | ").append(s.operation().row()).append(" |\n\n");
        }

        md.append("## 8. Crash recovery\n\n");
        Workloads.Recovery w8 = r.recovery;
        if (w8 == null) {
            md.append("Did not complete in this run (see notes).\n\n");
        } else {
            md.append(String.format("%,d held locks in the data directory, the server started, `kill -9`, restarted (from the start-up archive `./start.sh` uses, section 9): ready in **%d ms**; %,d of %,d"
                    + " leases came back with their fencing tokens (%d missing). Each stored lock carries its next deadline in its row, which every"
                    + " instance's sweep finds by index, so no per-lock timer has to be rebuilt before ready.%n%n",
                    w8.locks(), w8.readyMillis(), w8.matched(), w8.locks(), w8.missing()));
        }
        md.append(startupSection(r.startup)); // also written alone to benchmarks/startup.md by --only=startup

        if (Files.exists(out.resolve("benchmarks/analytics.md"))) {
            md.append(Files.readString(out.resolve("benchmarks/analytics.md")));
        }
        if (Files.exists(out.resolve("benchmarks/cluster.md"))) {
            md.append(Files.readString(out.resolve("benchmarks/cluster.md")));
        }
        md.append("## Targets (issue 14)\n\n| target | measured | ratio | samples | verdict |\n|---|---|---:|---|---|\n");
        if (r.redis) {
            double vr = Results.medianRatio(r.baton, Results.peers(r.redissonVolatile));
            double dr = Results.medianRatio(r.baton, Results.peers(r.redissonDurable));
            target(md, "throughput ≥ 1.5× Redisson RLock (Redis without persistence)", String.format("%,.0f vs %,.0f pairs/s", baton, redisson),
                    String.format("%.2f×", vr), rounds(r), vr >= 1.5);
            target(md, "throughput ≥ 1.5× Redisson RLock (Redis appendfsync always)", String.format("%,.0f vs %,.0f pairs/s", baton, durable),
                    String.format("%.2f×", dr), rounds(r), dr >= 1.5);
        }
        double er = Results.medianRatio(r.baton, r.echo);
        target(md, "throughput ≥ 50% of the WebSocket echo floor", String.format("%,.0f vs %,.0f", baton, echo), String.format("%.0f%%", 100 * er), rounds(r), er >= 0.5);
        target(md, "method: the load generator's echo floor ≥ 3× Baton", String.format("%,.0f vs %,.0f", echo, baton), String.format("%.1f×", echo / baton),
                rounds(r), echo >= 3 * baton);
        target(md, "≤ 150 µs server CPU per pair", String.format("%.0f µs", cpu), String.format("%.1f×", cpu / 150), rounds(r), cpu <= 150);
        double allowance = r.fdatasync.p50() + 150;
        target(md, "acquire p50 ≤ fdatasync p50 + 150 µs", String.format("%.0f µs vs %.0f + 150 µs", r.latency.p50(), r.fdatasync.p50()),
                String.format("%.1f×", r.latency.p50() / allowance), r.latency.count() + " acquires, " + r.fdatasync.count() + " fdatasyncs",
                r.latency.p50() <= allowance);
        double own = r.latency.p50() - r.echoLatency.p50();
        target(md, "(the same, over the transport's floor) acquire p50 − echo p50 ≤ fdatasync p50 + 150 µs",
                String.format("%.0f − %.0f = %.0f µs vs %.0f + 150 µs", r.latency.p50(), r.echoLatency.p50(), own, r.fdatasync.p50()),
                String.format("%.1f×", own / allowance), r.latency.count() + " acquires, " + r.echoLatency.count() + " echoes", own <= allowance);
        target(md, "acquire p99 ≤ 2 ms", String.format("%.0f µs (this disk alone: a decision's sync p99 %.0f µs, one page's %.0f µs; the echo's %.0f µs)",
                        r.latency.p99(), r.decisionSync.p99(), r.fdatasync.p99(), r.echoLatency.p99()), String.format("%.1f×", r.latency.p99() / 2000),
                r.latency.count() + " acquires, " + r.decisionSync.count() + " decision syncs", r.latency.p99() <= 2000);
        if (r.fanOut != null) {
            target(md, "fan-out to 500 viewers p99 ≤ 40 ms (each viewer)", String.format("%.1f ms", r.fanOut.perDelivery().p99() / 1000),
                    String.format("%.1f×", r.fanOut.perDelivery().p99() / 40_000), r.fanOut.perDelivery().count() + " deliveries",
                    r.fanOut.perDelivery().p99() <= 40_000);
            target(md, "fan-out: the last of 500 viewers p99 ≤ 40 ms", String.format("%.1f ms", r.fanOut.lastViewer().p99() / 1000),
                    String.format("%.1f×", r.fanOut.lastViewer().p99() / 40_000), r.fanOut.lastViewer().count() + " changes",
                    r.fanOut.lastViewer().p99() <= 40_000);
            // O(viewers) in all means a constant per viewer: one lock event and one presence delta, about 1 KiB whatever the
            // number of viewers (the full list is ~80 bytes per person on the record, ~40 KB per viewer at 500).
            double perViewer = r.fanOut.bytesPerChange() / r.fanOut.viewers();
            target(md, "fan-out bytes per change O(viewers): ≤ 1 KiB per viewer", String.format("%,.0f bytes per viewer per change", perViewer)
                    + (r.fanOutFull == null ? "" : String.format(" (full lists: %,.0f)", r.fanOutFull.bytesPerChange() / r.fanOutFull.viewers())),
                    String.format("%.2f×", perViewer / 1024), r.fanOut.lastViewer().count() + " changes", perViewer <= 1024);
        }
        if (s != null) {
            target(md, "≤ 10 KiB heap per idle WebSocket session", String.format("%.1f KiB", s.heapKibPerSession())
                    + (Double.isNaN(s.coreFloorKib()) ? "" : String.format(" (floor, an idle Jetty core echo session: %.1f KiB)", s.coreFloorKib())),
                    String.format("%.1f×", s.heapKibPerSession() / 10),
                    String.format("%,d sessions", s.sessions()), s.heapKibPerSession() <= 10);
        }
        target(md, "start-up ≤ 1 s", r.startup.best() + " ms", String.format("%.1f×", r.startup.best() / 1000.0), r.startup.runs() + " starts",
                r.startup.best() <= 1_000);
        if (w8 != null) {
            target(md, "recovery with 100,000 held locks ≤ 1.5 s", String.format("%d ms (%,d locks, %d missing)", w8.readyMillis(), w8.locks(), w8.missing()),
                    String.format("%.1f×", w8.readyMillis() / 1500.0), "1 restart", w8.readyMillis() <= 1_500 && w8.missing() == 0 && w8.locks() >= 100_000);
        }
        if (r.statistics != null) {
            target(md, "each statistic well under 1 s over 1,000,000 audit entries (issue 15)", String.format("slowest %.0f ms", r.statistics.slowestMillis()),
                    String.format("%.1f×", r.statistics.slowestMillis() / 1000), String.format("%,d entries", r.statistics.entries()),
                    r.statistics.slowestMillis() < 500 && r.statistics.entries() >= 1_000_000);
        }
        md.append("\nA ratio above 1× on a \"≤\" target, or below the asked multiple on a \"≥\" target, is how far it is from the target.\n");
        md.append("\n## Where Baton falls short, and why\n\n").append(Files.exists(Path.of("docs/benchmarks/analysis.md"))
                ? Files.readString(Path.of("docs/benchmarks/analysis.md")) : "See the verdicts above.\n");
        if (!notes.isEmpty()) {
            md.append("\n## Notes from this run\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        Files.writeString(out.resolve("benchmarks.md"), md.toString());
    }

    private static String rounds(Results r) {
        return String.format("%d rounds, %,d pairs", r.baton.size(), Results.totalOps(r.baton));
    }

    private static String range(List<Workloads.Throughput> rounds) {
        double min = rounds.stream().mapToDouble(Workloads.Throughput::opsPerSecond).min().orElse(0);
        double max = rounds.stream().mapToDouble(Workloads.Throughput::opsPerSecond).max().orElse(0);
        return String.format("%,.0f – %,.0f", min, max);
    }

    private static void target(StringBuilder md, String target, String measured, String ratio, String samples, boolean met) {
        md.append("| ").append(target).append(" | ").append(measured).append(" | ").append(ratio).append(" | ").append(samples).append(" | ")
                .append(met ? "met" : "**short**").append(" |\n");
    }

    static String machine() {
        String cpu = "unknown CPU";
        long memGib = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memGib = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024 / 1024;
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return CORES + " cores (" + cpu + "), " + memGib + " GiB, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version");
    }

    /** Section 9: each archive's median start-up and its ratio to plain {@code java -jar} measured in the same run. */
    static String startupSection(Workloads.Startup startup) {
        StringBuilder md = new StringBuilder(String.format("## 9. Start-up%n%nFrom `java -jar` to `/health/ready` answering 200, fresh data directory,"
                + " median of %d starts each, the kinds interleaved; after one training run per archive that writes it at its clean exit."
                + " `./start.sh` uses the AOT cache on JDK 25+ and the CDS archive on older JDKs.%n%n| archive | ms | ratio to plain `java -jar` |%n|---|---:|---:|%n",
                startup.runs()));
        long plain = startup.medians().get(BatonProcess.Archive.NONE);
        startup.medians().forEach((kind, ms) -> md.append(String.format("| %s | %d | %.2f× |%n", switch (kind) {
            case NONE -> "none (the JDK's own class archive only)";
            case CDS -> "class-data sharing (`-XX:+AutoCreateSharedArchive`)";
            case AOT -> "AOT cache (`-XX:AOTCache`, JDK 25)";
        }, ms, ms / (double) plain)));
        return md.append('\n').toString();
    }
}
