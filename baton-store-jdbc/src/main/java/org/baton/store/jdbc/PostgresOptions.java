package org.baton.store.jdbc;

import java.time.Duration;

/**
 * How to reach a shared PostgreSQL.
 *
 * @param url {@code jdbc:postgresql://host:port/database}
 * @param poolSize connections this instance keeps (writers run concurrently, one per connection)
 * @param timeout how long a statement or a connection attempt may take before the store is reported unavailable
 *                (a request then answers 503 {@code STORE_UNAVAILABLE} instead of hanging)
 */
public record PostgresOptions(String url, String user, String password, int poolSize, Duration timeout) {
    @Override
    public String toString() {
        return "PostgresOptions[url=" + url + ", user=" + user + ", password=" + (password == null ? "unset" : "<hidden>")
                + ", poolSize=" + poolSize + ", timeout=" + timeout + "]";
    }
}
