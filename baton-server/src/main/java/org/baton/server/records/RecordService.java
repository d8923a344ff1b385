package org.baton.server.records;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.baton.core.LockCoordinator;
import org.baton.core.RefusalCode;
import org.baton.core.ResourceId;
import org.baton.core.record.FieldError;
import org.baton.core.record.MergeProposal;
import org.baton.core.record.RecordSchema;
import org.baton.core.record.RecordKeeper;
import org.baton.core.record.RecordStore;
import org.baton.core.record.ThreeWayMerge;
import org.baton.core.record.VersionedRecord;
import org.baton.server.auth.Identity;
import org.baton.server.http.ApiException;
import org.baton.server.http.Json;
import org.baton.server.http.Problem;
import org.baton.server.locks.Requests;

/**
 * Records as the API sees them: creation, guarded saves and merge proposals. A save is a patch on the version named
 * by {@code If-Match}; it may touch only the fields of the section whose lease guards it ({@code main} unless a
 * child is named). The save itself is the core's flow ({@link RecordKeeper}); this class maps its outcomes to
 * problems.
 */
public final class RecordService {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };
    private static final char[] ALPHABET = "abcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    private final RecordTypes types;
    private final RecordStore store;
    private final LockCoordinator locks;
    private final RecordKeeper keeper;
    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();

    public RecordService(RecordTypes types, RecordStore store, LockCoordinator locks, InstantSource clock) {
        this.types = types;
        this.store = store;
        this.locks = locks;
        this.keeper = new RecordKeeper(store, locks, clock);
        this.clock = clock;
    }

    public RecordTypes types() {
        return types;
    }

    public RecordStore store() {
        return store;
    }

    public RecordSchema schema(String type) {
        return types.find(type).orElseThrow(() -> ApiException.of(404, "UNKNOWN_RECORD_TYPE",
                "There is no record type '" + abbreviate(type) + "'; the types are " + String.join(", ", types.all().keySet()) + "."));
    }

    public VersionedRecord get(String type, String id) {
        schema(type);
        return store.get(type, id).orElseThrow(() -> notFound(type, id));
    }

    /**
     * Refuses {@code who} reading the record with {@code VIEWER_LIMIT} when its type limits viewers and the record
     * has as many as allowed, unless {@code who} is already on it: the records API is no way round the viewer limit.
     */
    public void requireReadable(Identity who, String type, String id) {
        schema(type);
        if (!ID.matcher(id).matches()) {
            return; // no such record: the read answers 404
        }
        ResourceId resource = ResourceId.of(type, id, null);
        if (locks.policyFor(resource).maxViewers() > 0 && !locks.read(resource).admitsReader(who.userId(), locks.policyFor(resource))) {
            throw ApiException.of(RefusalCode.VIEWER_LIMIT.httpStatus(), RefusalCode.VIEWER_LIMIT.name(), RefusalCode.VIEWER_LIMIT.message());
        }
    }

    /** True when the type limits viewers: its list shows no field values (reading them is viewing the record). */
    public boolean limitsViewers(String type) {
        return locks.policyFor(ResourceId.of(schema(type).type(), "any", null)).maxViewers() > 0; // policies are per type
    }

    public List<VersionedRecord> history(String type, String id) {
        schema(type);
        List<VersionedRecord> versions = store.history(type, id);
        if (versions.isEmpty()) {
            throw notFound(type, id);
        }
        return versions;
    }

    /** Version 1 of a new record, with the caller's id or one allocated here, and its audit entry in the same write. */
    public VersionedRecord create(Identity who, String type, String requestedId, JsonNode fields, RecordStore.SaveAudit audit) {
        RecordSchema schema = schema(type);
        String id = requestedId == null ? newId() : requestedId;
        if (!ID.matcher(id).matches()) {
            throw ApiException.badRequest("INVALID_FIELD", "'id' must be 1 to 128 letters, digits, '_' or '-'.");
        }
        RecordSchema.Validated valid = schema.normalise(fieldsOf(fields), null);
        refuseIfInvalid(type, valid.errors());
        Map<String, Object> values = withoutNulls(valid.values());
        refuseIfInvalid(type, schema.missingRequired(values));
        VersionedRecord first = new VersionedRecord(type, id, 1, values, clock.instant(), who.userId(), null, null);
        if (!store.create(first, audit)) {
            throw ApiException.of(409, "RECORD_EXISTS", "A " + type + " with id '" + id + "' already exists.");
        }
        return first;
    }

    /**
     * A guarded save ({@link RecordKeeper}); its refusals as problems: 400 naming the fields, 404, 412 with the current
     * record (and the merge proposal when the base version existed), 423 when the lease does not allow it. The written
     * version's audit entry ({@code audit}) is committed with it.
     */
    public VersionedRecord save(Identity who, String type, String id, String child, long expectedVersion, JsonNode patch,
                                String leaseId, Long fencingToken, RecordStore.SaveAudit audit) {
        RecordSchema schema = schema(type);
        ResourceId lockResource = Requests.parse(type + ":" + id + ":" + (child == null ? "main" : child));
        var outcome = keeper.save(new RecordKeeper.SaveCommand(schema, lockResource, expectedVersion, fieldsOf(patch), who.userId(),
                leaseId, fencingToken), audit);
        return switch (outcome) {
            case RecordKeeper.SaveOutcome.Saved saved -> saved.record();
            case RecordKeeper.SaveOutcome.Invalid invalid -> throw invalidFields(type, invalid.errors());
            case RecordKeeper.SaveOutcome.NotFound missing -> throw notFound(type, id);
            case RecordKeeper.SaveOutcome.NoSuchVersion none -> throw new ApiException(Problem.of(412, "VERSION_CONFLICT", "Version "
                    + expectedVersion + " of this record never existed; it is at version " + none.current().version() + ".")
                    .with("current", wire(none.current())));
            case RecordKeeper.SaveOutcome.LeaseRefused refused -> throw new ApiException(Problem.of(423, refused.code().name(),
                    leaseMessage(refused.code())).with("resourceId", refused.lockResource().toString()));
            case RecordKeeper.SaveOutcome.Conflict conflict -> throw new ApiException(Problem.of(412, "VERSION_CONFLICT",
                    "Someone saved this record after version " + expectedVersion + "; it is at version " + conflict.current().version()
                            + ". Review the merge and save again.").with("current", wire(conflict.current())).with("merge", conflict.merge()));
        };
    }

    /** What saving {@code mine} (a patch on {@code baseVersion}) over the current record would need. */
    public MergeProposal propose(String type, String id, long baseVersion, JsonNode minePatch) {
        RecordSchema schema = schema(type);
        RecordSchema.Validated valid = schema.normalise(fieldsOf(minePatch), null);
        refuseIfInvalid(type, valid.errors());
        return propose(schema, type, id, baseVersion, valid.values());
    }

    MergeProposal propose(RecordSchema schema, String type, String id, long baseVersion, Map<String, Object> patch) {
        VersionedRecord current = store.get(type, id).orElseThrow(() -> notFound(type, id));
        VersionedRecord base = store.version(type, id, baseVersion).orElseThrow(() -> ApiException.badRequest("INVALID_FIELD",
                "'baseVersion' " + baseVersion + " is not a version of this record (it is at " + current.version() + ")."));
        Map<String, Object> mine = new LinkedHashMap<>(base.fields());
        mine.putAll(patch);
        return ThreeWayMerge.merge(base, mine, current, schema.clinicalFields());
    }

    /** The API's form of a record. */
    public static Map<String, Object> wire(VersionedRecord r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("type", r.type());
        out.put("version", r.version());
        out.put("fields", r.fields());
        out.put("updatedAt", r.updatedAt());
        out.put("updatedBy", r.updatedBy());
        if (r.fencingToken() != null) {
            out.put("fencingToken", r.fencingToken());
            out.put("lockResource", r.lockResource());
        }
        return out;
    }

    static Map<String, Object> fieldsOf(JsonNode fields) {
        if (fields == null || !fields.isObject()) {
            throw ApiException.badRequest("INVALID_FIELD", "'fields' must be a JSON object of field names to values.");
        }
        return Json.mapper().convertValue(fields, MAP);
    }

    private static void refuseIfInvalid(String type, List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw invalidFields(type, errors);
        }
    }

    private static ApiException invalidFields(String type, List<FieldError> errors) {
        List<Map<String, String>> list = errors.stream().map(e -> Map.of("field", e.field(), "problem", e.problem())).toList();
        return new ApiException(Problem.of(400, "INVALID_FIELD", "Field " + errors.get(0) + (errors.size() > 1 ? " (and "
                + (errors.size() - 1) + " more)" : "") + ".").with("errors", list).with("recordType", type));
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> values) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.values().removeIf(java.util.Objects::isNull);
        return copy;
    }

    private static String leaseMessage(org.baton.core.RefusalCode code) {
        return switch (code) {
            case LEASE_EXPIRED -> "Your lock on this record ended before this save; nothing was written. Acquire the lock again and review.";
            case STALE_FENCING_TOKEN -> "Someone else has taken over this record since your lock was granted; nothing was written.";
            default -> "Saving needs your current lock on this record (X-Lease-Id); nothing was written.";
        };
    }

    private static ApiException notFound(String type, String id) {
        return ApiException.of(404, "RECORD_NOT_FOUND", "There is no " + type + " with id '" + abbreviate(id) + "'.");
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }

    private String newId() {
        char[] id = new char[12];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }
}
