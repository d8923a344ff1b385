package org.baton.core.store;

/**
 * The store refused a write because its disk is full (SQLite's {@code SQLITE_FULL}, PostgreSQL's {@code 53100
 * disk_full}). Like any {@link StoreUnavailableException}, nothing was acknowledged: the write was rolled back whole.
 * It has its own type so that clients are told the cause ({@code STORAGE_FULL}) and operators can act on it; reads
 * still work, and writes succeed again by themselves once space is freed.
 */
public final class StorageFullException extends StoreUnavailableException {
    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
