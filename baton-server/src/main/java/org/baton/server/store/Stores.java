package org.baton.server.store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.baton.core.bus.EventBus;
import org.baton.core.bus.InProcessEventBus;
import java.nio.file.Path;
import org.baton.server.audit.AuditCheckpoints;
import org.baton.server.audit.AuditKey;
import org.baton.server.config.BatonConfig;
import org.baton.store.jdbc.Announcer;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.EventJournal;
import org.baton.store.jdbc.JdbcDraftStore;
import org.baton.store.jdbc.JdbcLockStore;
import org.baton.store.jdbc.JdbcRecordStore;
import org.baton.store.jdbc.PostgresDatabase;
import org.baton.store.jdbc.PostgresOptions;
import org.baton.store.jdbc.audit.JdbcAuditTrail;
import org.baton.store.jdbc.bus.PgNotifyBus;
import org.baton.store.jdbc.cluster.JdbcInstanceRegistry;
import org.baton.store.jdbc.cluster.JdbcSessionStore;
import org.baton.store.jdbc.cluster.JdbcSharedSecrets;
import org.baton.store.jdbc.notify.JdbcNotificationInbox;

/**
 * The durable stores and the event bus that {@code BATON_STORE} chooses, opened together: the embedded SQLite file
 * with the in-process bus (one instance), or a shared PostgreSQL with the LISTEN/NOTIFY bus (any number of
 * instances). Everything above this class sees only the core's ports.
 */
public final class Stores implements AutoCloseable {
    /** Connections of the heartbeat's own pool (PostgreSQL): one beat at a time, one spare for the reaping look. */
    public static final int HEARTBEAT_POOL_SIZE = 2;
    private final Database database;
    /** Where the instance registry (the heartbeat) runs: its own small pool on PostgreSQL, the one database on SQLite. */
    private final Database heartbeatDatabase;
    private final EventBus bus;
    private final Announcer announcer;
    private final String instanceName;
    public final JdbcAuditTrail audit;
    public final JdbcNotificationInbox inbox;
    public final JdbcRecordStore records;
    public final JdbcDraftStore drafts;
    public final JdbcSessionStore sessions;
    public final JdbcInstanceRegistry instances;
    public final JdbcSharedSecrets secrets;

    public final AuditCheckpoints auditCheckpoints;

    private Stores(Database database, Database heartbeatDatabase, EventBus bus, Announcer announcer, String instanceName, BatonConfig config) {
        this.database = database;
        this.heartbeatDatabase = heartbeatDatabase;
        this.bus = bus;
        this.announcer = announcer;
        this.instanceName = instanceName;
        Path checkpoints = config.store().auditCheckpoints() != null ? config.store().auditCheckpoints()
                : config.dataDir().resolve("audit-checkpoints.log");
        this.auditCheckpoints = new AuditCheckpoints(checkpoints, java.time.InstantSource.system());
        this.audit = new JdbcAuditTrail(database, AuditKey.seal(config.store().auditKeyFile(), config.dataDir()), auditCheckpoints::read);
        this.inbox = new JdbcNotificationInbox(database);
        this.records = new JdbcRecordStore(database, audit);
        this.drafts = new JdbcDraftStore(database);
        this.sessions = new JdbcSessionStore(database, announcer);
        this.instances = new JdbcInstanceRegistry(heartbeatDatabase);
        this.secrets = new JdbcSharedSecrets(database);
    }

    /** Opens the configured database (migrating it) and its bus; fails with {@code StoreUnavailableException}. */
    public static Stores open(BatonConfig config) {
        BatonConfig.Store store = config.store();
        if (!store.postgres()) {
            InProcessEventBus bus = new InProcessEventBus();
            String name = store.instanceName() != null ? store.instanceName() : "embedded";
            Database database = Database.open(config.dataDir());
            try {
                return new Stores(database, database, bus, Announcer.afterCommit(bus), name, config);
            } catch (RuntimeException e) {
                bus.close();
                database.close();
                throw e;
            }
        }
        PostgresOptions options = new PostgresOptions(store.url(), store.user(), store.password(), store.poolSize(), store.timeout());
        PostgresDatabase database = Database.openPostgres(options);
        String name = store.instanceName() != null ? store.instanceName() : generatedName();
        PostgresDatabase heartbeat;
        try {
            // The heartbeat never waits behind the requests for a connection (issue 16): when every pooled connection is
            // held by a decision queued on the audit chain, a late beat would make the instance refuse to act.
            heartbeat = database.companion("baton-heartbeat", HEARTBEAT_POOL_SIZE);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        PgNotifyBus bus = new PgNotifyBus(database, options, name);
        try {
            return new Stores(database, heartbeat, bus, bus, name, config);
        } catch (RuntimeException e) {
            bus.close();
            heartbeat.close();
            database.close();
            throw e;
        }
    }

    /** The lock store, journaling each decision with {@code journal} and announcing it on the bus, in one transaction. */
    public JdbcLockStore lockStore(EventJournal journal) {
        return new JdbcLockStore(database, journal, announcer);
    }

    /** Puts a bus message into the transaction that decided it (see {@link Announcer}). */
    public Announcer announcer() {
        return announcer;
    }

    public EventBus bus() {
        return bus;
    }

    public Database database() {
        return database;
    }

    public boolean scaledOut() {
        return database instanceof PostgresDatabase;
    }

    /** This instance's name: configured, or "embedded" on SQLite, or generated from the host and process. */
    public String instanceName() {
        return instanceName;
    }

    /** The database server's clock, when there is one all instances share. */
    public Optional<Supplier<Instant>> sharedClock() {
        return database instanceof PostgresDatabase pg ? Optional.of(pg::serverTime) : Optional.empty();
    }

    /** Housekeeping of the bus's outbox (PostgreSQL only). */
    public void pruneBus(Duration age) {
        if (bus instanceof PgNotifyBus pg) {
            pg.pruneOutbox(age);
        }
    }

    private static String generatedName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "baton";
        }
        String name = host.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + ProcessHandle.current().pid();
        return name.length() > 64 ? name.substring(name.length() - 64) : name;
    }

    @Override
    public void close() {
        bus.close();
        if (heartbeatDatabase != database) {
            heartbeatDatabase.close();
        }
        database.close();
    }
}
