package org.baton.core.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Examples and properties of the field-level three-way merge, over random records. */
class ThreeWayMergeTest {
    static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "f", "dose", "route");
    static final List<Object> VALUES = java.util.Arrays.asList(null, "x", "y", 1L, 2L, 2.5, true);
    static final int RUNS = 2_000;

    @Test
    void seedOverrideScenario_keepsTheNurseNotes_andAsksAboutTheDose() {
        Map<String, Object> base = Map.of("notes", "stable", "dose", 5.0, "site", "L4-5");
        Map<String, Object> mine = Map.of("notes", "stable, pain 3/10", "dose", 5.0, "site", "L4-5");
        Map<String, Object> theirs = Map.of("notes", "stable", "dose", 7.5, "site", "L4-5");
        MergeProposal p = ThreeWayMerge.merge(1, base, mine, 2, theirs, Set.of("dose", "site"));
        assertThat(p.merged()).containsEntry("notes", "stable, pain 3/10").containsEntry("dose", 7.5);
        assertThat(p.applied()).containsExactly("notes");
        assertThat(p.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.field()).isEqualTo("dose");
            assertThat(c.clinical()).isTrue();
            assertThat(c.mine()).isEqualTo(5.0);
            assertThat(c.theirs()).isEqualTo(7.5);
        });
    }

    @Test
    void aClinicalChangeOnMySideOnly_isNotApplied_butOffered() {
        MergeProposal p = ThreeWayMerge.merge(1, Map.of("rate", 4.0), Map.of("rate", 6.0), 2, Map.of("rate", 4.0), Set.of("rate"));
        assertThat(p.merged()).containsEntry("rate", 4.0);
        assertThat(p.conflicts()).extracting(FieldConflict::field).containsExactly("rate");
    }

    @Test
    void noChangeOnMySide_returnsTheirs_andNoChangeOnTheirs_returnsMine() {
        forRandomRecords((base, other) -> {
            assertThat(strip(ThreeWayMerge.merge(1, base, base, 2, other, Set.of()).merged())).isEqualTo(strip(other));
            MergeProposal p = ThreeWayMerge.merge(1, base, other, 2, base, Set.of());
            assertThat(strip(p.merged())).isEqualTo(strip(other));
            assertThat(p.conflicts()).isEmpty();
        });
    }

    @Test
    void aFieldChangedOnOneSideOnly_isNeverDropped() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < RUNS; i++) {
            Map<String, Object> base = randomRecord(random);
            Map<String, Object> mine = mutate(base, random);
            Map<String, Object> theirs = mutate(base, random);
            MergeProposal p = ThreeWayMerge.merge(1, base, mine, 2, theirs, Set.of());
            for (String name : NAMES) {
                boolean mineChanged = !Objects.equals(mine.get(name), base.get(name));
                boolean theirsChanged = !Objects.equals(theirs.get(name), base.get(name));
                if (mineChanged && !theirsChanged) {
                    assertThat(p.merged().get(name)).as("mine-only change of %s in %s/%s/%s", name, base, mine, theirs).isEqualTo(mine.get(name));
                }
                if (theirsChanged && !mineChanged) {
                    assertThat(p.merged().get(name)).as("theirs-only change of %s", name).isEqualTo(theirs.get(name));
                }
            }
        }
    }

    @Test
    void conflicts_areExactlyTheFieldsChangedDifferentlyOnBothSides_plusClinicalDifferences() {
        SplittableRandom random = new SplittableRandom(11);
        Set<String> clinical = Set.of("dose", "route");
        for (int i = 0; i < RUNS; i++) {
            Map<String, Object> base = randomRecord(random);
            Map<String, Object> mine = mutate(base, random);
            Map<String, Object> theirs = mutate(base, random);
            Set<String> expected = new HashSet<>();
            for (String name : NAMES) {
                Object b = base.get(name);
                Object m = mine.get(name);
                Object t = theirs.get(name);
                boolean differ = !Objects.equals(m, t);
                if (differ && (clinical.contains(name) || (!Objects.equals(m, b) && !Objects.equals(t, b)))) {
                    expected.add(name);
                }
            }
            MergeProposal p = ThreeWayMerge.merge(1, base, mine, 2, theirs, clinical);
            assertThat(p.conflicts()).extracting(FieldConflict::field).containsExactlyInAnyOrderElementsOf(expected);
            for (String name : clinical) {
                assertThat(p.merged().get(name)).as("a clinical field is left as it is now").isEqualTo(theirs.get(name));
            }
        }
    }

    private interface Pair {
        void check(Map<String, Object> base, Map<String, Object> other);
    }

    private static void forRandomRecords(Pair check) {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < RUNS; i++) {
            Map<String, Object> base = randomRecord(random);
            check.check(base, mutate(base, random));
        }
    }

    private static Map<String, Object> randomRecord(SplittableRandom random) {
        Map<String, Object> record = new HashMap<>();
        for (String name : NAMES) {
            if (random.nextInt(4) > 0) {
                record.put(name, VALUES.get(random.nextInt(VALUES.size())));
            }
        }
        return record;
    }

    private static Map<String, Object> mutate(Map<String, Object> base, SplittableRandom random) {
        Map<String, Object> copy = new HashMap<>(base);
        for (String name : NAMES) {
            switch (random.nextInt(6)) {
                case 0 -> copy.put(name, VALUES.get(random.nextInt(VALUES.size())));
                case 1 -> copy.remove(name);
                default -> { }
            }
        }
        return copy;
    }

    private static Map<String, Object> strip(Map<String, ?> record) {
        Map<String, Object> copy = new HashMap<>(record);
        copy.values().removeIf(Objects::isNull);
        return copy;
    }
}
