package org.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes docs/benchmarks.md: every figure beside its floor and the peer, the targets with a verdict, and the charts. */
final class Report {
    private Report() {
    }

    static void write(Path out, Map<String, Object> r, String machine, boolean quick, List<String> notes) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Produced by `./bench.sh").append(quick ? " --quick" : "").append("` on ").append(LocalDate.now()).append(": ").append(machine)
                .append("; JDK ").append(Runtime.version()).append(". Baton runs as its jar in its own process (embedded SQLite, durable:")
                .append(" `synchronous=FULL`, every grant committed before it is acknowledged); the load generator is one JVM with asynchronous")
                .append(" WebSocket I/O (the JDK client), HdrHistogram for latencies. Floors and peer run in the same run, interleaved with")
                .append(" Baton (echo, Baton, Redis, Redisson, repeated; medians). Re-run: `./bench.sh` (about 5 minutes) or `./bench.sh --quick`.\n\n");
        if (quick) {
            md.append("> Quick mode: short blocks, one round, fewer sessions and locks. Figures are indicative only.\n\n");
        }

        double baton = num(r.get("w1.baton"));
        double echo = num(r.get("w1.echo"));
        Double redis = (Double) r.get("w1.redis");
        Double redisson = (Double) r.get("w1.redisson");
        md.append("## 1. Uncontended acquire + release over WebSocket, 50 connections (closed loop)\n\n");
        md.append("| | operations/s (acquire + release) | Baton as a share |\n|---|---:|---:|\n");
        md.append(String.format("| **Baton** | **%,.0f** | |%n", baton));
        md.append(String.format("| floor: WebSocket echo, 2 round trips per operation | %,.0f | %.0f%% |%n", echo, 100 * baton / echo));
        if (redis != null) {
            md.append(String.format("| floor: Redis `SET NX PX` (redis-benchmark, 50 clients), halved to pairs | %,.0f | %.0f%% |%n", redis, 100 * baton / redis));
            md.append(String.format("| peer: Redisson `RLock` tryLock + unlock, 50 threads | %,.0f | %.0f%% |%n", redisson, 100 * baton / redisson));
        }
        md.append(String.format("%nServer CPU per 1,000 operations (from /proc, a noise-robust second figure): %.0f ms.%n%n", num(r.get("w1.batonCpu"))));
        md.append("![throughput](benchmarks/throughput.png)\n\n");
        LinkedHashMap<String, Double> bars = new LinkedHashMap<>();
        bars.put("Baton (WebSocket)", baton);
        bars.put("floor: WebSocket echo", echo);
        if (redis != null) {
            bars.put("floor: Redis SET NX PX (pairs)", redis);
            bars.put("peer: Redisson RLock", redisson);
        }
        Charts.bars(out.resolve("benchmarks/throughput.png"), "Acquire + release per second, 50 connections", "ops/s", bars);

        Latency w2 = (Latency) r.get("w2");
        Latency peer = (Latency) r.get("peerLatency");
        md.append("## 2. Single-connection acquire latency (open loop, ").append(r.get("w2.rate"))
                .append(" acquires/s; latency from the intended send time)\n\n");
        md.append("| µs | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|\n");
        md.append("| **Baton** acquire over WebSocket | ").append(w2.row()).append(" |\n");
        Workloads.Rest rest = (Workloads.Rest) r.get("w3");
        md.append("| Baton acquire over REST (16 workers, closed loop) | ").append(rest.acquire().row()).append(" |\n");
        if (peer != null) {
            md.append("| peer: Redisson `tryLock` (50 threads, closed loop) | ").append(peer.row()).append(" |\n");
        }
        md.append("\n![latency](benchmarks/latency.png)\n\n");
        LinkedHashMap<String, Double> lat = new LinkedHashMap<>();
        lat.put("Baton WebSocket acquire p50", w2.p50());
        lat.put("Baton WebSocket acquire p99", w2.p99());
        lat.put("Baton REST acquire p50", rest.acquire().p50());
        lat.put("Baton REST acquire p99", rest.acquire().p99());
        if (peer != null) {
            lat.put("peer: Redisson tryLock p50", peer.p50());
            lat.put("peer: Redisson tryLock p99", peer.p99());
        }
        Charts.bars(out.resolve("benchmarks/latency.png"), "Acquire latency (µs)", "µs", lat);

        double floorHttp = num(r.get("w3.floor"));
        md.append("## 3. REST acquire + release, 16 workers\n\n");
        md.append(String.format("| | per second |%n|---|---:|%n| **Baton** acquire + release | **%,.0f** (%,.0f requests) |%n"
                + "| floor: raw HTTP `GET /ping`, same stack | %,.0f requests |%n%nBaton does %.0f%% of the floor's requests; server CPU %.0f ms per 1,000 operations.%n%n",
                rest.throughput().opsPerSecond(), 2 * rest.throughput().opsPerSecond(), floorHttp, 100 * 2 * rest.throughput().opsPerSecond() / floorHttp,
                rest.throughput().cpuMsPerKiloOp()));

        StoreWorkloads.Ratio w4 = (StoreWorkloads.Ratio) r.get("w4");
        md.append("## 4. Durable mode\n\nBaton's server is always durable: every figure above is acknowledged only after SQLite's commit with")
                .append(" `synchronous=FULL`. To give the cost of that, the same lock coordinator runs in the bench process with 16 threads of")
                .append(" acquire + release, once on the in-memory store (the one the unit tests use) and once on the durable SQLite store:\n\n");
        if (w4 == null) {
            md.append("Did not complete in this run (see notes).\n\n");
        } else {
            md.append(String.format("| store | acquire + release/s |%n|---|---:|%n| in-memory | %,.0f |%n| **durable (SQLite, group commit)** | **%,.0f** (%.1f%% of in-memory) |%n%n",
                    w4.inMemory(), w4.durable(), 100 * w4.ratio()));
        }

