package org.baton.core.bus;

import java.util.List;
import org.baton.core.LockEvent;
import org.baton.core.ResourceId;

/**
 * What travels between Baton instances: every committed lock decision, and pushes addressed to users, roles or
 * sessions wherever they are connected.
 */
public sealed interface BusMessage {
    /**
     * A resource's lock state changed to {@code version} (every write announces one, so a receiver that sees a
     * version jump knows it missed something and re-reads). {@code events} may be empty.
     *
     * @param callerSessionId the session that already got this decision as its direct answer, or null
     */
    record ResourceChanged(ResourceId resourceId, long version, List<LockEvent> events, String callerSessionId) implements BusMessage {
        public ResourceChanged {
            events = List.copyOf(events);
        }
    }

    /** Who a {@link Push} is for. */
    enum Audience { USER, ROLE, SESSION }

    /**
     * A ready-made client event ({@code event} with its JSON {@code data}) for every connected session of a user, of
     * a role, or for one session; delivered by whichever instances hold such sessions.
     */
    record Push(Audience audience, String to, String event, String dataJson) implements BusMessage {
    }

    /**
     * Several {@link Push}es sent as one message, delivered in one round: a decision's news for every follower of a
     * record (hundreds on a watched one) costs one bus message, and one transaction on PostgreSQL, instead of one each.
     */
    record Pushes(List<Push> pushes) implements BusMessage {
        public Pushes {
            pushes = List.copyOf(pushes);
        }
    }

    /**
     * {@code sessionId} is now connected to {@code instanceId}: any other instance still holding a connection for it
     * closes that connection (the client moved) without treating it as a disconnect.
     */
    record SessionAttached(String sessionId, String instanceId) implements BusMessage {
    }
}
