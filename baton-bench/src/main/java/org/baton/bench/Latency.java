package org.baton.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Latency percentiles in microseconds, from an HdrHistogram of nanoseconds. */
record Latency(long count, double p50, double p90, double p99, double p999, double max) {
    static Histogram histogram() {
        return new ConcurrentHistogram(3);
    }

    static Latency of(Histogram h) {
        return new Latency(h.getTotalCount(), us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)), us(h.getValueAtPercentile(99)),
                us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()));
    }

    private static double us(long nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }

    String row() {
        return String.format("%.0f | %.0f | %.0f | %.0f | %.0f", p50, p90, p99, p999, max);
    }
}
