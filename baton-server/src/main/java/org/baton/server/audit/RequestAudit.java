package org.baton.server.audit;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.baton.core.audit.AuditRecord;
import org.baton.core.audit.AuditTrail;
import org.baton.core.record.VersionedRecord;
import org.baton.server.auth.Identity;
import org.baton.server.session.ClientOrigin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit entries of requests that are not lock decisions (lock decisions are journaled by {@link AuditRecorder}
 * in their own transaction): refused and failed access, admin reads, and record saves, each with the caller's network
 * address and user agent. Written through the {@link AuditTrail} port, except a written record version's entry, which
 * the record store journals in the version's own transaction.
 *
 * <p>One entry each: successful record saves ({@code RECORD_CREATED}, {@code RECORD_SAVED}), refused saves
 * ({@code RECORD_SAVE_REFUSED}, 412/423), refused guard checks ({@code GUARD_REFUSED}) and reads of the audit trail
 * itself ({@code AUDIT_READ}, {@code AUDIT_EXPORTED}, {@code AUDIT_VERIFIED}). Floods are aggregated instead: failed
 * authentications ({@code AUTH_FAILED}) per (source address, reason), refused admin access ({@code ACCESS_DENIED}) and
 * dashboard views ({@code ADMIN_VIEWED}) per (user, path) become one entry per minute with a {@code count} and the
 * first and last time, written by {@link #flush()} (every minute and at shutdown), so a token-guessing flood adds one
 * row a minute, not one per request.
 */
public final class RequestAudit {
    private static final Logger LOG = LoggerFactory.getLogger(RequestAudit.class);
    /** Most distinct aggregates held between flushes; beyond it, new sources share one "many sources" aggregate. */
    static final int MAX_TALLIES = 10_000;

    private record TallyKey(String action, String severity, String userId, String name, String role, String resourceId,
                            String reason, String address) {
    }

    private static final class Tally {
        long count;
        Instant first;
        Instant last;
        String userAgent;
        String lastRequest;
    }

    private final AuditTrail trail;
    private final InstantSource clock;
    private final ConcurrentHashMap<TallyKey, Tally> tallies = new ConcurrentHashMap<>();

    public RequestAudit(AuditTrail trail, InstantSource clock) {
        this.trail = trail;
        this.clock = clock;
    }

    /**
     * A request or connection with a missing, malformed, forged or expired token, aggregated per (address, reason);
     * {@code where} (the request, or "WebSocket") is kept for the last one.
     */
    public void authenticationFailed(ClientOrigin origin, String reason, String where) {
        tally(new TallyKey("AUTH_FAILED", "WARNING", null, null, null, null, reason, origin.address()), origin, where);
    }

    /** A signed-in user without the admin role asked for an admin endpoint (aggregated per user and path). */
    public void accessDenied(Identity who, ClientOrigin origin, String method, String path) {
        tally(new TallyKey("ACCESS_DENIED", "WARNING", who.userId(), who.name(), who.primaryRole(), method + " " + path, "FORBIDDEN_ROLE",
                origin.address()), origin, null);
    }

    /** An admin looked at a dashboard view (locks, alerts, metrics; aggregated per user and path). */
    public void adminViewed(Identity who, ClientOrigin origin, String path) {
        tally(new TallyKey("ADMIN_VIEWED", "INFO", who.userId(), who.name(), who.primaryRole(), path, null, origin.address()), origin, null);
    }

    /** An admin read, exported or verified the audit trail ({@code action}); {@code query} is what they asked for. */
    public void auditRead(Identity who, ClientOrigin origin, String action, String query) {
        Map<String, String> details = new LinkedHashMap<>();
        if (query != null && !query.isBlank()) {
            details.put("query", query.length() > 300 ? query.substring(0, 300) : query);
        }
        append(who, origin, action, null, "INFO", null, details);
    }

    /**
     * An admin verified the audit chain: {@code AUDIT_VERIFIED} with the result ({@code intact}, {@code entries}, and
     * for a broken chain {@code firstBadSeq} and {@code problem}; severity HIGH when broken), which the health panel shows.
     */
    public void auditVerified(Identity who, ClientOrigin origin, org.baton.core.audit.AuditChain.Report report) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("intact", Boolean.toString(report.intact()));
        details.put("entries", Long.toString(report.entries()));
        if (!report.intact()) {
            details.put("firstBadSeq", Long.toString(report.firstBadSeq()));
            details.put("problem", report.problem());
        }
        append(who, origin, "AUDIT_VERIFIED", null, report.intact() ? "INFO" : "HIGH", null, details);
    }

    /**
     * A draft was offered back to its author in the editor, who restored it ({@code DRAFT_RESTORED}) or discarded it
     * ({@code DRAFT_DISCARDED}); {@code source} says where it was kept ({@code device} or {@code server}).
     */
    public void draftRecovery(Identity who, ClientOrigin origin, String resourceId, boolean restored, String source) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("source", source);
        append(who, origin, restored ? "DRAFT_RESTORED" : "DRAFT_DISCARDED", resourceId, "INFO", null, details);
    }

    /**
     * The entry of a record version being written: {@code RECORD_CREATED} for version 1, else {@code RECORD_SAVED}. It
     * is not appended here: the record store journals it in the transaction that writes the version.
     */
    public AuditRecord recordSavedEntry(Identity who, ClientOrigin origin, VersionedRecord saved) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("version", Long.toString(saved.version()));
        if (saved.fencingToken() != null) {
            details.put("fencingToken", Long.toString(saved.fencingToken()));
            details.put("lockResource", saved.lockResource());
        }
        return entry(who, origin, saved.version() == 1 ? "RECORD_CREATED" : "RECORD_SAVED", saved.type() + ":" + saved.id(), "INFO", null, details);
    }

    /** A guarded save was refused (412 version conflict, 423 lease refused). */
    public void recordSaveRefused(Identity who, ClientOrigin origin, String recordId, String code, long expectedVersion, String section) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("code", code);
        details.put("expectedVersion", Long.toString(expectedVersion));
        details.put("section", section == null ? "main" : section);
        append(who, origin, "RECORD_SAVE_REFUSED", recordId, "WARNING", null, details);
    }

    /** An application's guard check said its caller's lease may not write now. */
    public void guardRefused(Identity who, ClientOrigin origin, String resourceId, String code, String forUserId) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("code", code);
        details.put("forUser", forUserId);
        append(who, origin, "GUARD_REFUSED", resourceId, "WARNING", null, details);
    }

    /** Writes one entry per aggregate gathered since the last flush, with its count and first and last time. */
    public void flush() {
        List<AuditRecord> records = new ArrayList<>();
        Instant now = clock.instant();
        for (TallyKey key : List.copyOf(tallies.keySet())) {
            Tally tally = tallies.remove(key);
            if (tally == null) {
                continue;
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put("count", Long.toString(tally.count));
            details.put("firstAt", tally.first.toString());
            details.put("lastAt", tally.last.toString());
            if (tally.lastRequest != null) {
                details.put("lastRequest", tally.lastRequest);
            }
            new ClientOrigin(key.address(), tally.userAgent).addTo(details);
            records.add(new AuditRecord(now, key.userId(), key.name(), key.role(), key.action(), key.resourceId(), key.severity(),
                    key.reason(), details));
        }
        if (!records.isEmpty()) {
            trail.append(records);
        }
    }

    private void tally(TallyKey key, ClientOrigin origin, String request) {
        Instant now = clock.instant();
        TallyKey counted = tallies.size() >= MAX_TALLIES && !tallies.containsKey(key)
                ? new TallyKey(key.action(), key.severity(), null, null, null, null, key.reason(), "(many sources)") : key;
        tallies.compute(counted, (k, tally) -> {
            Tally t = tally == null ? new Tally() : tally;
            if (t.first == null) {
                t.first = now;
            }
            t.last = now;
            t.count++;
            t.userAgent = origin.userAgent();
            if (request != null) {
                t.lastRequest = request;
            }
            return t;
        });
    }

    private AuditRecord entry(Identity who, ClientOrigin origin, String action, String resourceId, String severity, String reason,
                              Map<String, String> details) {
        origin.addTo(details);
        return new AuditRecord(clock.instant(), who.userId(), who.name(), who.primaryRole(), action, resourceId, severity, reason, details);
    }

    private void append(Identity who, ClientOrigin origin, String action, String resourceId, String severity, String reason,
                        Map<String, String> details) {
        AuditRecord record = entry(who, origin, action, resourceId, severity, reason, details);
        try {
            trail.append(List.of(record));
        } catch (RuntimeException e) {
            LOG.error("could not write the audit entry action={} user={} resource={}", action, who.userId(), resourceId, e);
            throw e;
        }
    }
}