        Workloads.Handover w5 = (Workloads.Handover) r.get("w5");
        md.append("## 5. Contended record with a queue of 10\n\n");
        md.append(String.format("%,.0f hand-overs/s over %d hand-overs (auto-acquire). From the holder's release to `lock:acquired` at the next user:%n%n",
                w5.perSecond(), w5.count()));
        md.append("| µs | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|\n| release → next holder | ").append(w5.releaseToNext().row())
                .append(String.format(" |%n%nThe seed's design polls every 10 s; here the next user holds the lock %.1f ms (median) after the release.%n%n",
                        w5.releaseToNext().p50() / 1000));

        Latency w6 = (Latency) r.get("w6");
        md.append("## 6. Presence fan-out to 500 viewers\n\nOne change (an editor takes or releases the lock) until the last of 500 connected viewers")
                .append(" has its `presence:update`:\n\n| µs | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|\n| last viewer | ")
                .append(w6.row()).append(" |\n\n");

        Workloads.Sessions w7 = (Workloads.Sessions) r.get("w7");
        md.append("## 7. Connected sessions\n\n");
        if (w7 == null) {
            md.append("Did not complete in this run (see notes).\n\n");
        } else {
            md.append(String.format("%,d WebSocket sessions, each a viewer of a record (3 per record), opened in %.0f s: **%.1f KiB heap** and %.1f KiB RSS"
                    + " per session (after a full GC, measured through `jcmd` and `/metrics`). An acquire while they are connected:%n%n"
                    + "| µs | p50 | p90 | p99 | p99.9 | max |%n|---|---:|---:|---:|---:|---:|%n| acquire | %s |%n%n", w7.sessions(), w7.connectSeconds(),
                    w7.heapKibPerSession(), w7.rssKibPerSession(), w7.operation().row()));
        }

        Workloads.Recovery w8 = (Workloads.Recovery) r.get("w8");
        md.append("## 8. Crash recovery\n\n");
        if (w8 == null) {
            md.append("Did not complete in this run (see notes).\n\n");
        } else {
            md.append(String.format("%,d held locks in the data directory, the server started, `kill -9`, restarted: ready in **%d ms**; %,d of %,d"
                    + " leases came back with their fencing tokens (%d missing).%n%n",
                    w8.locks(), w8.readyMillis(), w8.matched(), w8.locks(), w8.missing()));
        }
        long w9 = (Long) r.get("w9");
        md.append(String.format("## 9. Start-up%n%nFrom `java -jar` to `/health/ready` answering 200, fresh data directory: **%d ms** (median of 3).%n%n", w9));

        if (Files.exists(out.resolve("benchmarks/analytics.md"))) {
            md.append(Files.readString(out.resolve("benchmarks/analytics.md")));
        }
        md.append("## Targets\n\n| target | measured | verdict |\n|---|---|---|\n");
        if (redis != null) {
            target(md, "WebSocket lock ops ≥ 60% of the Redis floor", String.format("%.0f%%", 100 * baton / redis), baton >= 0.6 * redis);
        }
        target(md, "acquire p99 ≤ 500 µs", String.format("%.0f µs", w2.p99()), w2.p99() <= 500);
        target(md, "queue hand-over p99 ≤ 10 ms", String.format("%.1f ms", w5.releaseToNext().p99() / 1000), w5.releaseToNext().p99() <= 10_000);
        if (w7 != null) {
            target(md, "≤ 10 KiB heap per idle session", String.format("%.1f KiB", w7.heapKibPerSession()), w7.heapKibPerSession() <= 10);
        }
        target(md, "fan-out p99 ≤ 40 ms", String.format("%.1f ms", w6.p99() / 1000), w6.p99() <= 40_000);
        if (w8 != null) {
            target(md, "recovery ≤ 1.5 s", String.format("%d ms (%,d locks)", w8.readyMillis(), w8.locks()), w8.readyMillis() <= 1_500);
        }
        target(md, "start-up ≤ 1 s", w9 + " ms", w9 <= 1_000);
        AnalyticsWorkload.Result w10 = (AnalyticsWorkload.Result) r.get("w10");
        if (w10 != null) {
            target(md, "each statistic well under 1 s over 1,000,000 audit entries", String.format("slowest %.0f ms (%,d entries)", w10.slowestMillis(),
                    w10.entries()), w10.slowestMillis() < 500 && w10.entries() >= 1_000_000);
        }
        md.append("\n## Where Baton falls short, and why\n\n").append(Files.exists(out.resolve("benchmarks/analysis.md"))
                ? Files.readString(out.resolve("benchmarks/analysis.md")) : "See the verdicts above; `docs/benchmarks/analysis.md` holds the profile notes when written.\n");
        if (!notes.isEmpty()) {
            md.append("\n## Notes from this run\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        Files.writeString(out.resolve("benchmarks.md"), md.toString());
    }

    private static void target(StringBuilder md, String target, String measured, boolean met) {
        md.append("| ").append(target).append(" | ").append(measured).append(" | ").append(met ? "met" : "**short**").append(" |\n");
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }
}
