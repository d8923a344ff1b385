package org.baton.client;

import java.time.Duration;

/** Too many requests ({@code RATE_LIMITED}, 429): retry after {@link #retryAfter()}. */
public final class RateLimitedException extends BatonProblemException {
    private final Duration retryAfter;

    public RateLimitedException(Problem problem, Duration retryAfter) {
        super(problem);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
