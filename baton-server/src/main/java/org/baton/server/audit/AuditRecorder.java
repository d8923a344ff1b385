package org.baton.server.audit;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.baton.core.Actor;
import org.baton.core.Lease;
import org.baton.core.LockEvent;
import org.baton.core.audit.AuditRecord;
import org.baton.server.session.ClientOrigin;
import org.baton.store.jdbc.EventJournal;
import org.baton.store.jdbc.audit.JdbcAuditTrail;

/**
 * Writes every lock event worth keeping to the audit trail, in the same transaction as the decision itself: grants and releases
 * (with cause and fence), queue moves, asks, takeovers and admin releases (with their reasons, severity HIGH) and
 * every refused attempt (WARNING). Presence changes and queue moves are not audited: they are not decisions, only their
 * consequences.
 *
 * <p>Each entry carries the network address and user agent of the acting user's session ({@code clientAddress},
 * {@code userAgent} in its details), looked up by the actor's session id. They are kept with the session, not in the
 * lock state, so no address is ever stored beside a lease; an entry about a session this instance does not know has none.
 */
public final class AuditRecorder implements EventJournal {
    private final JdbcAuditTrail trail;
    private final InstantSource clock;
    private final Function<String, ClientOrigin> originOfSession;

    /** @param originOfSession where a session's latest request came from, by session id ({@link ClientOrigin#UNKNOWN} when unknown) */
    public AuditRecorder(JdbcAuditTrail trail, InstantSource clock, Function<String, ClientOrigin> originOfSession) {
        this.trail = trail;
        this.clock = clock;
        this.originOfSession = originOfSession;
    }

    /** Appends the decision's audit records on the lock store's transaction (see {@link EventJournal}). */
    @Override
    public void write(Connection connection, List<LockEvent> events) throws SQLException {
        trail.appendIn(connection, toRecords(events));
    }

    /** The entries of one decision's events, in order (the demo history writes its month through this too). */
    public List<AuditRecord> toRecords(List<LockEvent> events) {
        List<AuditRecord> records = new ArrayList<>();
        Map<String, Boolean> displaced = new java.util.HashMap<>(); // lease id -> emergency, for the takeovers of this decision
        for (LockEvent event : events) {
            if (event instanceof LockEvent.TakenOver t) {
                displaced.put(t.displaced().leaseId(), t.emergency());
            }
        }
        for (LockEvent event : events) {
            AuditRecord record = toRecord(event, displaced);
            if (record != null) {
                records.add(record);
            }
        }
        return records;
    }

