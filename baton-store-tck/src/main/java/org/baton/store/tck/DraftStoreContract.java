package org.baton.store.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.baton.core.ResourceId;
import org.baton.core.record.Draft;
import org.baton.core.record.DraftStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract of every {@link DraftStore}: one draft per (user, resource), replaced by each put, kept until deleted or expired. */
public abstract class DraftStoreContract {
    protected static final Instant NOW = Instant.parse("2026-01-13T09:00:00Z");
    protected static final ResourceId A = ResourceId.parse("patient:1");
    protected DraftStore drafts;

    protected abstract DraftStore newDraftStore();

    @BeforeEach
    void createStore() {
        drafts = newDraftStore();
    }

    @Test
    void put_replacesThePreviousDraftOfTheSameUserAndResource_only() {
        drafts.put(new Draft("sharma", A, "{\"fields\":{\"dose\":1}}", 3L, NOW, "s1"));
        drafts.put(new Draft("sharma", A, "{\"fields\":{\"dose\":2}}", null, NOW.plusSeconds(5), "s2"));
        drafts.put(new Draft("okafor", A, "{}", 3L, NOW, "s3"));
        assertThat(drafts.get("sharma", A)).contains(new Draft("sharma", A, "{\"fields\":{\"dose\":2}}", null, NOW.plusSeconds(5), "s2"));
        assertThat(drafts.ofUser("okafor")).hasSize(1);
        assertThat(drafts.delete("sharma", A)).isTrue();
        assertThat(drafts.delete("sharma", A)).isFalse();
        assertThat(drafts.get("sharma", A)).isEmpty();
        assertThat(drafts.get("okafor", A)).isPresent();
    }

    @Test
    void deleteOlderThan_dropsOnlyExpiredDrafts() {
        drafts.put(new Draft("sharma", A, "{}", null, NOW, "s1"));
        drafts.put(new Draft("sharma", ResourceId.parse("patient:2"), "{}", null, NOW.plusSeconds(60), "s1"));
        assertThat(drafts.deleteOlderThan(NOW.plusSeconds(30))).isEqualTo(1);
        assertThat(drafts.ofUser("sharma")).extracting(Draft::resourceId).containsExactly(ResourceId.parse("patient:2"));
    }
}
