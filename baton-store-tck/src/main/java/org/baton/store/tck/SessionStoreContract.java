package org.baton.store.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import org.baton.core.cluster.InstanceRegistry;
import org.baton.core.session.SessionStore;
import org.baton.core.session.StoredSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of the {@link SessionStore} and the {@link InstanceRegistry}: sessions remember their user, their
 * instance and their joined resources; a detach by an instance the session already left changes nothing; an
 * instance is reaped once, by one reaper, and then its attached sessions are orphans; a reaped instance learns it.
 */
public abstract class SessionStoreContract {
    protected static final Instant NOW = Instant.parse("2026-01-13T09:00:00Z");
    protected SessionStore sessions;
    protected InstanceRegistry instances;

    protected abstract SessionStore newSessionStore();

    /** The instance registry over the same data as {@link #newSessionStore()}'s last store. */
    protected abstract InstanceRegistry instanceRegistry();

    @BeforeEach
    void createStores() {
        sessions = newSessionStore();
        instances = instanceRegistry();
    }

    @Test
    void attach_join_detach_roundTrip_andAnotherUserCannotTakeTheId() {
        sessions.attach("s_1", "sharma", "i1", NOW);
        sessions.join("s_1", "patient:1:main");
        sessions.join("s_1", "patient:1:main");
        sessions.join("s_1", "patient:2:main");
        sessions.leave("s_1", "patient:2:main");
        assertThat(sessions.find("s_1")).contains(new StoredSession("s_1", "sharma", "i1", null, Set.of("patient:1:main")));
        sessions.attach("s_1", "intruder", "i2", NOW);
        assertThat(sessions.find("s_1").orElseThrow().userId()).isEqualTo("sharma");
        assertThat(sessions.find("s_1").orElseThrow().instanceId()).isEqualTo("i1");
        sessions.attach("s_1", "sharma", "i2", NOW.plusSeconds(1));
        assertThat(sessions.detach("s_1", "i1", NOW.plusSeconds(2))).as("the session moved to i2").isFalse();
        assertThat(sessions.detach("s_1", "i2", NOW.plusSeconds(3))).isTrue();
        StoredSession detached = sessions.find("s_1").orElseThrow();
        assertThat(detached.connected()).isFalse();
        assertThat(detached.disconnectedAt()).isEqualTo(NOW.plusSeconds(3));
        assertThat(detached.resources()).containsExactly("patient:1:main");
        assertThat(sessions.find("s_unknown")).isEmpty();
    }

    @Test
    void attach_returnsTheSessionAsStoredBefore_soAResumeLearnsItsOwnerAndResourcesInOneWrite() {
        assertThat(sessions.attach("s_1", "sharma", "i1", NOW)).as("a new session").isEmpty();
        sessions.join("s_1", "patient:1:main");
        sessions.detach("s_1", "i1", NOW.plusSeconds(1));
        assertThat(sessions.attach("s_1", "sharma", "i2", NOW.plusSeconds(2)))
                .contains(new StoredSession("s_1", "sharma", null, NOW.plusSeconds(1), Set.of("patient:1:main")));
        assertThat(sessions.attach("s_1", "intruder", "i3", NOW.plusSeconds(3))).as("another user's session, as it is")
                .contains(new StoredSession("s_1", "sharma", "i2", null, Set.of("patient:1:main")));
        assertThat(sessions.find("s_1").orElseThrow().instanceId()).as("left attached to its owner's instance").isEqualTo("i2");
    }

    @Test
    void reap_marksDeadInstancesOnce_andTheirSessionsBecomeOrphans() {
        instances.register("i1", "a", NOW);
        instances.register("i2", "b", NOW);
        sessions.attach("s_1", "sharma", "i1", NOW);
        sessions.attach("s_2", "okafor", "i2", NOW);
        assertThat(sessions.orphaned()).isEmpty();
        assertThat(instances.heartbeat("i2", NOW.plusSeconds(20))).isTrue();
        assertThat(instances.reap(NOW.plusSeconds(10), "b", "i2", NOW.plusSeconds(20))).containsExactly("i1");
        assertThat(instances.reap(NOW.plusSeconds(10), "b", "i2", NOW.plusSeconds(20))).as("reaped once").isEmpty();
        assertThat(instances.heartbeat("i1", NOW.plusSeconds(21))).as("a reaped instance learns it").isFalse();
        assertThat(sessions.orphaned()).extracting(StoredSession::sessionId).containsExactly("s_1");
        assertThat(instances.live()).extracting(InstanceRegistry.Instance::instanceId).containsExactly("i2");
        sessions.attach("s_3", "chen", "i-unknown", NOW);
        assertThat(sessions.orphaned()).extracting(StoredSession::sessionId).containsExactlyInAnyOrder("s_1", "s_3");
    }

    @Test
    void aRestartedInstance_reapsItsPredecessorByName_atOnce() {
        instances.register("a#1", "a", NOW);
        instances.register("a#2", "a", NOW.plusSeconds(1));
        assertThat(instances.reap(NOW.minusSeconds(60), "a", "a#2", NOW.plusSeconds(1))).containsExactly("a#1");
        instances.deregister("a#2", NOW.plusSeconds(2));
        assertThat(instances.live()).isEmpty();
        assertThat(instances.forgetDeadBefore(NOW.plusSeconds(3))).isEqualTo(2);
    }

    @Test
    void forgetDisconnectedBefore_dropsOnlyLongGoneSessions() {
        sessions.attach("s_1", "sharma", "i1", NOW);
        sessions.join("s_1", "patient:1:main");
        sessions.detach("s_1", "i1", NOW);
        sessions.attach("s_2", "okafor", "i1", NOW);
        assertThat(sessions.forgetDisconnectedBefore(NOW.plusSeconds(60))).isEqualTo(1);
        assertThat(sessions.find("s_1")).isEmpty();
        assertThat(sessions.find("s_2")).isPresent();
    }
}
