package org.baton.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 14: latest-wins merging of presence messages waiting for one session keeps what the session would have known. */
@SuppressWarnings("unchecked")
class PresenceNewsTest {
    private static Map<String, Object> user(String key, String mode) {
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("userId", "u-" + key);
        u.put("key", key);
        u.put("mode", mode);
        return u;
    }

    private static Outbound delta(long base, long version, List<?> added, List<String> removed, List<?> changed) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("resourceId", "patient:1:main");
        d.put("version", version);
        d.put("baseVersion", base);
        d.put("added", added);
        d.put("removed", removed);
        d.put("changed", changed);
        return Outbound.event("presence:delta", d);
    }

    private static Outbound full(long version, List<?> users) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("resourceId", "patient:1:main");
        d.put("version", version);
        d.put("users", users);
        return Outbound.event("presence:update", d);
    }

    @Test
    void twoDeltas_foldIntoOne_withTheNetEffectPerPerson() {
        Outbound first = delta(4, 5, List.of(user("a", "viewer"), user("b", "viewer")), List.of("x"), List.of(user("c", "queued")));
        Outbound second = delta(5, 7, List.of(user("x", "viewer")), List.of("a", "c"), List.of(user("b", "editor")));
        Map<?, ?> merged = (Map<?, ?>) PresenceNews.merge(first, second).data();
        assertThat(merged.get("baseVersion")).isEqualTo(4L);
        assertThat(merged.get("version")).isEqualTo(7L);
        assertThat((List<Object>) (List<?>) merged.get("added")).containsExactly(user("b", "editor"));
        assertThat((List<Object>) (List<?>) merged.get("removed")).containsExactlyInAnyOrder("c");
        assertThat((List<Object>) (List<?>) merged.get("changed")).containsExactly(user("x", "viewer"));
    }

    @Test
    void aDeltaAfterAWaitingFullList_becomesTheNewFullList() {
        Outbound merged = PresenceNews.merge(full(5, List.of(user("a", "viewer"), user("b", "viewer"))),
                delta(5, 6, List.of(user("c", "viewer")), List.of("a"), List.of(user("b", "editor"))));
        assertThat(merged.event()).isEqualTo("presence:update");
        assertThat(((Map<?, ?>) merged.data()).get("version")).isEqualTo(6L);
        assertThat((List<Object>) (List<?>) ((Map<?, ?>) merged.data()).get("users")).containsExactly(user("b", "editor"), user("c", "viewer"));
    }

    @Test
    void aFullList_supersedesAWaitingDelta_butADeltaAfterAGap_doesNotMerge() {
        Outbound later = full(9, List.of(user("a", "viewer")));
        assertThat(PresenceNews.merge(delta(4, 5, List.of(), List.of("a"), List.of()), later)).isSameAs(later);
        assertThat(PresenceNews.merge(delta(4, 5, List.of(), List.of("a"), List.of()), delta(6, 7, List.of(), List.of("b"), List.of()))).isNull();
    }

    @Test
    void answersToARequest_areNeverReplaced() {
        assertThat(PresenceNews.resourceOf(full(3, List.of()).withRef("r1"))).isNull();
        assertThat(PresenceNews.resourceOf(full(3, List.of()))).isEqualTo("patient:1:main");
    }
}
