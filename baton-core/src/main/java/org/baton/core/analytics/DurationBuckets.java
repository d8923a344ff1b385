package org.baton.core.analytics;

import java.util.List;

/**
 * The fixed buckets every duration is counted in (lock holds, queue waits): upper bounds from 5 seconds to 24 hours,
 * closer together where people notice a difference, plus one bucket for everything longer. Stores keep the bucket
 * index beside each duration, so distributions and percentiles are sums over at most {@link #count()} groups.
 */
public final class DurationBuckets {
    /** Upper bounds in seconds (inclusive); the last bucket, past the final bound, is open. */
    private static final long[] BOUNDS = {5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 2700, 3600, 5400,
            7200, 10800, 14400, 21600, 28800, 43200, 86400};

    private DurationBuckets() {
    }

    /** How many buckets there are (the open one included). */
    public static int count() {
        return BOUNDS.length + 1;
    }

    /** The bucket of a duration: the first whose bound it does not exceed. */
    public static int of(long millis) {
        for (int i = 0; i < BOUNDS.length; i++) {
            if (millis <= BOUNDS[i] * 1000) {
                return i;
            }
        }
        return BOUNDS.length;
    }

    /** The bucket's upper bound in seconds, or null for the open one. */
    public static Long upperSeconds(int bucket) {
        return bucket < BOUNDS.length ? BOUNDS[bucket] : null;
    }

    /** A short human label: "≤ 5 s", "≤ 2 min", "≤ 1.5 h", "> 24 h". */
    public static String label(int bucket) {
        if (bucket >= BOUNDS.length) {
            return "> 24 h";
        }
        return "≤ " + human(BOUNDS[bucket]);
    }

    static String human(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return trim(seconds / 60.0) + " min";
        }
        return trim(seconds / 3600.0) + " h";
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** Every bucket index, in order. */
    public static List<Integer> all() {
        return java.util.stream.IntStream.range(0, count()).boxed().toList();
    }
}
