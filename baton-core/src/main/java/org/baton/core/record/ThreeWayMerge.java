package org.baton.core.record;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Field-by-field three-way merge of records (SPEC feature 12): base is the version the editor started from, mine
 * their edit (usually a draft), theirs the current record. A field changed on one side only takes that side's
 * value; a field changed on both sides to the same value takes it; a field changed differently is a conflict.
 * Clinically significant fields are never applied by the merge: any difference between mine and theirs in such a
 * field is a conflict for the user to confirm, even when only one side changed it. Absent and null are the same.
 */
public final class ThreeWayMerge {
    private ThreeWayMerge() {
    }

    public static MergeProposal merge(VersionedRecord base, Map<String, ?> mine, VersionedRecord theirs, Set<String> clinical) {
        return merge(base.version(), base.fields(), mine, theirs.version(), theirs.fields(), clinical);
    }

    public static MergeProposal merge(long baseVersion, Map<String, ?> base, Map<String, ?> mine, long theirsVersion,
                                      Map<String, ?> theirs, Set<String> clinical) {
        Set<String> names = new LinkedHashSet<>(theirs.keySet());
        names.addAll(base.keySet());
        names.addAll(mine.keySet());
        Map<String, Object> merged = new LinkedHashMap<>();
        List<String> applied = new ArrayList<>();
        List<FieldConflict> conflicts = new ArrayList<>();
        for (String name : names) {
            Object b = base.get(name);
            Object m = mine.get(name);
            Object t = theirs.get(name);
            boolean mineChanged = !Objects.equals(m, b);
            boolean theirsChanged = !Objects.equals(t, b);
            boolean isClinical = clinical.contains(name);
            if (Objects.equals(m, t)) {
                merged.put(name, t);
            } else if (isClinical || (mineChanged && theirsChanged)) {
                merged.put(name, t);
                conflicts.add(new FieldConflict(name, b, m, t, isClinical));
            } else if (mineChanged) {
                merged.put(name, m);
                applied.add(name);
            } else {
                merged.put(name, t);
            }
        }
        return new MergeProposal(baseVersion, theirsVersion, merged, applied, conflicts);
    }
}
