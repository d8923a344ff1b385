package org.baton.server.limits;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The request budget of each user, shared by all of that user's REST calls and WebSocket messages on every
 * connection: opening more connections or tabs buys no more requests ({@code BATON_RATE_LIMIT}, burst
 * {@code BATON_RATE_BURST}).
 *
 * <p>Letting go is never refused by that budget: releasing a lock, leaving a queue or a resource, and answering an
 * ask or a takeover request draw on a second, separate budget ({@link Kind#LETTING_GO}) twice as large, so a holder
 * who has spent the ordinary budget can still hand the lock back at once. The second budget still has a ceiling,
 * so a flood of releases of nothing (each one a refused command and an audit entry) is no new flood vector.
 *
 * <p>Before a WebSocket connection has authenticated, its messages are charged to the connection
 * ({@link #chargeConnection}), not to any user.
 */
public final class RequestBudget {
    /** Which budget a request draws on. */
    public enum Kind { ORDINARY, LETTING_GO }

    /** The WebSocket events that let go of something (PROTOCOL.md names). */
    private static final Set<String> LETTING_GO_EVENTS = Set.of("lock:release", "queue:leave", "resource:leave",
            "lock:answer_request", "lock:takeover_answer");
    /** The REST requests that let go of something, as {@code METHOD path}. */
    private static final Set<String> LETTING_GO_REQUESTS = Set.of("POST /api/locks/release", "DELETE /api/locks/queue/leave",
            "POST /api/locks/answer-request", "POST /api/locks/takeover-answer");
    private static final int MIN_LETTING_GO_RATE = 10;
    private static final int MIN_LETTING_GO_BURST = 50;

    private final RateLimiter ordinary;
    private final RateLimiter lettingGo;

    public RequestBudget(double ratePerSecond, int burst, LongSupplier nanoTime) {
        this.ordinary = new RateLimiter(ratePerSecond, burst, nanoTime);
        this.lettingGo = new RateLimiter(Math.max(2 * ratePerSecond, MIN_LETTING_GO_RATE), Math.max(2 * burst, MIN_LETTING_GO_BURST), nanoTime);
    }

    /** A budget whose buckets refill with {@code clock} (the server's monotonic clock; the tests' manual one). */
    public static RequestBudget on(InstantSource clock, double ratePerSecond, int burst) {
        return new RequestBudget(ratePerSecond, burst, () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        });
    }

    /** Takes one request of {@code kind} from {@code userId}'s budget. */
    public RateLimiter.Verdict charge(String userId, Kind kind) {
        return (kind == Kind.LETTING_GO ? lettingGo : ordinary).tryAcquire("user:" + userId);
    }

    /** Takes one message from a connection that has not authenticated yet. */
    public RateLimiter.Verdict chargeConnection(String connectionId) {
        return ordinary.tryAcquire("connection:" + connectionId);
    }

    /** The budget a WebSocket event draws on. */
    public static Kind ofEvent(String event) {
        return LETTING_GO_EVENTS.contains(event) ? Kind.LETTING_GO : Kind.ORDINARY;
    }

    /** The budget a REST request draws on. */
    public static Kind ofRequest(String method, String path) {
        return LETTING_GO_REQUESTS.contains(method + " " + path) ? Kind.LETTING_GO : Kind.ORDINARY;
    }

    /** Forgets the buckets of users and connections that have been quiet long enough to be full again. */
    public void evictIdle() {
        ordinary.evictIdle();
        lettingGo.evictIdle();
    }
}
