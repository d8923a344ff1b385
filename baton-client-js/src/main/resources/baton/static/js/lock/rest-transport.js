// The REST fallback: the same requests as the WebSocket, answered in the same shapes, and the same pushed events,
// synthesised by polling `check` for every joined resource and comparing with the last answer. The page cannot
// tell which transport it is on, except that news arrives at the next poll instead of at once.
import { BatonError } from "./errors.js";

export class RestTransport {
  /**
   * @param {object} options
   * @param {string} options.baseUrl the Baton origin
   * @param {function} options.fetch fetch implementation
   * @param {function():string} options.token the current JWT
   * @param {import("./lease-book.js").LeaseBook} options.book what this tab holds and waits for (read only)
   * @param {function(string, object)} options.deliver hands a synthesised event to the LockManager, as a frame would
   */
  constructor({ baseUrl, fetch, token, book, deliver }) {
    this.baseUrl = baseUrl;
    this.fetchImpl = fetch;
    this.token = token;
    this.book = book;
    this.deliver = deliver;
    this.sessionId = null;
    this.seen = new Map(); // resourceId -> what the last check said
  }

  async call(method, path, body) {
    const headers = { Authorization: `Bearer ${this.token()}`, "Content-Type": "application/json" };
    if (this.sessionId) headers["X-Session-Id"] = this.sessionId;
    const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const sessionId = response.headers?.get?.("X-Session-Id");
    if (sessionId) this.sessionId = sessionId;
    const text = await response.text();
    let json = {};
    try { json = text ? JSON.parse(text) : {}; } catch { json = {}; }
    if (!response.ok) throw new BatonError(json.code || `HTTP_${response.status}`, json.detail, response.status, json);
    return { status: response.status, body: json };
  }

  /** Starts a REST session (the server assigns its id) and returns the client configuration. */
  async start() {
    const { body } = await this.call("GET", "/api/client-config");
    return body;
  }

  /** One request, answered as the WebSocket would answer it ({event, data}). */
  async request(event, data = {}) {
    const id = data.resourceId;
    const leaseId = data.leaseId || this.book.lease(id)?.leaseId;
    const as = (name, body) => ({ event: name, data: { ...body, resourceId: body.resourceId || id } });
    const granted = (body, via) => as("lock:acquired", { ...body, yours: true, via: body.via || via });
    switch (event) {
      case "resource:join":
        if (data.mode === "editor") return this.request("lock:request", { resourceId: id });
        await this.pollOne(id);
        return as("ok", {});
      case "resource:leave":
        if (this.book.lease(id)) await this.call("POST", "/api/locks/release", { resourceId: id, leaseId });
        if (this.book.place(id)) await this.call("DELETE", "/api/locks/queue/leave", { resourceId: id }).catch(() => {});
        this.seen.delete(id);
        return as("ok", {});
      case "lock:request":
        try {
          const { status, body } = await this.call("POST", "/api/locks/acquire", { resourceId: id, queue: true });
          return status === 200 ? granted(body, "DIRECT") : as("lock:queued", body);
        } catch (e) {
          if (e.code === "LOCK_HELD" || e.code === "HELD_IN_OTHER_SESSION") {
            return as("lock:denied", { code: e.code, currentHolder: e.data?.holder, expiresAt: e.data?.holder?.expiresAt });
          }
          throw e;
        }
      case "queue:join": {
        const { status, body } = await this.call("POST", "/api/locks/queue/join", { resourceId: id });
        return status === 200 && body.lease ? granted(body, "DIRECT") : as("lock:queued", body);
      }
      case "queue:leave":
        await this.call("DELETE", "/api/locks/queue/leave", { resourceId: id });
        return as("queue:left", {});
      case "lock:release":
        await this.call("POST", "/api/locks/release", { resourceId: id, leaseId, ...(data.note ? { note: data.note } : {}) });
        return as("lock:released", { reason: "RELEASED" });
      case "lock:heartbeat":
        return as("lock:extended", (await this.call("POST", "/api/locks/extend", { resourceId: id, leaseId, active: !!data.active })).body);
      case "lock:claim":
        return granted((await this.call("POST", "/api/locks/claim", { resourceId: id })).body, "CLAIM");
      case "lock:move_here":
        return granted((await this.call("POST", "/api/locks/move-here", { resourceId: id })).body, "MOVED");
      case "lock:takeover": {
        const { status, body } = await this.call("POST", "/api/locks/force-release", data);
        return status === 200 ? granted(body, data.emergency ? "EMERGENCY" : "DIRECT") : as("lock:takeover_pending", body);
      }
      case "lock:ask_holder":
        return as("lock:request_sent", (await this.call("POST", "/api/locks/ask-holder", data)).body);
      case "lock:answer_request":
        await this.call("POST", "/api/locks/answer-request", data);
        return as("ok", {});
      case "lock:takeover_answer":
        await this.call("POST", "/api/locks/takeover-answer", data);
        return as("ok", {});
      case "lock:leave_note":
        await this.call("POST", "/api/locks/leave-note", data);
        return as("ok", {});
      case "draft:save":
        return as("draft:saved", (await this.call("POST", "/api/autosave/save", data)).body);
      case "presence:get":
        return as("presence:update", { users: (await this.check(id)).presence || [] });
      default:
        throw new BatonError("UNSUPPORTED", `${event} needs the WebSocket.`, 0);
    }
  }

