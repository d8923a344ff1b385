package org.baton.server.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.baton.core.ResourceId;
import org.baton.core.record.Draft;
import org.baton.core.record.DraftStore;
import org.baton.core.record.MergeProposal;
import org.baton.core.record.RecordSchema;
import org.baton.core.record.VersionedRecord;
import org.baton.server.auth.Identity;
import org.baton.server.config.BatonConfig;
import org.baton.server.http.ApiException;
import org.baton.server.http.Json;

/**
 * Autosave (SPEC feature 10), shared by {@code POST /api/autosave/save} and the {@code draft:save} event. A draft
 * needs no lease — a holder who was just displaced can still save theirs — and is kept until its owner saves the
 * record, deletes it, or the retention ends. Restoring a draft of a record that moved on returns a merge proposal.
 */
public final class Drafts {
    private final DraftStore store;
    private final BatonConfig.Autosave config;
    private final RecordService records;
    private final InstantSource clock;
    private final BiConsumer<Identity, Draft> onSaved;

    /**
     * {@code onSaved} hears every stored draft (the record's editor is told when someone else's unsaved work arrives).
     * Looking a draft up is not a recovery: the editor reports what the user did with it ({@code AutosaveRoutes}).
     */
    public Drafts(DraftStore store, BatonConfig.Autosave config, RecordService records, InstantSource clock,
                  BiConsumer<Identity, Draft> onSaved) {
        this.store = store;
        this.config = config;
        this.records = records;
        this.clock = clock;
        this.onSaved = onSaved;
    }

    public DraftStore store() {
        return store;
    }

    /** Saves {@code data} as the caller's draft of {@code resource}, based on record version {@code base} (or null). */
    public Draft save(Identity who, String sessionId, ResourceId resource, JsonNode data, Long base) {
        if (!config.enabled()) {
            throw ApiException.of(409, "AUTOSAVE_DISABLED", "Autosave is turned off on this server (AUTOSAVE_ENABLED=false).");
        }
        if (data == null || !data.isObject()) {
            throw ApiException.badRequest("INVALID_FIELD", "'data' must be a JSON object (the form's content).");
        }
        String text = Json.write(data);
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        if (size > config.maxDraftBytes()) {
            throw ApiException.of(413, "PAYLOAD_TOO_LARGE", "This draft is " + size + " bytes; drafts may be at most "
                    + config.maxDraftBytes() + " bytes (BATON_MAX_DRAFT_BYTES).");
        }
        Draft draft = new Draft(who.userId(), resource, text, base, clock.instant(), sessionId);
        store.put(draft);
        onSaved.accept(who, draft);
        return draft;
    }

    /** The caller's draft with, when it belongs to a record that has moved on, the merge it would need. */
    public Map<String, Object> restore(Identity who, ResourceId resource) {
        Draft draft = store.get(who.userId(), resource).filter(d -> !d.savedAt().isBefore(clock.instant().minus(config.retention())))
                .orElseThrow(() -> ApiException.of(404, "DRAFT_NOT_FOUND", "You have no saved draft for " + resource + "."));
        Map<String, Object> out = wire(draft);
        Optional<RecordSchema> schema = records.types().find(resource.type());
        if (schema.isPresent()) {
            Optional<VersionedRecord> current = records.store().get(resource.type(), resource.id());
            current.ifPresent(c -> out.put("currentVersion", c.version()));
            JsonNode fields = Json.readTree(draft.data()).get("fields");
            if (current.isPresent() && draft.baseVersion() != null && draft.baseVersion() != current.get().version()
                    && fields != null && fields.isObject()) {
                RecordSchema.Validated valid = schema.get().normalise(RecordService.fieldsOf(fields), null);
                if (valid.ok() && records.store().version(resource.type(), resource.id(), draft.baseVersion()).isPresent()) {
                    MergeProposal merge = records.propose(schema.get(), resource.type(), resource.id(), draft.baseVersion(), valid.values());
                    out.put("merge", merge);
                }
            }
        }
        return out;
    }

    public boolean delete(Identity who, ResourceId resource) {
        return store.delete(who.userId(), resource);
    }

    public static Map<String, Object> wire(Draft draft) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resourceId", draft.resourceId().toString());
        out.put("data", Json.readTree(draft.data()));
        out.put("savedAt", draft.savedAt());
        out.put("baseVersion", draft.baseVersion());
        return out;
    }
}
