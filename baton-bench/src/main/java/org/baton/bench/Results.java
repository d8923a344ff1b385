package org.baton.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run measured, for the report. Lists hold one entry per interleaved round. */
final class Results {
    String uptimeStart;
    String uptimeEnd;
    boolean redis;
    final List<Double> roundLoads = new ArrayList<>();
    final Map<String, Double> blockLoads = new LinkedHashMap<>();
    final List<Workloads.Throughput> echo = new ArrayList<>();
    final List<Workloads.Throughput> baton = new ArrayList<>();
    final List<Double> redisFloor = new ArrayList<>();
    final List<Workloads.Peer> redissonVolatile = new ArrayList<>();
    final List<Workloads.Peer> redissonDurable = new ArrayList<>();
    int latencyRate;
    Latency latency;
    Latency fdatasync;
    /** {@link BenchMain#DECISION_PAGES} log pages and a sync, at the single-connection workload's pace. */
    Latency decisionSync;
    /** The same open loop against the echo server: the generator, loopback and Jetty alone. */
    Latency echoLatency;
    Workloads.Throughput httpFloor;
    Workloads.Rest rest;
    Workloads.Handover handover;
    Workloads.FanOut fanOut;
    /** The same fan-out to viewers that take the full list on every change (clients that do not ask for deltas). */
    Workloads.FanOut fanOutFull;
    Workloads.Sessions sessions;
    StoreWorkloads.Ratio store;
    Workloads.Recovery recovery;
    Workloads.Startup startup;
    AnalyticsWorkload.Result statistics;

    /** The median of the rounds' throughputs. */
    static double medianOps(List<Workloads.Throughput> rounds) {
        return BenchMain.median(rounds.stream().map(Workloads.Throughput::opsPerSecond).toList());
    }

    static double medianCpu(List<Workloads.Throughput> rounds) {
        return BenchMain.median(rounds.stream().map(Workloads.Throughput::cpuMicrosPerOp).toList());
    }

    static long totalOps(List<Workloads.Throughput> rounds) {
        return rounds.stream().mapToLong(Workloads.Throughput::ops).sum();
    }

    static long totalErrors(List<Workloads.Throughput> rounds) {
        return rounds.stream().mapToLong(Workloads.Throughput::errors).sum();
    }

    static List<Workloads.Throughput> peers(List<Workloads.Peer> rounds) {
        return rounds.stream().map(Workloads.Peer::throughput).toList();
    }

    /** Baton's share of a peer in each round (side by side), as the median of the per-round ratios. */
    static double medianRatio(List<Workloads.Throughput> baton, List<Workloads.Throughput> other) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(baton.size(), other.size()); i++) {
            ratios.add(baton.get(i).opsPerSecond() / other.get(i).opsPerSecond());
        }
        return BenchMain.median(ratios);
    }
}
