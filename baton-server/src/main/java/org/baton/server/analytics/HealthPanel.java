package org.baton.server.analytics;

import io.javalin.config.RoutesConfig;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.baton.core.audit.AuditEntry;
import org.baton.core.audit.AuditQuery;
import org.baton.core.audit.AuditTrail;
import org.baton.core.bus.EventBus;
import org.baton.core.cluster.InstanceRegistry;
import org.baton.server.admin.Housekeeping;
import org.baton.server.http.RouteGroup;
import org.baton.server.session.ClientSession;
import org.baton.server.session.SessionRegistry;
import org.baton.store.jdbc.CommitTimes;
import org.baton.store.jdbc.Database;
import org.baton.store.jdbc.bus.PgNotifyBus;

/**
 * {@code GET /api/admin/health}: the dashboard's health panel for IT — how fast the store answers a query now and how
 * long its recent commits took (the fsync), open connections and sessions on this instance, the event bus (connected;
 * scaled out also messages received and the lag of the last one), the live instances, this instance's last housekeeping
 * rounds, and the last audit-chain verification with its result (read from the trail, so any instance's counts).
 */
public final class HealthPanel implements RouteGroup {
    private final Database database;
    private final EventBus bus;
    private final SessionRegistry sessions;
    private final InstanceRegistry instances;
    private final String instanceName;
    private final Housekeeping housekeeping;
    private final AuditTrail trail;
    private final InstantSource clock;

    public HealthPanel(Database database, EventBus bus, SessionRegistry sessions, InstanceRegistry instances, String instanceName,
                       Housekeeping housekeeping, AuditTrail trail, InstantSource clock) {
        this.database = database;
        this.bus = bus;
        this.sessions = sessions;
        this.instances = instances;
        this.instanceName = instanceName;
        this.housekeeping = housekeeping;
        this.trail = trail;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/admin/health", ctx -> ctx.json(snapshot()));
    }

    Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", clock.instant());
        out.put("instance", instanceName);
        Map<String, Object> store = new LinkedHashMap<>();
        long start = System.nanoTime();
        boolean up = database.isReachable();
        store.put("up", up);
        store.put("latencyMillis", millis(Duration.ofNanos(System.nanoTime() - start)));
        CommitTimes.Snapshot commits = database.commitTimes().snapshot();
        store.put("commits", commits.commits());
        store.put("lastCommitMillis", millis(commits.last()));
        store.put("averageCommitMillis", millis(commits.average()));
        store.put("longestCommitMillis", millis(commits.longest()));
        out.put("store", store);
        List<ClientSession> all = sessions.all();
        out.put("connections", all.stream().filter(ClientSession::isConnected).count());
        out.put("sessions", all.size());
        Map<String, Object> busInfo = new LinkedHashMap<>();
        busInfo.put("kind", bus instanceof PgNotifyBus ? "postgres-notify" : "in-process");
        busInfo.put("connected", bus.isConnected());
        if (bus instanceof PgNotifyBus pg) {
            busInfo.put("received", pg.received());
            busInfo.put("lastLagMillis", millis(pg.lastLag()));
        }
        out.put("bus", busInfo);
        out.put("instances", instances.live().stream().map(i -> Map.of("name", i.name(), "startedAt", i.startedAt(),
                "heartbeatAt", i.heartbeatAt())).toList());
        Map<String, Object> rounds = new LinkedHashMap<>();
        rounds.put("lastMinuteRound", housekeeping.lastMinuteRound());
        rounds.put("lastHourRound", housekeeping.lastHourRound());
        out.put("housekeeping", rounds);
        List<AuditEntry> verified = trail.search(new AuditQuery(null, null, "AUDIT_VERIFIED", null, null, 0, 1));
        out.put("lastAuditVerification", verified.isEmpty() ? null : verification(verified.get(0)));
        return out;
    }

    private static Map<String, Object> verification(AuditEntry entry) {
        Map<String, String> d = entry.record().details();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("at", entry.record().at());
        v.put("by", entry.record().actorUserId());
        v.put("intact", d.containsKey("intact") ? Boolean.valueOf(d.get("intact")) : null);
        v.put("entries", d.containsKey("entries") ? Long.valueOf(d.get("entries")) : null);
        v.put("problem", d.get("problem"));
        return v;
    }

    private static Double millis(Duration d) {
        return d == null ? null : d.toNanos() / 10_000 / 100.0;
    }
}
