// Events about a resource carry `version`, a number that grows with every change of that resource's lock state.
// A client keeps the newest version seen per resource and drops anything older, so a late presence:update can
// never show a state that has already been replaced. Events without a version (older servers, personal answers)
// always pass, and one decision's events share a version, so equal versions pass too.

export class EventOrder {
  constructor() {
    this.newest = new Map(); // resourceId -> newest version seen
  }

  /** True when the event is older than one already seen for its resource (drop it); else records its version. */
  isStale(data) {
    const version = data?.version;
    const resourceId = data?.resourceId;
    if (typeof version !== "number" || typeof resourceId !== "string") return false;
    const seen = this.newest.get(resourceId);
    if (seen !== undefined && version < seen) return true;
    this.newest.set(resourceId, version);
    return false;
  }

  /** A new session starts from scratch (the server may have restarted). */
  reset() {
    this.newest.clear();
  }
}
