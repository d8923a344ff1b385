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
import org.baton.server.http.DevSignInRoutes;
import org.baton.server.http.HealthRoutes;
import org.baton.server.http.HttpApp;
import org.baton.server.http.MetricsRoutes;
import org.baton.server.http.RequestAuth;
import org.baton.server.http.RouteGroup;
import org.baton.server.http.StaticPages;
import org.baton.server.limits.RateLimiter;
import org.baton.server.session.SessionRegistry;
import org.baton.server.timers.ExecutorTimers;
import org.baton.server.timers.Timers;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.JdbcLockStore;
import org.baton.store.jdbc.audit.JdbcAuditTrail;
import org.baton.server.audit.AuditRecorder;
import org.baton.server.audit.AuditRoutes;
import org.baton.store.jdbc.notify.JdbcNotificationInbox;
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
import org.baton.store.jdbc.JdbcDraftStore;
import org.baton.store.jdbc.JdbcRecordStore;
import org.baton.server.notify.NotificationRoutes;
import org.baton.core.LockCoordinator;
import org.baton.server.config.Policies;
import org.baton.server.locks.DeadlineScheduler;
import org.baton.server.locks.EventFanOut;
import org.baton.server.locks.LockGateway;
import org.baton.server.locks.LockMessages;
import org.baton.server.locks.LockRoutes;
import org.baton.server.ws.OriginPolicy;
import org.baton.server.ws.WsGateway;
import java.time.Duration;

/**
 * One running Baton: the configuration turned into stores, the HTTP and WebSocket routes, and the timers, wired
 * with plain constructors. {@link Main} starts one from the environment; tests start one on port 0 with a temporary
 * data directory and talk to it over real connections.
 */
public final class BatonServer implements AutoCloseable {
    private final BatonConfig config;
    private final Database database;
    private final ExecutorTimers transportTimers;
    private final HttpApp http;
    private final DemoSignIn demoSignIn;
    private final WsGateway webSockets;

    private BatonServer(BatonConfig config, Database database, ExecutorTimers transportTimers, HttpApp http, DemoSignIn demoSignIn,
                        WsGateway webSockets) {
        this.config = config;
        this.database = database;
        this.transportTimers = transportTimers;
        this.http = http;
        this.demoSignIn = demoSignIn;
        this.webSockets = webSockets;
    }

    /** Opens the stores and starts listening, with lock deadlines on real timers. */
    public static BatonServer start(BatonConfig config, InstantSource clock) {
        return start(config, clock, null);
    }

