package org.baton.core.cluster;

import java.time.Instant;
import java.util.List;

/**
 * Port to the table of running Baton instances. Each instance registers, then heartbeats; an instance whose
 * heartbeat is older than the dead-instance timeout is marked dead ("reaped") by any live one, exactly once, and
 * its sessions go into their disconnect grace. An instance that finds itself reaped (it was paused, or cut off from
 * the database) must act on nothing it remembers.
 */
public interface InstanceRegistry {
    /** One registered instance. */
    record Instance(String instanceId, String name, Instant startedAt, Instant heartbeatAt) {
    }

    void register(String instanceId, String name, Instant now);

    /** Renews the heartbeat; false when this instance was reaped (or deregistered) meanwhile. */
    boolean heartbeat(String instanceId, Instant now);

    /**
     * Marks dead every instance whose heartbeat is older than {@code deadBefore}, plus any earlier incarnation of
     * {@code ownName} (a restarted process knows its predecessor is gone), and returns the ids newly marked.
     */
    List<String> reap(Instant deadBefore, String ownName, String ownInstanceId, Instant now);

    /** Marks this instance as stopped (graceful shutdown): nobody needs to reap it. */
    void deregister(String instanceId, Instant now);

    /** Instances alive (not reaped), for health and the admin view. */
    List<Instance> live();

    /** Housekeeping: forgets instances dead since before {@code cutoff}; returns how many. */
    int forgetDeadBefore(Instant cutoff);
}