  check(resourceId) {
    const [type, id, child] = resourceId.split(":");
    return this.call("GET", `/api/locks/check/${type}/${id}${child && child !== "main" ? `?child=${child}` : ""}`).then((r) => r.body);
  }

  /** Polls every joined resource; a failure is reported and retried at the next poll. */
  async poll() {
    const failures = [];
    for (const resourceId of [...this.book.joined.keys()]) {
      try { await this.pollOne(resourceId); } catch (e) { failures.push(e); }
    }
    return failures;
  }

  async pollOne(resourceId) {
    const now = await this.check(resourceId);
    const before = this.seen.get(resourceId);
    this.seen.set(resourceId, now);
    for (const [event, data] of changes(resourceId, before, now, this.book)) this.deliver(event, data);
  }
}

/** The events a WebSocket would have pushed between two answers of `check` (`before` is undefined at first). */
export function changes(resourceId, before, now, book) {
  const out = [];
  const base = { resourceId, ...(typeof now.version === "number" ? { version: now.version } : {}) };
  const users = now.presence || [];
  if (!before || JSON.stringify(before.presence || []) !== JSON.stringify(users)) out.push(["presence:update", { ...base, users }]);

  const held = book.lease(resourceId);
  const queue = now.queue || {};
  if (now.lease && (!held || held.fencingToken !== now.lease.fencingToken)) {
    out.push(["lock:acquired", { ...base, lease: now.lease, yours: true, via: book.place(resourceId) ? "QUEUE_AUTO_ACQUIRE" : "DIRECT",
      ...(now.handoverNote ? { handoverNote: now.handoverNote } : {}) }]);
  } else if (!now.lease && held) {
    out.push(["lock:released", { ...base, reason: "UNKNOWN", holder: held.holder, fencingToken: held.fencingToken }]);
  }

  const holderKey = (c) => (c?.holder ? `${c.holder.userId}@${c.holder.since}` : null);
  if (before && !now.lease && holderKey(before) !== holderKey(now)) {
    if (before.holder && !before.lease) out.push(["lock:released", { ...base, reason: "UNKNOWN", holder: person(before.holder) }]);
    if (now.holder) {
      out.push(["lock:acquired", { ...base, yours: false, lease: { resourceId, holder: person(now.holder), acquiredAt: now.holder.since,
        expiresAt: now.holder.expiresAt } }]);
    }
  } else if (before?.holder && now.holder && holderKey(before) === holderKey(now) && before.holder.connected !== now.holder.connected) {
    out.push([now.holder.connected ? "lock:holder_resumed" : "lock:holder_disconnected", { ...base, holder: person(now.holder) }]);
  }

  const place = book.place(resourceId);
  if (queue.yourTurn && !before?.queue?.yourTurn) out.push(["lock:your_turn", { ...base, claimBy: queue.claimBy }]);
  else if (!queue.yourTurn && before?.queue?.yourTurn && !now.lease) out.push(["lock:turn_missed", base]);
  else if (queue.position > 0 && place && place.position !== queue.position) {
    out.push(["queue:position", { ...base, position: queue.position,
      ...(typeof queue.estimatedWaitSeconds === "number" ? { estimatedWaitSeconds: queue.estimatedWaitSeconds } : {}) }]);
  } else if (!(queue.position > 0) && place?.position > 0 && !now.lease) out.push(["queue:left", base]);
  return out;
}

function person(holder) {
  return { userId: holder.userId, name: holder.name, role: holder.role };
}
