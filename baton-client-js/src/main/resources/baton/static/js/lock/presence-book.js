// Who is on each joined resource, rebuilt from the server's presence messages. A connection opened with
// ?presence=delta gets the full list (presence:update) when it joins, asks (presence:get) or resumes, and on each
// change only what changed (presence:delta {version, baseVersion, added, removed, changed}), named by each entry's
// `key` (one per session: two tabs of one user are two entries). A delta applies when baseVersion <= the version held
// < version; an older one is dropped; one whose baseVersion is newer than what is held means a change was missed,
// and the caller asks for the full list.

const RANK = { editor: 0, queued: 1, viewer: 2 };

export class PresenceBook {
  constructor() {
    this.resources = new Map(); // resourceId -> {version, users: Map(key -> user)}
  }

  /** A full list: replaces what is held unless it is older. Returns the list to show, or null when it was stale. */
  full(data) {
    const held = this.resources.get(data.resourceId);
    if (held && typeof data.version === "number" && data.version < held.version) return null;
    const users = new Map();
    for (const u of data.users || []) users.set(u.key ?? `${u.userId}#${users.size}`, u);
    this.resources.set(data.resourceId, { version: typeof data.version === "number" ? data.version : -1, users });
    return this.list(data.resourceId);
  }

  /**
   * A delta: {applied: users} once applied, {stale: true} when it is not newer than what is held, {gap: true} when
   * a change between what is held and this delta was missed: ask for the full list. {early: true} when nothing is
   * held yet: the news of a join can arrive just before the join's full list, which follows.
   */
  delta(data) {
    const held = this.resources.get(data.resourceId);
    if (!held) return { early: true };
    if (data.version <= held.version) return { stale: true };
    if (data.baseVersion > held.version) return { gap: true };
    for (const key of data.removed || []) held.users.delete(key);
    // A changed entry moves to the end of its group, as the server lists a newcomer to the queue or the viewers.
    for (const u of data.changed || []) held.users.delete(u.key);
    for (const u of [...(data.changed || []), ...(data.added || [])]) held.users.set(u.key, u);
    held.version = data.version;
    return { applied: this.list(data.resourceId) };
  }

  /** The users on a resource, editor first, then the queue, then viewers (as presence:update lists them). */
  list(resourceId) {
    const held = this.resources.get(resourceId);
    if (!held) return [];
    return [...held.users.values()].sort((a, b) => (RANK[a.mode] ?? 3) - (RANK[b.mode] ?? 3));
  }

  version(resourceId) {
    return this.resources.get(resourceId)?.version;
  }

  forget(resourceId) {
    this.resources.delete(resourceId);
  }

  /** A new session starts from scratch. */
  reset() {
    this.resources.clear();
  }
}
