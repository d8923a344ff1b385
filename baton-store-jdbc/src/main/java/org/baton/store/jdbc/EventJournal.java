package org.baton.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.baton.core.LockEvent;

/**
 * Writes a decision's events (the audit trail) on the connection of the transaction that stores the decision, so
 * that both are committed together: no decision without its audit entry, and one fsync instead of two.
 */
@FunctionalInterface
public interface EventJournal {
    /** Journals nothing. */
    EventJournal NONE = (connection, events) -> { };

    void write(Connection connection, List<LockEvent> events) throws SQLException;

    /** This journal, then {@code next}, on the same transaction. */
    default EventJournal andThen(EventJournal next) {
        return (connection, events) -> {
            write(connection, events);
            next.write(connection, events);
        };
    }
}
