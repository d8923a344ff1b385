package org.baton.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final RateLimiter limiter = new RateLimiter(2, 3, nanos::get);

    @Test
    void burst_isAllowed_thenRefused_withRetryAfter() {
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("u").allowed()).isTrue();
        }
        RateLimiter.Verdict refused = limiter.tryAcquire("u");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void tokens_refillAtTheRate() {
        for (int i = 0; i < 3; i++) {
            limiter.tryAcquire("u");
        }
        nanos.addAndGet(500_000_000L);
        assertThat(limiter.tryAcquire("u").allowed()).isTrue();
        assertThat(limiter.tryAcquire("u").allowed()).isFalse();
    }

    @Test
    void keys_areIndependent() {
        for (int i = 0; i < 3; i++) {
            limiter.tryAcquire("a");
        }
        assertThat(limiter.tryAcquire("a").allowed()).isFalse();
        assertThat(limiter.tryAcquire("b").allowed()).isTrue();
    }

    @Test
    void operationsBeyondTheLimit_neverPass_inAFlood() {
        int allowed = 0;
        for (int i = 0; i < 1000; i++) {
            if (limiter.tryAcquire("flood").allowed()) {
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(3);
    }

    @Test
    void evictIdle_dropsOnlyFullBuckets() {
        limiter.tryAcquire("busy");
        limiter.tryAcquire("idle");
        nanos.addAndGet(10_000_000_000L);
        limiter.tryAcquire("busy");
        limiter.evictIdle();
        assertThat(limiter.trackedKeys()).isEqualTo(1);
    }
}
