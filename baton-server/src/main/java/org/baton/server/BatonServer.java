package org.baton.server;

import com.nimbusds.jose.jwk.JWKSet;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.baton.server.auth.DemoSignIn;
import org.baton.server.auth.TokenVerifier;
import org.baton.server.config.BatonConfig;
import org.baton.server.config.ConfigException;
import org.baton.server.contract.ApiDocsRoutes;
import org.baton.server.contract.ApiDocuments;
import org.baton.server.http.DevSignInRoutes;
import org.baton.server.http.HealthRoutes;
import org.baton.server.http.HttpApp;
import org.baton.server.http.MetricsRoutes;
import org.baton.server.http.RequestAuth;
import org.baton.server.http.RouteGroup;
import org.baton.server.http.StaticPages;
import org.baton.server.session.SessionRegistry;
import org.baton.server.timers.ExecutorTimers;
import org.baton.server.timers.Timers;
import org.baton.server.limits.RequestBudget;
import org.baton.server.limits.ConnectionQuota;
import org.baton.server.audit.AuditRecorder;
import org.baton.server.audit.AuditRoutes;
import org.baton.server.audit.RequestAudit;
import org.baton.server.admin.AdminAccess;
import org.baton.server.analytics.AnalyticsRoutes;
import org.baton.server.analytics.FactsBackfill;
import org.baton.server.analytics.HealthPanel;
import org.baton.store.jdbc.audit.FactsFollower;
import org.baton.store.jdbc.audit.JdbcLockAnalytics;
import org.baton.server.session.ClientOrigin;
import org.baton.server.session.ClientSession;
import org.baton.server.notify.Notifier;
import org.baton.server.admin.AdminFeed;
import org.baton.server.admin.AdminRoutes;
import org.baton.server.admin.AlertWatch;
import org.baton.server.admin.Housekeeping;
import org.baton.server.admin.LockMetrics;
import org.baton.server.http.BodyLimits;
import org.baton.server.http.ClientConfigRoutes;
import org.baton.server.records.AutosaveRoutes;
import org.baton.server.records.DemoRecords;
import org.baton.server.records.DisplacedDrafts;
import org.baton.server.records.DraftMessages;
import org.baton.server.records.Drafts;
import org.baton.server.records.GuardRoutes;
import org.baton.server.records.KeptDrafts;
import org.baton.server.records.LocalDraftKeyRoutes;
import org.baton.server.records.LocalDraftKeys;
import org.baton.server.records.MasterKey;
import org.baton.server.records.RecordRoutes;
import org.baton.server.records.RecordService;
import org.baton.server.notify.NotificationRoutes;
import org.baton.core.LockCoordinator;
import org.baton.server.config.Policies;
import org.baton.server.locks.DeadlineScheduler;
import org.baton.server.locks.EventFanOut;
import org.baton.server.locks.LockGateway;
import org.baton.server.locks.LockMessages;
import org.baton.server.locks.LockRoutes;
import org.baton.server.locks.LocksSwitch;
import org.baton.server.ws.OriginPolicy;
import org.baton.server.ws.WsGateway;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.baton.core.Command;
import org.baton.core.ResourceId;
import org.baton.core.bus.EventBus;
import org.baton.core.store.StoreUnavailableException;
import org.baton.server.cluster.DatabaseClock;
import org.baton.server.cluster.InstanceLiveness;
import org.baton.server.cluster.InstanceWatch;
import org.baton.server.store.Stores;
import org.baton.server.timers.MonotonicClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Baton: the configuration turned into stores, the HTTP and WebSocket routes, and the timers, wired
 * with plain constructors. {@link Main} starts one from the environment; tests start one on port 0 with a temporary
 * data directory and talk to it over real connections.
 */
