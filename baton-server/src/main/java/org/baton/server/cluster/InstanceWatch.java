package org.baton.server.cluster;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.baton.core.cluster.InstanceRegistry;
import org.baton.core.session.SessionStore;
import org.baton.core.session.StoredSession;
import org.baton.server.session.SessionRegistry;
import org.baton.server.timers.Timers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's membership in the deployment: it registers an incarnation ({@code name#random}), heartbeats
 * about four times per dead-instance timeout, and as often, on a poll of its own, looks for instances whose heartbeat
 * is older than the timeout. The two are apart so that the beat never waits for the look, whose release of orphaned
 * sessions goes through the busy lock path (issue 16: a beat late behind saturated requests made the instance refuse
 * to act). An instance found dead is marked once (by whichever live instance gets there first) and each session
 * still attached to it — an orphan — goes into its disconnect grace, resource by resource, through the normal lock
 * path; its client reconnects to another instance and resumes within the grace, or its locks are released and the
 * queues told. A restarted instance with the same name releases its predecessor's sessions as soon as it serves
 * ({@link #releasePredecessor}), not before: their grace is the time their clients have to come back, so it must
 * count from when this instance can answer them (issue 16: 2,000 releases before serving ate most of a 30 s grace).
 *
 * <p>If this instance finds it was declared dead (it was paused or cut off longer than the timeout), it acts on
 * nothing it remembers: it drops every connection (clients reconnect and resume through the store), forgets its
 * sessions, and rejoins as a new incarnation.
 */
public final class InstanceWatch {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceWatch.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private final InstanceRegistry registry;
    private final SessionStore sessionStore;
    private final InstantSource clock;
    private final String name;
    private final Duration timeout;
    private final InstanceLiveness liveness;
    private volatile String instanceId;
    /** Since when (on this process's monotonic clock) every heartbeat has succeeded; null after a failed one. */
    private volatile Long beatingSinceNanos;
    private volatile SessionRegistry sessions;
    private volatile Consumer<StoredSession> orphanHandler = s -> { };
    /** Held while reaping and while rejoining, so a look never judges with an incarnation id that is being replaced. */
    private final ReentrantLock membership = new ReentrantLock();

    public InstanceWatch(InstanceRegistry registry, SessionStore sessionStore, InstantSource clock, String name, Duration timeout,
                         InstanceLiveness liveness) {
        this.registry = registry;
        this.sessionStore = sessionStore;
        this.clock = clock;
        this.name = name;
        this.timeout = timeout;
        this.liveness = liveness;
        this.instanceId = incarnation(name);
    }

    /** This instance's current incarnation id (it changes when the instance rejoins after being declared dead). */
    public String instanceId() {
        return instanceId;
    }

    public String name() {
        return name;
    }

    public InstanceLiveness liveness() {
        return liveness;
    }

    /**
     * Registers (sessions attach to a registered incarnation) and starts beating on {@code timers}; call before serving.
     *
     * @param onOrphan puts one orphaned session's resources into their disconnect grace, unless it resumed meanwhile
     */
    public void start(Timers timers, SessionRegistry localSessions, Consumer<StoredSession> onOrphan) {
        this.sessions = localSessions;
        this.orphanHandler = onOrphan;
        registry.register(instanceId, name, clock.instant());
        liveness.heartbeatSucceeded();
        beatingSinceNanos = System.nanoTime();
        Duration period = Duration.ofMillis(Math.max(250, timeout.toMillis() / 4));
        timers.poll(period, this::beat);
        timers.poll(period, this::lookForTheDead);
    }

    /**
     * Marks this instance's predecessor (same name) dead and releases the sessions it left, on a task of its own
     * ({@code timers}); call once serving, so the release never delays the first answer and each grace it starts
     * counts from a moment its client could already reconnect. A client that resumed first is left alone.
     */
    public void releasePredecessor(Timers timers) {
        // only our predecessor by name is surely dead this early; others are judged once we have beaten a whole timeout
        timers.schedule(clock.instant(), () -> reapAndRelease(Instant.EPOCH));
    }

    /** One heartbeat (on the registry's own connections); a refused one means we were declared dead, so we rejoin. */
    void beat() {
        boolean alive;
        try {
            alive = registry.heartbeat(instanceId, clock.instant());
        } catch (RuntimeException e) {
            beatingSinceNanos = null;
            throw e;
        }
        if (alive) {
            liveness.heartbeatSucceeded();
        } else {
            rejoin();
        }
        if (beatingSinceNanos == null) {
            beatingSinceNanos = System.nanoTime();
        }
    }

    /**
     * A look for dead instances and orphaned sessions. Only an instance that has itself been beating for a whole
     * timeout judges others: after a database outage every heartbeat is stale, and the first instance back must not
     * declare all the others dead for an outage they shared.
     */
    void lookForTheDead() {
        Long since = beatingSinceNanos;
        if (since != null && System.nanoTime() - since >= timeout.toNanos()) {
            reapAndRelease(clock.instant().minus(timeout));
        }
    }

    private void rejoin() {
        membership.lock();
        try {
            rejoinAsNewIncarnation();
        } finally {
            membership.unlock();
        }
    }

    private void rejoinAsNewIncarnation() {
        String dead = instanceId;
        liveness.declaredDead();
        LOG.warn("this instance ({}) was declared dead by the others (paused or cut off longer than {} s); dropping every connection"
                + " and rejoining", dead, timeout.toSeconds());
        SessionRegistry local = sessions;
        if (local != null) {
            local.dropAll(1012, "instance restarting; reconnect");
        }
        instanceId = incarnation(name);
        registry.register(instanceId, name, clock.instant());
        liveness.heartbeatSucceeded();
        LOG.info("rejoined as {}", instanceId);
    }

    /** Marks dead the instances silent since before {@code deadBefore} (and our predecessors), then releases orphaned sessions. */
    private void reapAndRelease(Instant deadBefore) {
        membership.lock();
        try {
            releaseTheDead(deadBefore);
        } finally {
            membership.unlock();
        }
    }

    private void releaseTheDead(Instant deadBefore) {
        Instant now = clock.instant();
        List<String> reaped = registry.reap(deadBefore, name, instanceId, now);
        if (!reaped.isEmpty()) {
            LOG.warn("instances found dead: {}; their sessions enter the disconnect grace", reaped);
        }
        for (StoredSession orphan : sessionStore.orphaned()) {
            try {
                orphanHandler.accept(orphan);
            } catch (RuntimeException e) {
                LOG.error("could not release the orphaned session {}; the next beat tries again", orphan.sessionId(), e);
            }
        }
    }

    /** Graceful shutdown: nobody needs to find this instance dead. */
    public void stop() {
        registry.deregister(instanceId, clock.instant());
    }

    private static String incarnation(String name) {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return name + "#" + HexFormat.of().formatHex(bytes);
    }
}
