package org.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Section 11 of the report, Baton scaled out on PostgreSQL, written to {@code benchmarks/cluster.md} (by
 * {@code --only=cluster} or the full run) and embedded by the full report: every figure with its sample count, the
 * ratios measured side by side, and the machine's load, since the machine the figures come from is shared.
 */
final class ClusterReport {
    private ClusterReport() {
    }

    static void write(Path out, ClusterWorkload.Result r, boolean quick, String uptimeStart, String uptimeEnd) throws IOException {
        Files.createDirectories(out.resolve("benchmarks"));
        Files.writeString(out.resolve("benchmarks/cluster.md"), section(r, quick, uptimeStart, uptimeEnd));
    }

    static String section(ClusterWorkload.Result r, boolean quick, String uptimeStart, String uptimeEnd) {
        StringBuilder md = new StringBuilder();
        md.append("## 11. Scaled out on PostgreSQL\n\n");
        md.append("Produced by `./bench.sh --only=cluster").append(quick ? " --quick" : "").append("` (or the full run) on ").append(LocalDate.now())
                .append(": ").append(Report.machine()).append("; ").append(r.pinning()).append(". ").append(r.settings())
                .append(". Clients connect to the instances directly (no balancer).\n\n");
        md.append("- **The machine was shared and busy while this ran.** `uptime` at the start: `").append(uptimeStart).append("`; at the end: `")
                .append(uptimeEnd).append("`. PostgreSQL, the three instances, the SQLite node and the load generator share this machine's ")
                .append(Report.CORES).append(" cores: three instances get no more CPU than one here, so the 3-vs-1 ratio shows what spreading the")
                .append(" connections costs or saves, not what three machines would do. Ratios measured side by side are the figures to trust; absolute")
                .append(" figures move with the load.\n");
        md.append(String.format("- Floor: fdatasync of this disk (4 KiB write + `force`), %d samples: p50 %.0f µs, p99 %.0f µs. Every decision on PostgreSQL"
                + " is a commit that waits for such a flush (PostgreSQL's WAL), and the store serialises the audit chain (one row lock per decision,"
                + " taken last), so decisions are bounded by about one commit at a time across all instances.%n", r.fdatasync().count(),
                r.fdatasync().p50(), r.fdatasync().p99()));
        if (quick) {
            md.append("- Quick mode: short blocks, one round, fewer clients. Figures are indicative only.\n");
        }
        md.append('\n');

        md.append(summary(r)).append('\n');

        List<ClusterWorkload.Round> rounds = r.rounds();
        List<ClusterWorkload.Measured> sqliteRounds = rounds.stream().map(ClusterWorkload.Round::sqlite).toList();
        List<ClusterWorkload.Measured> oneRounds = rounds.stream().map(ClusterWorkload.Round::pgOne).toList();
        List<ClusterWorkload.Measured> threeRounds = rounds.stream().map(ClusterWorkload.Round::pgThree).toList();
        List<Workloads.Throughput> sqlite = sqliteRounds.stream().map(ClusterWorkload.Measured::throughput).toList();
        List<Workloads.Throughput> one = oneRounds.stream().map(ClusterWorkload.Measured::throughput).toList();
        List<Workloads.Throughput> three = threeRounds.stream().map(ClusterWorkload.Measured::throughput).toList();
        md.append("### Throughput: workload 1 (50 connections, uncontended acquire + release over WebSocket)\n\n");
        md.append(String.format("Interleaved: %d rounds of %s per configuration (the order turns each round), after a warm-up of each; medians over the"
                + " rounds, ratios the median of the per-round ratios. On \"1 instance\" all 50 connections go to instance 1 (the other two run, idle);"
                + " on \"3 instances\" connection *i* goes to instance *i* mod 3. Server CPU (from /proc, utime + stime over the block, divided by"
                + " the pairs) counts the Baton processes that serve the connections (the idle two are left out of \"1 instance\"), and apart the"
                + " database's processes (postmaster and its backends).%n%n", rounds.size(), quick ? "3 s" : "5 s"));
        md.append("| | pairs/s (median) | min – max | pairs (errors) | Baton CPU per pair | PostgreSQL CPU per pair |\n|---|---:|---:|---:|---:|---:|\n");
        row(md, "SQLite, single node", sqliteRounds);
        row(md, "PostgreSQL, 1 instance", oneRounds);
        row(md, "PostgreSQL, 3 instances", threeRounds);
        md.append(String.format("%n| ratio (median of per-round ratios) | |%n|---|---:|%n| 3 instances vs 1 instance | **%.2f×** |%n"
                        + "| 1 PostgreSQL instance vs SQLite | **%.2f×** |%n| 3 PostgreSQL instances vs SQLite | **%.2f×** |%n%n",
                Results.medianRatio(three, one), Results.medianRatio(one, sqlite), Results.medianRatio(three, sqlite)));
        md.append("| round | load | SQLite | PG 1 instance | PG 3 instances |\n|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < rounds.size(); i++) {
            ClusterWorkload.Round round = rounds.get(i);
            md.append(String.format("| %d | %.1f | %,.0f | %,.0f | %,.0f |%n", i + 1, round.load(), round.sqlite().throughput().opsPerSecond(),
                    round.pgOne().throughput().opsPerSecond(), round.pgThree().throughput().opsPerSecond()));
        }

        ClusterWorkload.SingleConnection single = r.single();
        md.append("\n### One connection: acquire latency on PostgreSQL\n\n");
        md.append(String.format("Workload 2 (section 2) on the SQLite node and on PostgreSQL instance 1 in turn: one connection, an acquire every %.0f ms"
                + " on an open loop (timed from when it was due, so a slow answer delays none after it), each released after its answer. The"
                + " floor: one JDBC connection from the load generator committing a one-row update on the same loop, each commit waiting for"
                + " PostgreSQL's WAL flush as a decision does. No target yet on this store.%n%n", 1000.0 / single.perSecond()));
        md.append("| µs | samples | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|---:|\n");
        md.append("| acquire, SQLite node | ").append(single.sqlite().count()).append(" | ").append(single.sqlite().row()).append(" |\n");
        md.append("| **acquire, one PostgreSQL instance** | ").append(single.postgres().count()).append(" | ").append(single.postgres().row()).append(" |\n");
        md.append("| floor: PostgreSQL one-row commit | ").append(single.commit().count()).append(" | ").append(single.commit().row()).append(" |\n\n");
        md.append(String.format("PostgreSQL vs SQLite: p50 %.2f×, p99 %.2f×. Over the commit floor, Baton's own share on PostgreSQL (the"
                        + " WebSocket round trip, the decision's statements and its audit entry, the bus's `NOTIFY`): p50 %+,.0f µs, p99 %+,.0f µs.%n",
                single.postgres().p50() / single.sqlite().p50(), single.postgres().p99() / single.sqlite().p99(),
                single.postgres().p50() - single.commit().p50(), single.postgres().p99() - single.commit().p99()));

        Workloads.FanOut fan = r.fanOut();
        md.append("\n### Presence fan-out to 500 viewers on PostgreSQL\n\n");
        md.append("Workload 6 (section 6) on one PostgreSQL instance, viewers asking for deltas: every decision reaches the viewers through")
                .append(" PostgreSQL's `NOTIFY` (or the outbox, for a message larger than its payload), as it does scaled out. No target yet.\n\n");
        md.append("| µs | samples | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|---:|\n");
        md.append("| each viewer | ").append(fan.perDelivery().count()).append(" | ").append(fan.perDelivery().row()).append(" |\n");
        md.append("| the last viewer of a change | ").append(fan.lastViewer().count()).append(" | ").append(fan.lastViewer().row()).append(" |\n\n");
        md.append(String.format("%,.0f bytes and %.1f messages per change to all viewers; Baton's CPU per change %,.0f µs (PostgreSQL's own not"
                + " counted), the load generator's %,.0f µs.%n", fan.bytesPerChange(), fan.messagesPerChange(), fan.serverCpuMicrosPerChange(),
                fan.generatorCpuMicrosPerChange()));

        md.append("\n### Queue hand-over across instances\n\n");
        md.append("One record, a holder and 9 users queued behind it (auto-acquire), user *i* on instance *i* mod *n*: across two instances every")
                .append(" hand-over crosses (the release is decided on one instance, the next holder hears `lock:acquired` on the other, through the")
                .append(" database and the event bus). From the holder's `lock:release` to `lock:acquired` (`yours`) at the next user:\n\n");
        md.append("| ms | samples | p50 | p90 | p99 | p99.9 | max | hand-overs/s |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        handover(md, "SQLite, single node", r.sqliteHandover());
        handover(md, "PostgreSQL, within one instance", r.localHandover());
        handover(md, "**PostgreSQL, across two instances**", r.crossHandover());
        md.append(String.format("%nAcross instances vs within one: p50 %.2f×, p99 %.2f×.%n%n", r.crossHandover().releaseToNext().p50() / r.localHandover().releaseToNext().p50(),
                r.crossHandover().releaseToNext().p99() / r.localHandover().releaseToNext().p99()));

        md.append("### Event bus ceiling (PostgreSQL `LISTEN`/`NOTIFY`)\n\n");
        md.append("Each decision is sent with `pg_notify` inside the transaction that commits it; every instance listens on one connection")
                .append(" and pushes the decision to its clients. A staircase of decision rates on instance 1 (open loop on a 1 ms tick: acquire or")
                .append(" release of one of 200 records, 10 deciding connections, at most one decision per record in flight), watched by one viewer")
                .append(" on instance 2 joined to all 200 records. Answer: from the decider's request to its answer (the decision committed). Lag: from the")
                .append(" decider's request to the viewer's event of the same `version` (decision, commit, `NOTIFY`, the other instance's fan-out);")
                .append(" bus part: from the decider's answer to the viewer's event (what the bus and the other instance add after the commit).")
                .append(" A step *keeps up* when ≥ 90 % of the asked rate was decided and no tick found every record still busy, every decision reached the viewer, nothing failed, the lag's")
                .append(" p99 stayed ≤ 250 ms and its median in the step's last third was not more than 50 ms above the first third's.\n\n");
        md.append("| asked/s | decided/s | decisions | missing at viewer | errors | answer p50 / p99 ms | bus part p50 / p99 ms | lag p50 ms | lag p99 ms | lag max ms | median lag, first → last third (ms) | NOTIFY queue | |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|\n");
        int ceiling = 0;
        boolean broken = false;
        for (ClusterWorkload.BusStep s : r.bus()) {
            md.append(String.format("| %,d | %,.0f | %,d | %d | %d | %.1f / %.1f | %.1f / %.1f | %.1f | %.1f | %.1f | %.1f → %.1f | %.4f %% | %s |%n", s.target(),
                    s.decidedPerSecond(), s.decided(), s.missing(), s.errors(), s.answer().p50() / 1000, s.answer().p99() / 1000, s.busPart().p50() / 1000,
                    s.busPart().p99() / 1000, s.lag().p50() / 1000, s.lag().p99() / 1000, s.lag().max() / 1000, s.lagFirstMillis(), s.lagLastMillis(),
                    100 * s.notifyQueue(), s.keptUp() ? "kept up" : "**did not keep up**"));
            if (s.keptUp() && !broken) {
                ceiling = s.target();
            } else {
                broken = true;
            }
        }
        md.append('\n').append(busVerdict(r.bus(), ceiling)).append("\n\n");
        BenchPostgres.NotifyFloor floor = r.notifyFloor();
        double decided = r.bus().stream().mapToDouble(ClusterWorkload.BusStep::decidedPerSecond).max().orElse(0);
        md.append(String.format("The bus's own floor, PostgreSQL alone in the same run: one connection sending `pg_notify` messages of %d bytes (about a"
                        + " decision's envelope), %d per transaction, another listening as an instance does: **%,.0f notifications/s** delivered (%,d of"
                        + " %,d sent), lag p50 %.1f ms, p99 %.1f ms: %.1f× the most decisions per second one instance made above. %s%n%n",
                floor.payloadBytes(), floor.perCommit(), floor.perSecond(), floor.received(), floor.sent(), floor.lag().p50() / 1000, floor.lag().p99() / 1000,
                decided == 0 ? 0 : floor.perSecond() / decided, decided > 0 && floor.perSecond() >= 3 * decided
                        ? "On this machine the deciding instance reaches its limit long before the bus does."
                        : "The bus's floor is close to the decision rate here: it may be the limit."));
        ClusterWorkload.BusAftermath after = r.busAftermath();
        md.append(String.format("After the staircase, the viewer's instance answered `/health/ready` with `%s`; its log over the staircase has %d resync"
                + " lines (\"missed news\": a fresh snapshot pushed when a version was skipped) and %d warnings or errors%s%n%n",
                after.viewerReady().replace('\n', ' ').replace("`", "'"), after.resyncs(), after.warnings(),
                after.sampleLines().isEmpty() ? "." : ", for example:\n\n```\n" + String.join("\n", after.sampleLines()) + "\n```"));
        md.append("Past its ceiling the bus itself degrades in a known way: PostgreSQL queues notifications (8 GB by default) for a listener that")
                .append(" reads slower than they come, so the lag grows and `pg_notification_queue_usage()` (the \"NOTIFY queue\" column) rises; a")
                .append(" full queue would make the deciding transaction's `NOTIFY`, and so the decision, fail. A listening connection that drops")
                .append(" loses what was sent meanwhile: the instance reports the bus down in `/health/ready`, reconnects with backoff, and pushes")
                .append(" fresh snapshots of every record its clients watch; a version gap seen on one record is answered the same way.\n\n");

        md.append("### Re-attach after `kill -9` of an instance\n\n");
        ClusterWorkload.Reattach a = r.reattach();
        md.append(String.format("%d clients on instance 3, each joined to a shared record and holding the lock of its own record (`resource:join` as"
                + " editor); instance 3 killed with `kill -9`. Each client, told by its dropped connection, reconnects at once to instance 1 or 2"
                + " (alternately) with `?sessionId=` (docs/protocol.md), retrying every 100 ms, and counts as re-attached when `session:ready` names"
                + " its own session and a `lock:heartbeat` answers `lock:extended` for the same lease (same `leaseId`, same fencing token). The"
                + " browser client does the same after its first backoff step (250–500 ms, jittered), which a real page adds to these times.%n%n",
                a.clients()));
        md.append("| ms from the kill | samples | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|---:|\n");
        Latency p = a.perClient();
        md.append(String.format("| each client re-attached, lease extended | %d | %.0f | %.0f | %.0f | %.0f | %.0f |%n%n", p.count(), p.p50() / 1000, p.p90() / 1000,
                p.p99() / 1000, p.p999() / 1000, p.max() / 1000));
        md.append(String.format("**%d of %d** clients resumed their session elsewhere, **%d** with their lease intact (same leaseId and fence); every"
                        + " client re-attached %s; at most %d connection attempts per client.%n", a.resumed(), a.clients(), a.intact(),
                a.allMillis() < 0 ? "— not all did (see below)" : String.format("**%.0f ms** after the kill", a.allMillis()), a.maxAttempts()));
        if (!a.failures().isEmpty()) {
            md.append("\nFailures:\n\n");
            a.failures().forEach(f -> md.append("- ").append(f.replace('\n', ' ')).append('\n'));
        }
        if (!r.notes().isEmpty()) {
            md.append("\nNotes from this block:\n\n");
            r.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        md.append('\n');
        return md.toString();
    }

    /** Issue 14's figures on this store beside the SQLite node's from the same block (reported; no target on PostgreSQL yet). */
    private static String summary(ClusterWorkload.Result r) {
        List<Workloads.Throughput> sqlite = r.rounds().stream().map(x -> x.sqlite().throughput()).toList();
        List<Workloads.Throughput> one = r.rounds().stream().map(x -> x.pgOne().throughput()).toList();
        List<Workloads.Throughput> three = r.rounds().stream().map(x -> x.pgThree().throughput()).toList();
        ClusterWorkload.SingleConnection single = r.single();
        StringBuilder md = new StringBuilder();
        md.append("### Issue 14's figures on PostgreSQL, beside SQLite in the same block\n\n");
        md.append("Reported, no target yet on this store. Both columns come from this block, on the same busy machine, so they compare with each")
                .append(" other and not with the pinned figures of sections 1–9. Details in the subsections below.\n\n");
        md.append("| figure | SQLite node | PostgreSQL, 1 instance | PostgreSQL, 3 instances | samples |\n|---|---:|---:|---:|---|\n");
        md.append(String.format("| throughput, 50 connections (pairs/s, median) | %,.0f | %,.0f | %,.0f | %d rounds each |%n", Results.medianOps(sqlite),
                Results.medianOps(one), Results.medianOps(three), r.rounds().size()));
        md.append(String.format("| Baton's CPU per pair | %,.0f µs | %,.0f µs | %,.0f µs | the same rounds |%n", Results.medianCpu(sqlite), Results.medianCpu(one),
                Results.medianCpu(three)));
        md.append(String.format("| one connection, acquire p50 / p99 | %,.0f / %,.0f µs | %,.0f / %,.0f µs | – | %d acquires each |%n", single.sqlite().p50(),
                single.sqlite().p99(), single.postgres().p50(), single.postgres().p99(), single.postgres().count()));
        md.append(String.format("| fan-out to 500 viewers, each / the last viewer p99 | section 6 | %.1f / %.1f ms | – | %d deliveries, %d changes |%n",
                r.fanOut().perDelivery().p99() / 1000, r.fanOut().lastViewer().p99() / 1000, r.fanOut().perDelivery().count(), r.fanOut().lastViewer().count()));
        md.append(String.format("| queue hand-over, release → next holder p50 | %.1f ms | %.1f ms | %.1f ms (across two) | %d hand-overs each |%n",
                r.sqliteHandover().releaseToNext().p50() / 1000, r.localHandover().releaseToNext().p50() / 1000,
                r.crossHandover().releaseToNext().p50() / 1000, r.localHandover().releaseToNext().count()));
        ClusterWorkload.Reattach a = r.reattach();
        String clients = a.allMillis() < 0 ? String.format("%d of its %d clients re-attached elsewhere", a.resumed(), a.clients())
                : String.format("its %d clients all re-attached elsewhere within %.0f ms", a.clients(), a.allMillis());
        md.append(String.format("| ready after `kill -9` (plain `java -jar`) | %,d ms (resumes its locks from its file) | – | %,d ms (instance 3 rejoins;"
                + " %s) | 1 restart each |%n", r.sqliteRestartMillis(), r.pgRestartMillis(), clients));
        return md.toString();
    }

    private static String busVerdict(List<ClusterWorkload.BusStep> steps, int ceiling) {
        List<String> parts = new ArrayList<>();
        if (ceiling == 0) {
            parts.add("No step kept up: the ceiling is below the lowest rate asked.");
        } else {
            parts.add(String.format("**Ceiling in this run: %,d decisions/s on one instance** (the highest step that kept up, every lower one too).", ceiling));
        }
        steps.stream().filter(s -> s.target() > ceiling).findFirst().ifPresent(s -> {
            List<String> why = new ArrayList<>();
            if (s.decidedPerSecond() < 0.9 * s.target() || s.behind() > 0) {
                why.add(String.format("instance 1 decided %,.0f/s (%d ticks found every record still waiting for its previous decision)", s.decidedPerSecond(),
                        s.behind()));
            }
            if (s.missing() > 0 || s.errors() > 0) {
                why.add(String.format("%d decisions never reached the viewer, %d requests failed", s.missing(), s.errors()));
            }
            if (s.lag().p99() > 250_000) {
                why.add(String.format("the lag's p99 was %.0f ms", s.lag().p99() / 1000));
            }
            if (s.lagLastMillis() > s.lagFirstMillis() + 50) {
                why.add(String.format("the median lag grew from %.1f to %.1f ms", s.lagFirstMillis(), s.lagLastMillis()));
            }
            String where = s.busPart().p99() < s.answer().p99()
                    ? String.format(" Of that, the decision itself (request to answer) took p99 %.0f ms and the bus after it (answer to the viewer) p99 %.0f ms:"
                    + " the deciding instance was the limit, not the bus (on this busy machine mostly its CPU per decision, see the throughput table;"
                    + " every decision also waits for a durable commit, one at a time through the audit chain).",
                    s.answer().p99() / 1000, s.busPart().p99() / 1000)
                    : String.format(" The bus after the commit (answer to the viewer) took p99 %.0f ms, the decision itself p99 %.0f ms: the bus was the limit.",
                    s.busPart().p99() / 1000, s.answer().p99() / 1000);
            parts.add(String.format("At %,d/s asked: %s.%s", s.target(), String.join("; ", why), where));
        });
        return String.join(" ", parts);
    }

    private static void row(StringBuilder md, String name, List<ClusterWorkload.Measured> measured) {
        List<Workloads.Throughput> rounds = measured.stream().map(ClusterWorkload.Measured::throughput).toList();
        double database = BenchMain.median(measured.stream().map(ClusterWorkload.Measured::databaseCpuMicrosPerOp).toList());
        double min = rounds.stream().mapToDouble(Workloads.Throughput::opsPerSecond).min().orElse(0);
        double max = rounds.stream().mapToDouble(Workloads.Throughput::opsPerSecond).max().orElse(0);
        md.append(String.format("| %s | **%,.0f** | %,.0f – %,.0f | %,d (%d) | %,.0f µs | %s |%n", name, Results.medianOps(rounds), min, max, Results.totalOps(rounds),
                Results.totalErrors(rounds), Results.medianCpu(rounds), database > 0 ? String.format("%,.0f µs", database) : "–"));
    }

    private static void handover(StringBuilder md, String name, Workloads.Handover h) {
        Latency l = h.releaseToNext();
        md.append(String.format("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %,.0f |%n", name, l.count(), l.p50() / 1000, l.p90() / 1000, l.p99() / 1000,
                l.p999() / 1000, l.max() / 1000, h.perSecond()));
    }
}
