package org.baton.core.analytics;

import java.util.ArrayList;
import java.util.List;

/**
 * Durations counted per {@link DurationBuckets bucket}, with the longest one seen in each: enough for a histogram and
 * for percentiles without keeping every value.
 *
 * <p>A percentile {@code p} is reported as the longest duration in the bucket that holds the value of rank
 * {@code ceil(p × n)}: never below the true percentile, and above it by less than the bucket's width. Medians and
 * p90 figures are therefore exact to the bucket, and reproducible from the counts alone.
 */
public final class DurationDistribution {
    private final long[] counts = new long[DurationBuckets.count()];
    private final long[] longest = new long[DurationBuckets.count()];
    private long total;
    private long sumMillis;

    /** Adds {@code count} durations of bucket {@code bucket}, the longest {@code maxMillis}, together {@code sumMillis}. */
    public DurationDistribution add(int bucket, long count, long maxMillis, long sum) {
        counts[bucket] += count;
        longest[bucket] = Math.max(longest[bucket], maxMillis);
        total += count;
        sumMillis += sum;
        return this;
    }

    /** Adds one duration. */
    public DurationDistribution add(long millis) {
        return add(DurationBuckets.of(millis), 1, millis, millis);
    }

    public long total() {
        return total;
    }

    /** The average in milliseconds, or null when empty. */
    public Long averageMillis() {
        return total == 0 ? null : Math.round((double) sumMillis / total);
    }

    /** The {@code p}-th percentile (0 &lt; p ≤ 1) in milliseconds as described above, or null when empty. */
    public Long percentileMillis(double p) {
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(p * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return longest[i];
            }
        }
        throw new IllegalStateException("counts do not add up");
    }

    /** One bar of the histogram. */
    public record Bin(int bucket, String label, Long upToSeconds, long count) {
    }

    /** Every bucket, empty ones included, in order. */
    public List<Bin> bins() {
        List<Bin> bins = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            bins.add(new Bin(i, DurationBuckets.label(i), DurationBuckets.upperSeconds(i), counts[i]));
        }
        return bins;
    }
}
