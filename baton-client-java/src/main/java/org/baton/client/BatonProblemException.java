package org.baton.client;

/**
 * Baton refused the request with a problem document. {@link #code()} is the stable reason; the subclasses carry what a
 * caller needs to act on the common ones: {@link LockHeldException}, {@link LeaseRefusedException},
 * {@link VersionConflictException}, {@link RateLimitedException}. Transport failures and server errors (5xx) are
 * {@link java.io.IOException}s instead, so a guarded write fails closed.
 */
public class BatonProblemException extends Exception {
    private final transient Problem problem;

    public BatonProblemException(Problem problem) {
        super(problem.code() + " (" + problem.status() + "): " + problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public String code() {
        return problem.code();
    }

    public int status() {
        return problem.status();
    }
}
