package org.baton.server.limits;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a user, a connection): {@code ratePerSecond} tokens refill continuously up to
 * {@code burst}; each request takes one. A refused request reports how long until a token is back, for
 * {@code Retry-After}.
 *
 * <p>Time comes from a monotonic nanosecond source passed in, so tests drive it and a wall-clock jump never
 * refills or drains a bucket. Buckets of keys idle long enough to be full again are dropped by {@link #evictIdle()}.
 */
public final class RateLimiter {
    /** The answer to one request: allowed, or refused with the wait until the next token. */
    public record Verdict(boolean allowed, Duration retryAfter) {
        static final Verdict ALLOWED = new Verdict(true, Duration.ZERO);
    }

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long lastNanos) {
            this.tokens = tokens;
            this.lastNanos = lastNanos;
        }
    }

    private final double ratePerSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double ratePerSecond, int burst, LongSupplier nanoTime) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    /** Takes one token for {@code key} if there is one. */
    public Verdict tryAcquire(String key) {
        long now = nanoTime.getAsLong();
        Verdict[] verdict = new Verdict[1];
        buckets.compute(key, (k, bucket) -> {
            Bucket b = bucket == null ? new Bucket(burst, now) : bucket;
            refill(b, now);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                verdict[0] = Verdict.ALLOWED;
            } else {
                double missing = 1 - b.tokens;
                long waitMillis = (long) Math.ceil(missing / ratePerSecond * 1000);
                verdict[0] = new Verdict(false, Duration.ofMillis(Math.max(1, waitMillis)));
            }
            return b;
        });
        return verdict[0];
    }

    /** Forgets buckets that have refilled completely; their next request starts from a full bucket anyway. */
    public void evictIdle() {
        long now = nanoTime.getAsLong();
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                refill(e.getValue(), now);
                return e.getValue().tokens >= burst;
            }
        });
    }

    int trackedKeys() {
        return buckets.size();
    }

    private void refill(Bucket b, long now) {
        long elapsed = now - b.lastNanos;
        if (elapsed > 0) {
            b.tokens = Math.min(burst, b.tokens + elapsed / 1e9 * ratePerSecond);
            b.lastNanos = now;
        }
    }
}