    /**
     * One event's entry. Grants carry {@code queuedAt} when the new holder waited in line; ends of leases carry
     * {@code acquiredAt} and {@code holderRole} (how long, and whose role), and a takeover says which kind it was
     * ({@code takeover}: EMERGENCY, FORCED at the request's deadline, or APPROVED by the holder), so the statistics
     * need nothing but the trail. {@code displaced} names the leases taken over in the same decision.
     */
    private AuditRecord toRecord(LockEvent event, Map<String, Boolean> displaced) {
        String rid = event.resourceId().toString();
        Map<String, String> details = new LinkedHashMap<>();
        return switch (event) {
            case LockEvent.Acquired e -> {
                fence(details, e.lease());
                details.put("via", e.via().name());
                if (e.queuedSince() != null) {
                    details.put("queuedAt", e.queuedSince().toString());
                }
                yield record(e.lease().holder(), "LOCK_ACQUIRED", rid, "INFO", null, details);
            }
            case LockEvent.Released e -> {
                fence(details, e.lease());
                details.put("holder", e.lease().holder().userId());
                details.put("holderRole", e.lease().holder().role());
                details.put("acquiredAt", e.lease().acquiredAt().toString());
                if (e.cause() == org.baton.core.ReleaseCause.TAKEOVER) {
                    Boolean emergency = displaced.get(e.lease().leaseId());
                    details.put("takeover", emergency == null ? "APPROVED" : emergency ? "EMERGENCY" : "FORCED");
                }
                if (e.note() != null) {
                    details.put("note", e.note());
                }
                boolean forced = e.by() != null && !e.by().sameUser(e.lease().holder());
                yield record(forced ? e.by() : e.lease().holder(), "LOCK_" + e.cause().name(), rid,
                        forced ? "HIGH" : e.cause().wasInvoluntary() ? "WARNING" : "INFO", e.reason(), details);
            }
            case LockEvent.Queued e -> {
                details.put("position", Integer.toString(e.position()));
                yield record(e.actor(), "QUEUE_JOINED", rid, "INFO", null, details);
            }
            case LockEvent.LeftQueue e -> {
                details.put("why", e.why().name());
                yield record(e.actor(), "QUEUE_LEFT", rid, "INFO", null, details);
            }
            case LockEvent.QueuePositionChanged e -> null;
            case LockEvent.YourTurn e -> record(e.actor(), "QUEUE_YOUR_TURN", rid, "INFO", null, details);
            case LockEvent.TurnPassed e -> record(e.actor(), "QUEUE_TURN_MISSED", rid, "INFO", null, details);
            case LockEvent.Expiring e -> record(e.lease().holder(), "LOCK_EXPIRING", rid, "INFO", null, details);
            case LockEvent.HolderDisconnected e -> record(e.lease().holder(), "HOLDER_DISCONNECTED", rid, "INFO", null, details);
            case LockEvent.HolderResumed e -> record(e.lease().holder(), "HOLDER_RESUMED", rid, "INFO", null, details);
            case LockEvent.AskReceived e -> {
                details.put("requestId", e.ask().requestId());
                details.put("holder", e.holder().userId());
                yield record(e.ask().from(), "ASK_HOLDER", rid, "INFO", e.ask().message(), details);
            }
            case LockEvent.AskAnswered e -> {
                details.put("requestId", e.ask().requestId());
                details.put("approved", Boolean.toString(e.approved()));
                details.put("timedOut", Boolean.toString(e.timedOut()));
                yield record(e.ask().from(), "ASK_ANSWERED", rid, "INFO", null, details);
            }
            case LockEvent.TakeoverRequested e -> {
                details.put("holder", e.holder().userId());
                details.put("autoForceAt", e.autoForceAt().toString());
                yield record(e.from(), "TAKEOVER_REQUESTED", rid, "HIGH", e.reason(), details);
            }
            case LockEvent.TakeoverDenied e -> {
                details.put("holder", e.holder().userId());
                yield record(e.from(), "TAKEOVER_OBJECTED", rid, "WARNING", null, details);
            }
            case LockEvent.TakenOver e -> {
                fence(details, e.displaced());
                details.put("displaced", e.displaced().holder().userId());
                details.put("emergency", Boolean.toString(e.emergency()));
                yield record(e.by(), e.emergency() ? "EMERGENCY_TAKEOVER" : "TAKEOVER_FORCED", rid, "HIGH", e.reason(), details);
            }
            case LockEvent.NoteLeft e -> {
                details.put("holder", e.holder().userId());
                yield record(e.from(), "HANDOVER_NOTE", rid, "INFO", e.note(), details);
            }
            case LockEvent.AdminReleased e -> {
                fence(details, e.released());
                details.put("holder", e.released().holder().userId());
                yield record(e.by(), "ADMIN_FORCE_RELEASE", rid, "HIGH", e.reason(), details);
            }
            case LockEvent.Refused e -> {
                details.put("command", e.command());
                details.put("code", e.code().name());
                yield e.actor() == null ? null : record(e.actor(), "LOCK_DENIED", rid, "WARNING", null, details);
            }
            case LockEvent.PresenceChanged e -> null;
        };
    }

    private AuditRecord record(Actor actor, String action, String resourceId, String severity, String reason, Map<String, String> details) {
        if (actor.sessionId() != null) {
            originOfSession.apply(actor.sessionId()).addTo(details);
        }
        return new AuditRecord(clock.instant(), actor.userId(), actor.name(), actor.role(), action, resourceId, severity, reason, details);
    }

    private static void fence(Map<String, String> details, Lease lease) {
        details.put("fencingToken", Long.toString(lease.fencingToken()));
        details.put("session", lease.holder().sessionId());
    }
}
