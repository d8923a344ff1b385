package org.baton.server.http;

/**
 * A refusal raised by a handler that cannot go on (bad input, missing token, unknown record), carried to the
 * one central mapping in {@link ProblemResponder}.
 *
 * <p>Normal lock outcomes are values returned by the core, not exceptions; this type is for the adapter's own
 * refusals, which end the request.
 */
public final class ApiException extends RuntimeException {
    private final transient Problem problem;
    private final long retryAfterSeconds;

    public ApiException(Problem problem) {
        this(problem, 0);
    }

    public ApiException(Problem problem, long retryAfterSeconds) {
        super(problem.code() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException of(int status, String code, String detail) {
        return new ApiException(Problem.of(status, code, detail));
    }

    public static ApiException badRequest(String code, String detail) {
        return of(400, code, detail);
    }

    public Problem problem() {
        return problem;
    }

    /** Seconds for a {@code Retry-After} header, or 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