public final class BatonServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatonServer.class);
    /** How often the audit facts are caught up in the background (each statistics answer catches up first anyway). */
    private static final Duration FACTS_CATCH_UP = Duration.ofSeconds(1);
    private final BatonConfig config;
    private final Stores stores;
    private final ExecutorTimers transportTimers;
    private final HttpApp http;
    private final WsGateway websockets;
    private final DemoSignIn demoSignIn;
    private final InstanceWatch watch;
    private final AutoCloseable clock;
    private final RequestAudit requestAudit;

    private BatonServer(BatonConfig config, Stores stores, ExecutorTimers transportTimers, HttpApp http, WsGateway websockets,
                        DemoSignIn demoSignIn, InstanceWatch watch, AutoCloseable clock, RequestAudit requestAudit) {
        this.requestAudit = requestAudit;
        this.config = config;
        this.stores = stores;
        this.transportTimers = transportTimers;
        this.http = http;
        this.websockets = websockets;
        this.demoSignIn = demoSignIn;
        this.watch = watch;
        this.clock = clock;
    }

    /**
     * Starts Baton as {@code Main} does: on the embedded database with this process's monotonic clock, or, scaled
     * out, with the database server's clock, so every instance agrees on every expiry whatever its own clock says.
     */
    public static BatonServer start(BatonConfig config) {
        Stores stores = Stores.open(config);
        DatabaseClock databaseClock = null;
        try {
            InstantSource clock = MonotonicClock.startingNow();
            if (stores.sharedClock().isPresent()) {
                databaseClock = new DatabaseClock(stores.sharedClock().get(), System::nanoTime, Duration.ofSeconds(10));
                clock = databaseClock;
            }
            return start(config, stores, clock, null, databaseClock);
        } catch (RuntimeException e) {
            if (databaseClock != null) {
                databaseClock.close();
            }
            stores.close();
            throw e;
        }
    }

    /** Opens the stores and starts listening, with lock deadlines on real timers. */
    public static BatonServer start(BatonConfig config, InstantSource clock) {
        return start(config, clock, null);
    }

    /**
     * Opens the stores and starts listening; lock deadlines, sweeps and housekeeping run on {@code lockTimers} (tests
     * pass {@link org.baton.server.timers.ManualTimers}), or on real timers when null. On any failure, releases what
     * it opened and rethrows.
     */
    public static BatonServer start(BatonConfig config, InstantSource clock, Timers lockTimers) {
        Stores stores = Stores.open(config);
        try {
            return start(config, stores, clock, lockTimers, null);
        } catch (RuntimeException e) {
            stores.close();
            throw e;
        }
    }

    private static BatonServer start(BatonConfig config, Stores stores, InstantSource clock, Timers lockTimers, AutoCloseable ownClock) {
        ExecutorTimers timers = new ExecutorTimers(clock);
        try {
            Duration instanceTimeout = config.store().instanceTimeout();
            InstanceLiveness liveness = stores.scaledOut()
                    ? InstanceLiveness.heartbeatBound(instanceTimeout.dividedBy(2), System::nanoTime) : InstanceLiveness.always();
            var watch = new InstanceWatch(stores.instances, stores.sessions, clock, stores.instanceName(), instanceTimeout, liveness);
            DemoSignIn demo = config.jwt().demoMode() ? new DemoSignIn(stores.secrets, clock, config.jwt().audience(), config.jwt().issuer()) : null;
            TokenVerifier verifier = demo != null ? demo.verifier(config.jwt().clockSkew()) : verifierFor(config.jwt(), clock);
            EventBus bus = stores.bus();
            var sessions = new SessionRegistry(clock, stores.sessions, watch::instanceId);
            var keptDrafts = new KeptDrafts(stores.drafts, config.autosave().retention(), clock);
            var notifier = new Notifier(stores.inbox, stores.announcer(), clock, config.locks().queueNotifications(), keptDrafts);
            // Notices first: the audit append takes the trail's head, which PostgreSQL locks until the commit, last.
            var lockStore = stores.lockStore(notifier
                    .andThen(new AuditRecorder(stores.audit, clock,
                            sessionId -> sessions.find(sessionId).map(ClientSession::origin).orElse(ClientOrigin.UNKNOWN))));
            var coordinator = new LockCoordinator(lockStore, Policies.from(config), clock, LockCoordinator.randomIds());
            var requestAudit = new RequestAudit(stores.audit, clock);
            Timers deadlines = lockTimers != null ? lockTimers : timers; // lock deadlines, sweeps and housekeeping; tests drive them by hand
            var gateway = new LockGateway(coordinator, new DeadlineScheduler(deadlines), liveness);
            var fanOut = new EventFanOut(sessions, gateway::tick, keptDrafts);
            bus.subscribe(fanOut);
            gateway.addDecisionListener(notifier); // the followers' news, after the commit
            var alerts = new AlertWatch(sessions, clock, config.alerts(), coordinator::active);
            fanOut.addListener(alerts);
            fanOut.addListener(new AdminFeed(sessions));
            var budget = RequestBudget.on(clock, config.http().rateLimitPerSecond(), config.http().rateBurst());
            var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            var metrics = new LockMetrics(registry, clock, coordinator::active);
            gateway.addDecisionListener(metrics);
            var records = new RecordService(config.recordTypes(), stores.records, coordinator, clock);
            var displacedDrafts = new DisplacedDrafts(sessions, keptDrafts, coordinator::read);
            fanOut.addListener(displacedDrafts);
            var drafts = new Drafts(stores.drafts, config.autosave(), records, clock, displacedDrafts::draftSaved);
            if (demo != null) {
                DemoRecords.seedIfEmpty(records.store(), clock);
            }
            var housekeeping = new Housekeeping(sessions, stores.inbox, clock, config.locks().disconnectGrace(), Duration.ofDays(30));
            housekeeping
                    .alsoEveryMinute(alerts::scan).alsoEveryMinute(budget::evictIdle).alsoEveryMinute(requestAudit::flush)
                    .alsoEveryMinute(() -> stores.auditCheckpoints.record(stores.audit))
                    .alsoEveryHour(() -> drafts.store().deleteOlderThan(clock.instant().minus(config.autosave().retention())))
                    .alsoEveryHour(() -> stores.sessions.forgetDisconnectedBefore(clock.instant().minus(SESSION_MEMORY)))
                    .alsoEveryHour(() -> stores.instances.forgetDeadBefore(clock.instant().minus(SESSION_MEMORY)))
                    .alsoEveryHour(() -> stores.pruneBus(Duration.ofHours(1)))
                    .alsoEveryHour(() -> lockStore.forgetIdleBefore(clock.instant().minus(IDLE_LOCK_MEMORY)))
                    .start(deadlines);
            deadlines.poll(SWEEP_PERIOD, gateway::sweepDue);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);

            List<RouteGroup> routes = new ArrayList<>();
            routes.add(new BodyLimits(config.http().maxBodyBytes()));
            Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
            checks.put("database", stores.database()::isReachable);
            checks.put("bus", bus::isConnected);
            checks.put("heartbeat", liveness::isAlive);
            routes.add(new HealthRoutes(checks, Map.of("store", stores.scaledOut() ? "postgres" : "sqlite", "instance", watch.name())));
            routes.add(new MetricsRoutes(registry));
            Set<String> openPaths = new LinkedHashSet<>(ApiDocsRoutes.OPEN_PATHS);
            if (demo != null) {
                openPaths.add(DevSignInRoutes.PREFIX);
            }
            routes.add(new RequestAuth(verifier, sessions, budget, openPaths, requestAudit));
            routes.add(new AdminAccess(requestAudit));
            if (demo != null) {
                routes.add(new DevSignInRoutes(demo));
            }
            var locksSwitch = new LocksSwitch(config.locks().enabled());
            routes.add(locksSwitch);
            routes.add(new LockRoutes(gateway));
            routes.add(new AuditRoutes(stores.audit, requestAudit));
            routes.add(new NotificationRoutes(stores.inbox, clock));
            routes.add(new RecordRoutes(records, requestAudit));
            routes.add(new AutosaveRoutes(drafts, requestAudit, metrics::draftRecovered));
            routes.add(new LocalDraftKeyRoutes(new LocalDraftKeys(MasterKey.shared(stores.secrets))));
            routes.add(new GuardRoutes(coordinator, requestAudit));
            routes.add(new AdminRoutes(alerts, metrics));
            // Analytics (issue 15): statistics of the audit trail and the health panel.
            routes.add(new AnalyticsRoutes(new JdbcLockAnalytics(stores.database()), clock));
            routes.add(new HealthPanel(stores.database(), bus, sessions, stores.instances, watch.name(), housekeeping, stores.audit, clock));
            FactsBackfill.start(stores.audit);
            // The facts of new audit entries are added after them, off the lock decisions' commits; the statistics
            // catch up before each answer, and this keeps the catching up short. On the real timers: it is not a lock rule.
            var facts = new FactsFollower(stores.database());
            timers.poll(FACTS_CATCH_UP, () -> {
                try {
                    facts.catchUp();
                } catch (StoreUnavailableException e) {
                    // The database is away or closing: the mark did not move, and the next turn (or start) catches up.
                    LOG.debug("statistics: the facts were not caught up this turn: {}", e.getMessage());
                }
            });
            routes.add(new ClientConfigRoutes(config));
            routes.add(new ApiDocsRoutes(ApiDocuments::load));
            var origins = new OriginPolicy.Deferred();
            long transportLimit = BodyLimits.transportLimit(config.http().maxBodyBytes(), config.autosave().maxDraftBytes());
            var websockets = new WsGateway(verifier, origins, sessions, new DraftMessages(drafts, new LockMessages(gateway, sessions, locksSwitch)),
                    new WsGateway.Limits(config.http().maxBodyBytes(), (int) transportLimit, 1_000, Duration.ofSeconds(5)), budget,
                    new ConnectionQuota(config.http().maxConnectionsPerUser()), requestAudit, clock, timers.scheduler());
            routes.add(websockets);
            routes.add(new StaticPages());
            // Join the deployment before serving: sessions attach to a registered instance. What a predecessor of the same
            // name left behind enters its grace only once we serve, so the grace counts from when its clients can come back.
            watch.start(timers, sessions, orphan -> sessions.releaseOrphan(orphan, resource ->
                    gateway.run(ResourceId.parse(resource), new Command.Disconnect(orphan.sessionId()), null)));
            HttpApp http = new HttpApp(new HttpApp.Options(config.http().bind(), config.http().port(), transportLimit), routes);
            http.start();
            watch.releasePredecessor(timers);
            if (config.http().sendBufferBytes() != null) {
                http.sendBufferBytes(config.http().sendBufferBytes());
            }
            origins.resolve(allowedOrigins(config, http.port()));
            return new BatonServer(config, stores, timers, http, websockets, demo, watch, ownClock, requestAudit);
        } catch (RuntimeException e) {
            timers.close();
            throw e;
        }
    }

    /** How long the store remembers a disconnected session (to resume its joined resources) and a dead instance. */
    private static final Duration SESSION_MEMORY = Duration.ofDays(1);
    /** How long an idle lock's row (its last holder's note, its recent lease ids) is kept before it is compacted. */
    private static final Duration IDLE_LOCK_MEMORY = Duration.ofDays(1);
    /** How often each instance looks for due deadlines; the lateness bound of a deadline whose instance died. */
    private static final Duration SWEEP_PERIOD = Duration.ofSeconds(1);

    static TokenVerifier verifierFor(BatonConfig.Jwt jwt, InstantSource clock) {
        return keyedVerifier(jwt, clock).rolesFrom(jwt.rolesClaim());
    }

    private static TokenVerifier keyedVerifier(BatonConfig.Jwt jwt, InstantSource clock) {
        if (jwt.secret() != null) {
            return TokenVerifier.hs256(jwt.secret().getBytes(StandardCharsets.UTF_8), jwt.audience(), jwt.issuer(), jwt.clockSkew(), clock);
        }
        if (jwt.jwksUrl() != null) {
            try {
                return TokenVerifier.rs256(TokenVerifier.jwksFrom(jwt.jwksUrl().toURL()), jwt.audience(), jwt.issuer(), jwt.clockSkew(), clock);
            } catch (java.net.MalformedURLException e) {
                throw new ConfigException("BATON_JWT_JWKS_URL='" + jwt.jwksUrl() + "': expected an https URL");
            }
        }
        Path file = jwt.publicKeyFile() != null ? jwt.publicKeyFile() : jwt.jwksFile();
        String key = jwt.publicKeyFile() != null ? "BATON_JWT_PUBLIC_KEY" : "BATON_JWT_JWKS";
        try {
            String text = Files.readString(file);
            JWKSet keys = jwt.publicKeyFile() != null ? TokenVerifier.parsePem(text) : JWKSet.parse(text);
            if (keys.getKeys().isEmpty()) {
                throw new ConfigException(key + "='" + file + "': expected at least one RSA public key");
            }
            return TokenVerifier.rs256(keys, jwt.audience(), jwt.issuer(), jwt.clockSkew(), clock);
        } catch (IOException | ParseException | IllegalArgumentException e) {
            throw new ConfigException(key + "='" + file + "': expected " + (jwt.publicKeyFile() != null
                    ? "a PEM-encoded RSA public key" : "a JWKS document with RSA keys") + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Origins allowed to open WebSockets: the server's own local URLs plus the configured ones. */
    static Set<String> allowedOrigins(BatonConfig config, int port) {
        Set<String> origins = new LinkedHashSet<>(config.http().extraAllowedOrigins());
        origins.add("http://localhost:" + port);
        origins.add("http://127.0.0.1:" + port);
        return origins;
    }

    public int port() {
        return http.port();
    }

    /** Every HTTP route as "METHOD /path" (the contract test compares them with the OpenAPI document). */
    public List<String> endpoints() {
        return http.endpoints();
    }

    public BatonConfig config() {
        return config;
    }

    /** The development sign-in, present in demo mode only. */
    public Optional<DemoSignIn> demoSignIn() {
        return Optional.ofNullable(demoSignIn);
    }

    /** True when every readiness check passes (the same as {@code /health/ready}). */
    public boolean isReady() {
        return stores.database().isReachable() && stores.bus().isConnected() && watch.liveness().isAlive();
    }

    /** This instance's current incarnation id in the instance registry. */
    public String instanceId() {
        return watch.instanceId();
    }

    /**
     * The first step of {@link #close()}, on its own: every open WebSocket is closed with 1001 (going away), so its
     * client reconnects, to another instance if there is one, while this one still answers HTTP; a new upgrade is
     * refused with 503 {@code STOPPING} and {@code Retry-After}. There is no way back: what follows is {@link #close()}.
     */
    public void goAway() {
        websockets.goAway();
    }

    /**
     * Stops serving: connections close (their sessions enter the disconnect grace, to be resumed on another instance
     * or after a restart), this instance leaves the registry, then the bus and the database close.
     */
    @Override
    public void close() {
        goAway();
        http.stop();
        if (!websockets.awaitClosed(Duration.ofSeconds(15))) {
            LOG.warn("some websocket connections were still closing at shutdown");
        }
        try {
            requestAudit.flush();
        } catch (RuntimeException e) {
            LOG.error("could not write the last aggregated audit entries", e);
        }
        try {
            watch.stop();
        } catch (RuntimeException e) {
            LOG.warn("could not leave the instance registry cleanly: {}", e.getMessage());
        }
        transportTimers.close();
        stores.close();
        if (clock != null) {
            try {
                clock.close();
            } catch (Exception e) {
                LOG.warn("could not stop the database clock: {}", e.getMessage());
            }
        }
    }
}
