package org.baton.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.baton.core.Actor;
import org.baton.core.LockState;
import org.baton.core.ResourceId;
import org.junit.jupiter.api.Test;

/** Rows written before a field was added to the state still read after an upgrade, with the field's neutral value. */
class StateJsonTest {
    static final Instant NOW = Instant.parse("2026-01-13T09:00:00Z");

    @Test
    void aStateWrittenBeforePollingViewers_readsAsLiveConnectionViewers() throws Exception {
        ResourceId id = ResourceId.parse("patient:1");
        Actor viewer = new Actor("okafor", "Nurse Grace Okafor", List.of("nurse"), "s2");
        LockState state = new LockState(id, null, List.of(new LockState.Waiter(viewer, NOW, null)), null,
                List.of(new LockState.Viewer(viewer, NOW, null)), List.of(), null, 3, null, null, List.of());
        ObjectMapper json = new ObjectMapper();
        ObjectNode written = (ObjectNode) json.readTree(StateJson.write(state));
        // the shape of rows written before these fields existed: no Actor.polling, no Viewer.expiresAt
        ((ObjectNode) written.get("viewers").get(0)).remove("expiresAt");
        ((ObjectNode) written.get("viewers").get(0).get("actor")).remove("polling");
        ((ObjectNode) written.get("queue").get(0).get("actor")).remove("polling");

        LockState read = StateJson.read(written.toString());

        assertThat(read).isEqualTo(state);
        assertThat(read.viewers().get(0).expiresAt()).isNull();
        assertThat(read.queue().get(0).actor().polling()).isFalse();
    }
}
