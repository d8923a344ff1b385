package org.baton.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.baton.core.bus.BusMessage;

/**
 * Puts a bus message into the transaction that decided it, so that it is delivered only if, and once, that
 * transaction commits, and in commit order: PostgreSQL's NOTIFY on the same connection ({@link PgNotifyBus}), or an
 * after-commit hand-off to the in-process bus on the single-node store.
 */
@FunctionalInterface
public interface Announcer {
    /** Announces nothing (stores tested on their own). */
    Announcer NONE = (connection, message) -> { };

    void announce(Connection connection, BusMessage message) throws SQLException;

    /**
     * Hands messages to {@code bus} after the commit, on the committing thread, in commit order, once the deciding
     * callers have their answers ({@link Database#afterAnswer}): the direct answer never waits for the fan-out.
     */
    static Announcer afterCommit(org.baton.core.bus.EventBus bus) {
        return (connection, message) -> Database.afterAnswer(() -> bus.publish(message));
    }
}
