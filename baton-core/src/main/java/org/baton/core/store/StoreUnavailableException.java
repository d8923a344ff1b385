package org.baton.core.store;

/**
 * A store could not be reached or could not make a write durable (connection lost, disk full, I/O error). Nothing
 * was acknowledged: the caller fails closed (the server answers 503 with {@code Retry-After}) rather than acting
 * on state it could not persist (RELIABILITY.md promises 5 and 7).
 */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
