// What this tab holds and waits for: the resources it joined, its leases, and its place in each queue. Every
// event, from the WebSocket or synthesised by the REST fallback, goes through apply(), which keeps the book in step
// and returns the events the page should hear about on top ("lease" changes, "queue:position" updates), so both
// transports behave the same.

export class LeaseBook {
  constructor() {
    this.joined = new Map();  // resourceId -> "viewer" | "editor"
    this.leases = new Map();  // resourceId -> lease (only this session's)
    this.places = new Map();  // resourceId -> {position, estimatedWaitSeconds, claimBy?}
    this.ended = new Map();   // resourceId -> the last lease this tab lost (its id lets a displaced editor leave a note)
    this.serverSendsPositions = false;
    this.userId = null;
  }

  lease(resourceId) {
    return this.leases.get(resourceId) || null;
  }

  /** This tab's place in the queue of a resource ({position, estimatedWaitSeconds, claimBy?}), or null. */
  place(resourceId) {
    return this.places.get(resourceId) || null;
  }

  join(resourceId, mode) {
    this.joined.set(resourceId, mode);
  }

  leave(resourceId) {
    this.joined.delete(resourceId);
    this.places.delete(resourceId);
    return this.drop(resourceId, "LEFT");
  }

  /**
   * A new session (the grace ran out, or the server restarted): leases and queue places of the old one are gone.
   * Returns the "lease" and "queue:left" events to announce.
   */
  sessionLost() {
    const lost = [...this.leases.keys()].map((resourceId) => ["lease", { resourceId, lease: null, reason: "SESSION_LOST" }]);
    for (const [resourceId, lease] of this.leases) this.ended.set(resourceId, lease);
    const left = [...this.places.keys()].map((resourceId) => ["queue:left", { resourceId, reason: "SESSION_LOST" }]);
    this.leases.clear();
    this.places.clear();
    return [...lost, ...left];
  }

  /** The last lease this tab held on a resource and lost, or null. */
  endedLease(resourceId) {
    return this.ended.get(resourceId) || null;
  }

  /** Forgets a lease that ended (released, taken over, refused by the server); returns the events to announce. */
  drop(resourceId, reason) {
    const lease = this.leases.get(resourceId);
    if (!lease) return [];
    this.leases.delete(resourceId);
    this.ended.set(resourceId, lease);
    return [["lease", { resourceId, lease: null, reason }]];
  }

  /** Keeps the book in step with one event; returns further [event, data] pairs for the page. */
  apply(event, data = {}) {
    const id = data.resourceId;
    switch (event) {
      case "session:ready":
        this.userId = data.userId ?? this.userId;
        return [];
      case "lock:acquired":
        if (data.lease && data.yours) {
          this.places.delete(id);
          this.leases.set(id, data.lease);
          return [["lease", { resourceId: id, lease: data.lease }]];
        }
        return [];
      case "lock:extended":
        if (data.lease) this.leases.set(data.lease.resourceId || id, data.lease);
        return [];
      case "lock:released": {
        const held = this.leases.get(id);
        if (held && (data.fencingToken === undefined || data.fencingToken === held.fencingToken)) {
          return this.drop(id, data.reason);
        }
        return [];
      }
      case "lock:taken_by_admin":
        return this.drop(id, "TAKEOVER");
      case "lock:queued":
        return this.moved(id, data.position, data.estimatedWaitSeconds, false);
      case "queue:position":
        this.serverSendsPositions = true;
        if (typeof data.estimatedWaitSeconds !== "number") {
          const wait = scaledWait(this.places.get(id), data.position);
          if (wait !== undefined) data.estimatedWaitSeconds = wait;
        }
        return this.moved(id, data.position, data.estimatedWaitSeconds, true);
      case "lock:your_turn":
        this.places.set(id, { position: 0, estimatedWaitSeconds: 0, claimBy: data.claimBy });
        return [];
      case "queue:left":
      case "lock:turn_missed":
        this.places.delete(id);
        return [];
      case "presence:update":
        return this.serverSendsPositions ? [] : this.derivePosition(id, data.users || []);
      default:
        return [];
    }
  }

  /** Records a queue position; announces queue:position when it changed (unless the event was one already). */
  moved(id, position, estimatedWaitSeconds, isPositionEvent) {
    if (!(position > 0)) return [];
    const before = this.places.get(id);
    const wait = typeof estimatedWaitSeconds === "number" ? estimatedWaitSeconds : scaledWait(before, position);
    const place = { position, estimatedWaitSeconds: wait };
    this.places.set(id, place);
    if (isPositionEvent || (before && before.position === position)) return [];
    return before ? [["queue:position", { resourceId: id, ...place, derived: true }]] : [];
  }

  /**
   * Until the server sends queue:position, the position follows from presence: queued users are listed in queue
   * order (the one offered the lock first). Only a tab that knows it is queued derives anything.
   */
  derivePosition(id, users) {
    const before = this.places.get(id);
    if (!before || !(before.position > 0) || !this.userId) return [];
    const queued = users.filter((u) => u.mode === "queued");
    const index = queued.findIndex((u) => u.userId === this.userId);
    if (index < 0 || index + 1 === before.position) return [];
    const place = { position: index + 1, estimatedWaitSeconds: scaledWait(before, index + 1) };
    this.places.set(id, place);
    return [["queue:position", { resourceId: id, ...place, derived: true }]];
  }
}

/** The last estimate scaled to a new position (the server estimates the average hold time per place). */
function scaledWait(before, position) {
  if (!before || !(before.position > 0) || typeof before.estimatedWaitSeconds !== "number") return undefined;
  return Math.round((before.estimatedWaitSeconds / before.position) * position);
}
