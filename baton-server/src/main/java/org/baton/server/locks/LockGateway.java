package org.baton.server.locks;

import org.baton.core.Command;
import org.baton.core.LockCoordinator;
import org.baton.core.LockState;
import org.baton.core.ResourceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path every lock command takes, from REST, WebSocket and timers alike: the core decides and the store
 * persists ({@link LockCoordinator}), then the events fan out and the resource's next deadline is scheduled.
 * Events are published only after the write is durable.
 */
public final class LockGateway {
    private static final Logger LOG = LoggerFactory.getLogger(LockGateway.class);
    private final LockCoordinator coordinator;
    private final EventFanOut fanOut;
    private final DeadlineScheduler deadlines;

    public LockGateway(LockCoordinator coordinator, EventFanOut fanOut, DeadlineScheduler deadlines) {
        this.coordinator = coordinator;
        this.fanOut = fanOut;
        this.deadlines = deadlines;
        deadlines.onDue(this::tick);
    }

    /** Runs {@code command}; {@code callerSessionId} (or null) gets the outcome as its direct answer. */
    public LockCoordinator.Decision run(ResourceId id, Command command, String callerSessionId) {
        LockCoordinator.Decision decision = coordinator.apply(id, command);
        fanOut.publish(decision.events(), callerSessionId);
        deadlines.reschedule(decision.state(), decision.policy());
        return decision;
    }

    /** Applies the passage of time to a resource (timers, and reads that must show the truth). */
    public LockCoordinator.Decision tick(ResourceId id) {
        return run(id, new Command.Tick(), null);
    }

    /** After a restart: schedules the deadlines of every stored active resource and settles the overdue ones. */
    public int resumeAll() {
        int count = 0;
        for (LockState state : coordinator.active()) {
            try {
                tick(state.resourceId());
                count++;
            } catch (RuntimeException e) {
                LOG.error("could not resume the lock of {}", state.resourceId(), e);
            }
        }
        return count;
    }

    public LockCoordinator coordinator() {
        return coordinator;
    }
}
