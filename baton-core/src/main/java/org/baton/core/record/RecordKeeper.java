package org.baton.core.record;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.baton.core.LockCoordinator;
import org.baton.core.RefusalCode;
import org.baton.core.ResourceId;

/**
 * The guarded save as one flow, the way {@link LockCoordinator} is the lock's: validate the patch against the record
 * type, apply it to the version it was based on, and have the store write the next version only if that version is
 * still current and the caller's lease (checked with the core's rule, {@link LockCoordinator#verifyLease}) is the
 * resource's live one with the fence presented — in one atomic step. Every outcome is a value; adapters map them to
 * their protocol.
 */
public final class RecordKeeper {
    /** What a save did. */
    public sealed interface SaveOutcome {
        /** Written as {@code record.version()} under the caller's fence. */
        record Saved(VersionedRecord record) implements SaveOutcome { }

        /** The patch names unknown fields, a field of another section, bad values, or leaves a required field empty. */
        record Invalid(List<FieldError> errors) implements SaveOutcome { }

        /** No such record. */
        record NotFound() implements SaveOutcome { }

        /** The version the save was based on never existed; the record is at {@code current}. */
        record NoSuchVersion(VersionedRecord current) implements SaveOutcome { }

        /** The caller's lease does not allow the write (none, another's, expired, a stale fence); nothing written. */
        record LeaseRefused(RefusalCode code, ResourceId lockResource) implements SaveOutcome { }

        /** Someone saved after the base version: the current record and the merge the caller would need. */
        record Conflict(VersionedRecord current, MergeProposal merge) implements SaveOutcome { }
    }

    /** One guarded save: a patch (null values clear a field) on {@code expectedVersion}, under the lease of {@code lockResource}. */
    public record SaveCommand(RecordSchema schema, ResourceId lockResource, long expectedVersion, Map<String, Object> patch,
                              String userId, String leaseId, Long fencingToken) {
    }

    private final RecordStore store;
    private final LockCoordinator locks;
    private final InstantSource clock;

    public RecordKeeper(RecordStore store, LockCoordinator locks, InstantSource clock) {
        this.store = store;
        this.locks = locks;
        this.clock = clock;
    }

    /** Saves {@code command}'s patch; {@code audit} gives the written version's audit entry, committed with it. */
    public SaveOutcome save(SaveCommand command, RecordStore.SaveAudit audit) {
        RecordSchema schema = command.schema();
        ResourceId resource = command.lockResource();
        String type = resource.type();
        String id = resource.id();
        RecordSchema.Validated valid = schema.normalise(command.patch(), resource.child());
        if (!valid.errors().isEmpty()) {
            return new SaveOutcome.Invalid(valid.errors());
        }
        VersionedRecord base = store.version(type, id, command.expectedVersion()).orElse(null);
        if (base == null) {
            return store.get(type, id).<SaveOutcome>map(SaveOutcome.NoSuchVersion::new).orElseGet(SaveOutcome.NotFound::new);
        }
        Map<String, Object> next = new LinkedHashMap<>(base.fields());
        valid.values().forEach((name, value) -> {
            if (value == null) {
                next.remove(name);
            } else {
                next.put(name, value);
            }
        });
        List<FieldError> missing = schema.missingRequired(next);
        if (!missing.isEmpty()) {
            return new SaveOutcome.Invalid(missing);
        }
        SaveResult result = store.save(new SaveRequest(type, id, command.expectedVersion(), next, resource, command.userId(), clock.instant()),
                state -> locks.verifyLease(state, command.leaseId(), command.userId(), command.fencingToken()), audit);
        return switch (result) {
            case SaveResult.Saved saved -> new SaveOutcome.Saved(saved.record());
            case SaveResult.Missing missing2 -> new SaveOutcome.NotFound();
            case SaveResult.LeaseRefused refused -> new SaveOutcome.LeaseRefused(refused.code(), resource);
            case SaveResult.VersionConflict conflict ->
                    new SaveOutcome.Conflict(conflict.current(), ThreeWayMerge.merge(base, next, conflict.current(), schema.clinicalFields()));
        };
    }
}
