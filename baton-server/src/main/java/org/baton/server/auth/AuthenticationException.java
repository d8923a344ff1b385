package org.baton.server.auth;

/**
 * A token that cannot be honoured. The message is safe to show (it never echoes the token); the reason is stable
 * for logs and tests. The server answers every reason with 401 {@code UNAUTHENTICATED}, except
 * {@link Reason#KEYS_UNAVAILABLE} (the identity provider's keys could not be fetched): 503 {@code KEYS_UNAVAILABLE},
 * which is Baton's trouble, not the token's.
 */
public final class AuthenticationException extends RuntimeException {
    /** Why a token was refused. */
    public enum Reason { MALFORMED, ALGORITHM_NOT_ALLOWED, BAD_SIGNATURE, EXPIRED, MISSING_CLAIM, WRONG_AUDIENCE, WRONG_ISSUER, KEYS_UNAVAILABLE }

    private final Reason reason;

    public AuthenticationException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
