package org.baton.core.record;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a three-way merge: {@code merged} holds every field as it would be saved, with each conflicting
 * field left at the current record's value until the user chooses; {@code conflicts} lists those choices.
 * The client saves the result as a normal guarded save with {@code If-Match: theirsVersion}.
 *
 * @param applied the fields whose change from the user's side was applied automatically
 */
public record MergeProposal(long baseVersion, long theirsVersion, Map<String, Object> merged, List<String> applied,
                            List<FieldConflict> conflicts) {
    public MergeProposal {
        merged = Collections.unmodifiableMap(new LinkedHashMap<>(merged));
        applied = List.copyOf(applied);
        conflicts = List.copyOf(conflicts);
    }

    public boolean clean() {
        return conflicts.isEmpty();
    }
}