    /**
     * Opens the stores and starts listening; lock deadlines run on {@code lockTimers} (tests pass
     * {@link org.baton.server.timers.ManualTimers}), or on real timers when null. On any failure, releases what it
     * opened and rethrows.
     */
    public static BatonServer start(BatonConfig config, InstantSource clock, Timers lockTimers) {
        Database database = Database.open(config.dataDir());
        ExecutorTimers timers = new ExecutorTimers(clock);
        try {
            DemoSignIn demo = config.jwt().demoMode() ? new DemoSignIn(clock, config.jwt().audience(), config.jwt().issuer()) : null;
            TokenVerifier verifier = demo != null ? demo.verifier(config.jwt().clockSkew()) : verifierFor(config.jwt(), clock);
            var sessions = new SessionRegistry(clock);
            var auditTrail = new JdbcAuditTrail(database);
            var coordinator = new LockCoordinator(new JdbcLockStore(database, new AuditRecorder(auditTrail, clock)), Policies.from(config), clock,
                    LockCoordinator.randomIds());
            var draftStore = new JdbcDraftStore(database);
            var keptDrafts = new KeptDrafts(draftStore, config.autosave().retention(), clock);
            var fanOut = new EventFanOut(sessions, keptDrafts);
            var inbox = new JdbcNotificationInbox(database);
            fanOut.addListener(new Notifier(inbox, sessions, clock, config.locks().queueNotifications(), keptDrafts));
            var alerts = new AlertWatch(sessions, clock, AlertWatch.Thresholds.defaults(), coordinator::active);
            fanOut.addListener(alerts);
            Timers deadlines = lockTimers != null ? lockTimers : timers; // lock deadlines and housekeeping; tests drive them by hand
            var restLimiter = RateLimiter.perSecond(config.http().rateLimitPerSecond(), config.http().rateBurst());
            var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            var metrics = new LockMetrics(registry, clock, coordinator::active);
            var records = new RecordService(config.recordTypes(), new JdbcRecordStore(database), coordinator, clock);
            var displacedDrafts = new DisplacedDrafts(sessions, keptDrafts, coordinator::read);
            fanOut.addListener(displacedDrafts);
            var drafts = new Drafts(draftStore, config.autosave(), records, clock, metrics::draftRecovered, displacedDrafts::draftSaved);
            if (demo != null) {
                DemoRecords.seedIfEmpty(records.store(), clock);
            }
            new Housekeeping(sessions, inbox, clock, config.locks().disconnectGrace(), Duration.ofDays(30))
                    .alsoEveryMinute(alerts::scan).alsoEveryMinute(restLimiter::evictIdle)
                    .alsoEveryHour(() -> drafts.store().deleteOlderThan(clock.instant().minus(config.autosave().retention())))
                    .start(deadlines);
            var gateway = new LockGateway(coordinator, fanOut, new DeadlineScheduler(deadlines));
            fanOut.addListener(metrics);
            fanOut.addListener(new AdminFeed(sessions));
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);

            List<RouteGroup> routes = new ArrayList<>();
            routes.add(new BodyLimits(config.http().maxBodyBytes()));
            routes.add(new HealthRoutes(database::isReachable));
            routes.add(new MetricsRoutes(registry));
            routes.add(new RequestAuth(verifier, sessions, restLimiter,
                    demo != null ? Set.of(DevSignInRoutes.PREFIX) : Set.of()));
            if (demo != null) {
                routes.add(new DevSignInRoutes(demo));
            }
            routes.add(new LockRoutes(gateway));
            routes.add(new AuditRoutes(auditTrail));
            routes.add(new NotificationRoutes(inbox, clock));
            routes.add(new RecordRoutes(records));
            routes.add(new AutosaveRoutes(drafts));
            routes.add(new LocalDraftKeyRoutes(new LocalDraftKeys(MasterKey.inDataDirectory(config.dataDir()))));
            routes.add(new GuardRoutes(coordinator));
            routes.add(new AdminRoutes(alerts, metrics));
            routes.add(new ClientConfigRoutes(config));
            var origins = new OriginPolicy.Deferred();
            long transportLimit = BodyLimits.transportLimit(config.http().maxBodyBytes(), config.autosave().maxDraftBytes());
            var webSockets = new WsGateway(verifier, origins, sessions, new DraftMessages(drafts, new LockMessages(gateway, sessions)),
                    new WsGateway.Limits((int) transportLimit, 1_000, Duration.ofSeconds(5), config.http().rateLimitPerSecond(),
                            config.http().rateBurst()), clock, timers.scheduler());
            routes.add(webSockets);
            routes.add(new StaticPages());
            HttpApp http = new HttpApp(new HttpApp.Options(config.http().bind(), config.http().port(), transportLimit), routes);
            http.start();
            origins.resolve(allowedOrigins(config, http.port()));
            gateway.resumeAll();
            return new BatonServer(config, database, timers, http, demo, webSockets);
        } catch (RuntimeException e) {
            timers.close();
            database.close();
            throw e;
        }
    }

    static TokenVerifier verifierFor(BatonConfig.Jwt jwt, InstantSource clock) {
        if (jwt.secret() != null) {
            return TokenVerifier.hs256(jwt.secret().getBytes(StandardCharsets.UTF_8), jwt.audience(), jwt.issuer(), jwt.clockSkew(), clock);
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

    public BatonConfig config() {
        return config;
    }

    /** The development sign-in, present in demo mode only. */
    public Optional<DemoSignIn> demoSignIn() {
        return Optional.ofNullable(demoSignIn);
    }

    @Override
    public void close() {
        http.stop();
        webSockets.awaitClosed(Duration.ofSeconds(5));
        transportTimers.close();
        database.close();
    }
}
