package org.baton.store.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The prepared statements of one connection, kept across transactions. sqlite-jdbc compiles the SQL again on every
 * {@code prepareStatement} and has no cache of its own, while the single writer runs the same few statements for
 * every decision (a profile showed the compiling among the writer's largest costs). Works get {@link #connection()}:
 * its {@code prepareStatement(sql)} returns the statement prepared the first time, and closing that statement only
 * clears its parameters and batch, so it is ready for the next work. Used by one thread at a time (the writer).
 */
final class StatementCache implements AutoCloseable {
    /** Distinct statements kept at most; past it, all are closed and preparing starts again (SQL built per call would otherwise grow it). */
    private static final int MAX_STATEMENTS = 256;
    private final Connection connection;
    private final Connection view;
    private final Map<String, Kept> statements = new HashMap<>();

    private record Kept(PreparedStatement real, PreparedStatement view) {
    }

    StatementCache(Connection connection) {
        this.connection = connection;
        this.view = (Connection) Proxy.newProxyInstance(StatementCache.class.getClassLoader(), new Class<?>[] {Connection.class}, this::onConnection);
    }

    /** The connection as works see it: cached statements, and {@code close()} left to the owner. */
    Connection connection() {
        return view;
    }

    /** The connection itself, for the owner's transaction control. */
    Connection physical() {
        return connection;
    }

    private Object onConnection(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("prepareStatement") && args != null && args.length == 1 && args[0] instanceof String sql) {
            return prepared(sql);
        }
        if (method.getName().equals("close") && (args == null || args.length == 0)) {
            return null; // the owner closes it
        }
        return invoke(connection, method, args);
    }

    private PreparedStatement prepared(String sql) throws SQLException {
        Kept cached = statements.get(sql);
        if (cached != null) {
            return cached.view();
        }
        if (statements.size() >= MAX_STATEMENTS) {
            closeStatements();
        }
        PreparedStatement real = connection.prepareStatement(sql);
        PreparedStatement kept = (PreparedStatement) Proxy.newProxyInstance(StatementCache.class.getClassLoader(), new Class<?>[] {PreparedStatement.class},
                (p, method, args) -> {
                    if (method.getName().equals("close") && (args == null || args.length == 0)) {
                        real.clearParameters();
                        real.clearBatch();
                        return null;
                    }
                    return invoke(real, method, args);
                });
        statements.put(sql, new Kept(real, kept));
        return kept;
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private void closeStatements() {
        for (Kept statement : statements.values()) {
            try {
                statement.real().close();
            } catch (SQLException e) {
                // closing the connection releases it too
            }
        }
        statements.clear();
    }

    /** Closes the statements and the connection. */
    @Override
    public void close() {
        closeStatements();
        try {
            connection.close();
        } catch (SQLException e) {
            // nothing more to release
        }
    }
}
