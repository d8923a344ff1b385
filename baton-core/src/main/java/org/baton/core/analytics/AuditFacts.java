package org.baton.core.analytics;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.baton.core.audit.AuditEntry;
import org.baton.core.audit.AuditRecord;

/**
 * What the audit trail means for the statistics: the facts one entry contributes (none for most). This is the one
 * place that reads the trail's vocabulary — actions and detail keys as the server's audit recorder writes them:
 *
 * <table>
 * <caption>entries and the facts they yield</caption>
 * <tr><th>entry</th><th>facts</th></tr>
 * <tr><td>{@code LOCK_ACQUIRED} (not {@code via=MOVED})</td><td>EDIT_STARTED (cause: via); with {@code queuedAt}
 *     also QUEUE_WAIT lasting from then</td></tr>
 * <tr><td>{@code LOCK_<cause>} release (not MOVED), with {@code acquiredAt}</td><td>LOCK_HELD of the holder (cause:
 *     the release cause); EXPIRED, IDLE_TIMEOUT, GRACE_PERIOD_EXPIRED also a TIMEOUT; TAKEOVER an OVERRIDE (cause:
 *     {@code takeover} = EMERGENCY, FORCED or APPROVED) and ADMIN_RELEASE an OVERRIDE (ADMIN), both by the actor with
 *     the entry's reason</td></tr>
 * <tr><td>{@code QUEUE_TURN_MISSED}; {@code QUEUE_LEFT} with {@code why=EXPIRED}; {@code ASK_ANSWERED} with
 *     {@code timedOut=true}</td><td>TIMEOUT: CLAIM_MISSED, QUEUE_PLACE_EXPIRED, ASK_UNANSWERED</td></tr>
 * <tr><td>{@code ASK_HOLDER}</td><td>ASK</td></tr>
 * <tr><td>{@code DRAFT_RESTORED}, {@code DRAFT_DISCARDED}</td><td>DRAFT_RECOVERY: RESTORED, DISCARDED</td></tr>
 * </table>
 *
 * <p>An override's holder keeps their own LOCK_HELD fact (user {@code holder}, role {@code holderRole}); the override
 * itself belongs to whoever took the lock.
 */
public final class AuditFacts {
    private AuditFacts() {
    }

    public static List<AuditFact> of(AuditEntry entry) {
        AuditRecord r = entry.record();
        Map<String, String> d = r.details();
        Place place = Place.of(r.resourceId());
        List<AuditFact> facts = new ArrayList<>();
        String action = r.action();
        switch (action) {
            case "LOCK_ACQUIRED" -> {
                String via = d.get("via");
                if (!"MOVED".equals(via)) {
                    facts.add(fact(entry, place, FactKind.EDIT_STARTED, via, r.actorUserId(), r.actorRole(), null, null));
                    Long waited = since(r.at(), d.get("queuedAt"));
                    if (waited != null) {
                        facts.add(fact(entry, place, FactKind.QUEUE_WAIT, via, r.actorUserId(), r.actorRole(), waited, null));
                    }
                }
            }
            case "QUEUE_TURN_MISSED" -> facts.add(fact(entry, place, FactKind.TIMEOUT, "CLAIM_MISSED", r.actorUserId(), r.actorRole(), null, null));
            case "QUEUE_LEFT" -> {
                if ("EXPIRED".equals(d.get("why"))) {
                    facts.add(fact(entry, place, FactKind.TIMEOUT, "QUEUE_PLACE_EXPIRED", r.actorUserId(), r.actorRole(), null, null));
                }
            }
            case "ASK_ANSWERED" -> {
                if ("true".equals(d.get("timedOut"))) {
                    facts.add(fact(entry, place, FactKind.TIMEOUT, "ASK_UNANSWERED", r.actorUserId(), r.actorRole(), null, null));
                }
            }
            case "ASK_HOLDER" -> facts.add(fact(entry, place, FactKind.ASK, null, r.actorUserId(), r.actorRole(), null, null));
            case "DRAFT_RESTORED" -> facts.add(fact(entry, place, FactKind.DRAFT_RECOVERY, "RESTORED", r.actorUserId(), r.actorRole(), null, null));
            case "DRAFT_DISCARDED" -> facts.add(fact(entry, place, FactKind.DRAFT_RECOVERY, "DISCARDED", r.actorUserId(), r.actorRole(), null, null));
            default -> {
                if (action.startsWith("LOCK_") && d.containsKey("acquiredAt")) {
                    release(entry, place, action.substring("LOCK_".length()), facts);
                }
            }
        }
        return facts;
    }

    private static void release(AuditEntry entry, Place place, String cause, List<AuditFact> facts) {
        AuditRecord r = entry.record();
        Map<String, String> d = r.details();
        if (cause.equals("MOVED")) {
            return;
        }
        String holder = d.getOrDefault("holder", r.actorUserId());
        String holderRole = d.getOrDefault("holderRole", holder.equals(r.actorUserId()) ? r.actorRole() : null);
        facts.add(fact(entry, place, FactKind.LOCK_HELD, cause, holder, holderRole, since(r.at(), d.get("acquiredAt")), null));
        switch (cause) {
            case "EXPIRED", "IDLE_TIMEOUT", "GRACE_PERIOD_EXPIRED" -> facts.add(fact(entry, place, FactKind.TIMEOUT, cause, holder, holderRole, null, null));
            case "TAKEOVER" -> facts.add(fact(entry, place, FactKind.OVERRIDE, d.getOrDefault("takeover", "FORCED"), r.actorUserId(), r.actorRole(),
                    null, r.reason()));
            case "ADMIN_RELEASE" -> facts.add(fact(entry, place, FactKind.OVERRIDE, "ADMIN", r.actorUserId(), r.actorRole(), null, r.reason()));
            default -> { }
        }
    }

    private static AuditFact fact(AuditEntry entry, Place place, FactKind kind, String cause, String userId, String role, Long duration,
                                  String reason) {
        return new AuditFact(entry.seq(), entry.record().at(), kind, cause, place.type, place.recordKey, place.section, userId, role, duration,
                reason);
    }

    /** Milliseconds from the ISO instant {@code start} to {@code end}; null when absent, unreadable or after the end. */
    private static Long since(Instant end, String start) {
        if (start == null) {
            return null;
        }
        try {
            long millis = Duration.between(Instant.parse(start), end).toMillis();
            return millis < 0 ? null : millis;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The record and section of a resource id {@code type:id[:section]}. */
    private record Place(String type, String recordKey, String section) {
        static Place of(String resourceId) {
            if (resourceId == null) {
                return new Place(null, null, null);
            }
            String[] parts = resourceId.split(":", 3);
            if (parts.length < 2) {
                return new Place(null, resourceId, null);
            }
            return new Place(parts[0], parts[0] + ":" + parts[1], parts.length == 3 ? parts[2] : "main");
        }
    }
}
