package org.baton.store.jdbc.bus;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.baton.core.bus.BusListener;
import org.baton.core.bus.BusMessage;
import org.baton.core.bus.EventBus;
import org.baton.store.jdbc.Announcer;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.PostgresOptions;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus between instances on PostgreSQL LISTEN/NOTIFY. A decision's message is sent with {@code pg_notify}
 * inside the transaction that stores it ({@link #announce}), so PostgreSQL delivers it only if that transaction
 * commits, and to every listener in commit order. A message larger than a NOTIFY payload (8000 bytes) goes into
 * {@code bus_outbox} in the same transaction and the notification carries its id.
 *
 * <p>Each instance listens on its own dedicated connection. When that connection drops (PostgreSQL restarted, a
 * network cut), the bus reports itself disconnected ({@code /health/ready} goes down), reconnects with backoff, and
 * tells its listeners to resync: notifications sent while nobody listened are gone, so they re-read the state.
 */
public final class PgNotifyBus implements EventBus, Announcer {
    static final String CHANNEL = "baton_bus";
    /** NOTIFY refuses payloads of 8000 bytes or more; keep a margin. */
    private static final int MAX_PAYLOAD_BYTES = 7_900;
    private static final Logger LOG = LoggerFactory.getLogger(PgNotifyBus.class);
    private final Database database;
    private final PostgresOptions options;
    private final String origin;
    private final BusCodec codec = new BusCodec();
    private final List<BusListener> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final AtomicLong received = new AtomicLong();
    private volatile long lastLagMillis;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile Connection listening;

    /** Starts listening at once; {@link #isConnected()} tells when the first LISTEN is in place. */
    public PgNotifyBus(Database database, PostgresOptions options, String origin) {
        this.database = database;
        this.options = options;
        this.origin = origin;
        this.thread = Thread.ofPlatform().name("baton-bus-listener").daemon(true).start(this::listenLoop);
    }

    @Override
    public void subscribe(BusListener listener) {
        listeners.add(listener);
    }

    @Override
    public void announce(Connection connection, BusMessage message) throws SQLException {
        notify(connection, message);
    }

    @Override
    public void publish(BusMessage message) {
        database.inTransaction(c -> {
            notify(c, message);
            return null;
        });
    }

    private void notify(Connection c, BusMessage message) throws SQLException {
        String text = codec.encode(new BusCodec.Envelope(origin, System.currentTimeMillis(), message));
        String payload = text;
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            try (PreparedStatement insert = c.prepareStatement("insert into bus_outbox (payload, created_at) values (?, ?) returning id")) {
                insert.setString(1, text);
                insert.setLong(2, System.currentTimeMillis());
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    payload = "@" + rs.getLong(1);
                }
            }
        }
        try (PreparedStatement send = c.prepareStatement("select pg_notify(?, ?)")) {
            send.setString(1, CHANNEL);
            send.setString(2, payload);
            send.execute();
        }
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    /** Messages received since start, and how late the last one arrived (sender's clock to ours). */
    public long received() {
        return received.get();
    }

    public Duration lastLag() {
        return Duration.ofMillis(Math.max(0, lastLagMillis));
    }

    private void listenLoop() {
        long backoff = 100;
        boolean first = true;
        while (!closed) {
            try (Connection c = open()) {
                listening = c;
                try (Statement s = c.createStatement()) {
                    s.execute("listen " + CHANNEL);
                }
                connected = true;
                backoff = 100;
                if (!first) {
                    LOG.info("event bus reconnected; resyncing listeners");
                    listeners.forEach(BusListener::onResync);
                }
                first = false;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(1_000);
                    if (notifications == null || notifications.length == 0) {
                        try (Statement ping = c.createStatement()) {
                            ping.execute("select 1"); // a dead server or a cut network shows here within the socket timeout
                        }
                        continue;
                    }
                    for (PGNotification n : notifications) {
                        deliver(n.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (connected || first) {
                    LOG.warn("event bus connection lost ({}); reconnecting", e.getMessage());
                }
                connected = false;
                first = false;
                sleep(backoff);
                backoff = Math.min(2_000, backoff * 2);
            } finally {
                listening = null;
            }
        }
    }

    private void deliver(String payload) {
        String text;
        if (payload.startsWith("@")) {
            long id = Long.parseLong(payload.substring(1));
            text = database.read(c -> {
                try (PreparedStatement select = c.prepareStatement("select payload from bus_outbox where id = ?")) {
                    select.setLong(1, id);
                    try (ResultSet rs = select.executeQuery()) {
                        return rs.next() ? rs.getString(1) : null;
                    }
                }
            });
            if (text == null) {
                LOG.warn("bus message {} is gone from the outbox; resyncing", id);
                listeners.forEach(BusListener::onResync);
                return;
            }
        } else {
            text = payload;
        }
        BusCodec.Envelope envelope = codec.decode(text);
        received.incrementAndGet();
        lastLagMillis = System.currentTimeMillis() - envelope.sentAtMillis();
        for (BusListener listener : listeners) {
            try {
                listener.onMessage(envelope.message());
            } catch (RuntimeException e) {
                LOG.error("a bus listener failed; the others go on", e);
            }
        }
    }

    /** Housekeeping: forgets outbox messages older than {@code age} (every listener has long read them). */
    public int pruneOutbox(Duration age) {
        long cutoff = System.currentTimeMillis() - age.toMillis();
        return database.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("delete from bus_outbox where created_at < ?")) {
                delete.setLong(1, cutoff);
                return delete.executeUpdate();
            }
        });
    }

    private Connection open() throws SQLException {
        Properties props = new Properties();
        if (options.user() != null) {
            props.setProperty("user", options.user());
        }
        if (options.password() != null) {
            props.setProperty("password", options.password());
        }
        props.setProperty("socketTimeout", Long.toString(Math.max(3, options.timeout().toSeconds())));
        props.setProperty("connectTimeout", Long.toString(Math.max(1, options.timeout().toSeconds())));
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", "baton-bus");
        return DriverManager.getConnection(options.url(), props);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c = listening;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
