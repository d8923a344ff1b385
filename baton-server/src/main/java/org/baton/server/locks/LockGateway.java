package org.baton.server.locks;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.baton.core.Command;
import org.baton.core.LockCoordinator;
import org.baton.core.LockEvent;
import org.baton.core.ResourceId;
import org.baton.server.cluster.InstanceLiveness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path every lock command takes, from REST, WebSocket, timers and sweeps alike: the core decides and the
 * store persists, journals and announces the decision in one transaction ({@link LockCoordinator}); then the side
 * effects that must happen once happen here, on the deciding instance (notifications, metrics), and the resource's
 * next deadline is scheduled locally for promptness. Delivery to clients is the event bus's job, on every instance.
 *
 * <p>An instance that cannot vouch for itself (scaled out: its heartbeat lapsed, or it was declared dead while
 * paused) refuses to act ({@link InstanceLiveness}), so it never decides on a view of the world it may have lost.
 */
public final class LockGateway {
    private static final Logger LOG = LoggerFactory.getLogger(LockGateway.class);
    private static final int SWEEP_BATCH = 500;
    private final LockCoordinator coordinator;
    private final DeadlineScheduler deadlines;
    private final InstanceLiveness liveness;
    private final List<Consumer<List<LockEvent>>> decisionListeners = new CopyOnWriteArrayList<>();

    public LockGateway(LockCoordinator coordinator, DeadlineScheduler deadlines, InstanceLiveness liveness) {
        this.coordinator = coordinator;
        this.deadlines = deadlines;
        this.liveness = liveness;
        deadlines.onDue(this::tick);
    }

    /** Receives the events of every decision made on this instance, once, after its commit (followers' notifications, metrics). */
    public void addDecisionListener(Consumer<List<LockEvent>> listener) {
        decisionListeners.add(listener);
    }

    /** Runs {@code command}; {@code callerSessionId} (or null) gets the outcome as its direct answer. */
    public LockCoordinator.Decision run(ResourceId id, Command command, String callerSessionId) {
        liveness.requireAlive();
        LockCoordinator.Decision decision = coordinator.apply(id, command, callerSessionId);
        if (!decision.events().isEmpty()) {
            for (Consumer<List<LockEvent>> listener : decisionListeners) {
                try {
                    listener.accept(decision.events());
                } catch (RuntimeException e) {
                    LOG.error("a decision listener failed after {} was committed; the decision stands", id, e);
                }
            }
        }
        deadlines.reschedule(decision.state(), decision.policy());
        return decision;
    }

    /** Applies the passage of time to a resource (timers, and reads that must show the truth). */
    public LockCoordinator.Decision tick(ResourceId id) {
        return run(id, new Command.Tick(), null);
    }

    /**
     * Ticks every resource whose stored deadline has passed, whichever instance set it (that instance may be dead);
     * returns how many. Several instances sweeping at once is harmless: the second tick finds nothing to do.
     */
    public int sweepDue() {
        if (!liveness.isAlive()) {
            return 0;
        }
        int swept = 0;
        for (ResourceId id : coordinator.due(SWEEP_BATCH)) {
            try {
                coordinator.reschedule(tick(id));
                swept++;
            } catch (RuntimeException e) {
                LOG.error("could not settle the due lock of {}", id, e);
            }
        }
        return swept;
    }

    public LockCoordinator coordinator() {
        return coordinator;
    }
}
