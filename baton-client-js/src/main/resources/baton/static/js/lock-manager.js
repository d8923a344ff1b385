// Baton lock manager: one WebSocket session per tab, with automatic reconnect (session resumed within the
// server's grace), heartbeats that carry real user activity, request/answer correlation, and a REST fallback
// when WebSockets are unavailable. No build step; import it as an ES module:
//
//   import { LockManager } from "/js/lock-manager.js";
//   const locks = new LockManager({ token: () => sessionStorage.getItem("baton.token") });
//   locks.on("presence:update", (data) => render(data.users));
//   await locks.connect();
//   const answer = await locks.acquire("patient:p-1001");   // {event: "lock:acquired" | "lock:queued" | ..., data}
//
// Every server event is re-emitted to the page under its protocol name (see docs/client.md), plus
// "connection" {state, attempt?, delayMs?} and "lease" {resourceId, lease|null}.

const DEFAULTS = {
  heartbeatSeconds: 60,
  reconnectInitialMs: 500,
  reconnectMaxMs: 15000,
  restAfterFailures: 3,
  pollSeconds: 10,
  requestTimeoutMs: 15000,
};

/** A refusal from the server: code is the stable problem code (LOCK_HELD, QUEUE_FULL, ...). */
export class BatonError extends Error {
  constructor(code, message, status, data) {
    super(message || code);
    this.name = "BatonError";
    this.code = code;
    this.status = status;
    this.data = data;
  }
}

export class LockManager {
  /**
   * @param {object} options
   * @param {string|function():string} options.token the user's JWT, or a function returning the current one
   * @param {string} [options.baseUrl] the Baton origin (default: this page's)
   * @param {number} [options.heartbeatSeconds] LOCK_HEARTBEAT_INTERVAL (default 60)
   * @param {function} [options.WebSocket] WebSocket constructor (tests inject a fake; null forces REST)
   * @param {function} [options.fetch] fetch implementation
   * @param {object} [options.timers] {setTimeout, clearTimeout, setInterval, clearInterval, now}
   * @param {function():number} [options.random] jitter source in [0, 1)
   */
  constructor(options = {}) {
    this.options = { ...DEFAULTS, ...options };
    const loc = globalThis.location;
    this.baseUrl = (options.baseUrl || (loc ? loc.origin : "")).replace(/\/$/, "");
    this.WebSocketImpl = "WebSocket" in options ? options.WebSocket : globalThis.WebSocket;
    this.fetchImpl = options.fetch || ((...args) => globalThis.fetch(...args));
    this.timers = options.timers || {
      setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h),
      setInterval: (f, ms) => setInterval(f, ms), clearInterval: (h) => clearInterval(h), now: () => Date.now(),
    };
    this.random = options.random || Math.random;
    this.handlers = new Map();
    this.pending = new Map();
    this.joined = new Map();   // resourceId -> mode
    this.leases = new Map();   // resourceId -> lease
    this.activity = new Set(); // resourceIds with user activity since the last heartbeat
    this.session = null;
    this.state = "idle";
    this.refCounter = 0;
    this.failures = 0;
    this.everOpened = false;
    this.closedByUs = false;
    this.heartbeatTimer = null;
    this.pollTimer = null;
    this.reconnectTimer = null;
  }

  // ---- events -------------------------------------------------------------------------------------------

  /** Subscribes to an event; returns a function that unsubscribes. "*" receives (event, data). */
  on(event, handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event).add(handler);
    return () => this.handlers.get(event)?.delete(handler);
  }

  emit(event, data) {
    for (const handler of this.handlers.get(event) || []) {
      try { handler(data); } catch (e) { console.error("baton: a handler of", event, "failed", e); }
    }
    for (const handler of this.handlers.get("*") || []) {
      try { handler(event, data); } catch (e) { console.error("baton: a * handler failed", e); }
    }
  }

  token() {
    const t = this.options.token;
    return typeof t === "function" ? t() : t;
  }

  setState(state, extra = {}) {
    this.state = state;
    this.emit("connection", { state, ...extra });
  }

  // ---- connection ---------------------------------------------------------------------------------------

  /** Connects (or falls back to REST); resolves with the session once the server is ready. */
  connect() {
    this.closedByUs = false;
    if (!this.WebSocketImpl) {
      return this.startRest();
    }
    return new Promise((resolve, reject) => {
      this.readyWaiter = { resolve, reject };
      this.open();
    });
  }

  open() {
    const wsBase = this.baseUrl.replace(/^http/, "ws");
    const params = new URLSearchParams({ access_token: this.token() || "" });
    if (this.session?.sessionId) params.set("sessionId", this.session.sessionId);
    this.setState(this.everOpened ? "reconnecting" : "connecting");
    let socket;
    try {
      socket = new this.WebSocketImpl(`${wsBase}/ws?${params}`);
    } catch (e) {
      this.onSocketClosed(null, 1006, String(e));
      return;
    }
    this.socket = socket;
    socket.onmessage = (m) => this.onFrame(m.data);
    socket.onclose = (e) => this.onSocketClosed(socket, e?.code ?? 1006, e?.reason ?? "");
    socket.onerror = () => {};
  }

  onSocketClosed(socket, code, reason) {
    if (socket && socket !== this.socket) return;
    this.socket = null;
    this.stopHeartbeats();
    for (const [, p] of this.pending) {
      this.timers.clearTimeout(p.timer);
      p.reject(new BatonError("DISCONNECTED", "The connection to Baton dropped.", 0));
    }
    this.pending.clear();
    if (this.closedByUs) {
      this.setState("closed");
      return;
    }
    if (code === 1008 && /token|auth/i.test(reason)) {
      this.setState("unauthenticated", { reason });
      this.readyWaiter?.reject(new BatonError("UNAUTHENTICATED", reason, 401));
      this.readyWaiter = null;
      return;
    }
    this.failures += 1;
    if (!this.everOpened && this.failures >= this.options.restAfterFailures) {
      this.startRest().then((s) => { this.readyWaiter?.resolve(s); this.readyWaiter = null; },
        (e) => { this.readyWaiter?.reject(e); this.readyWaiter = null; });
      return;
    }
    const base = Math.min(this.options.reconnectMaxMs, this.options.reconnectInitialMs * 2 ** (this.failures - 1));
    const delayMs = Math.round(base / 2 + (base / 2) * this.random());
    this.setState("waiting", { attempt: this.failures, delayMs, code, reason });
    this.reconnectTimer = this.timers.setTimeout(() => this.open(), delayMs);
  }

  onFrame(text) {
    let message;
    try { message = JSON.parse(text); } catch { return; }
    const { event, data = {}, ref } = message;
    if (event === "session:ready") {
      const resumed = this.session?.sessionId === data.sessionId;
      this.session = data;
      this.failures = 0;
      this.everOpened = true;
      this.setState("open", { resumed });
      if (!resumed) this.rejoin();
      this.startHeartbeats();
      this.readyWaiter?.resolve(data);
      this.readyWaiter = null;
    }
    this.track(event, data);
    if (ref && this.pending.has(ref)) {
      const p = this.pending.get(ref);
      this.pending.delete(ref);
      this.timers.clearTimeout(p.timer);
      if (event === "error") p.reject(new BatonError(data.code, data.message, data.status, data));
      else p.resolve({ event, data });
    }
    this.emit(event, data);
  }

  /** Keeps the lease table in step with the events that grant or end this session's leases. */
  track(event, data) {
    if (event === "lock:acquired" && data.lease && data.yours) {
      this.leases.set(data.resourceId, data.lease);
      this.emit("lease", { resourceId: data.resourceId, lease: data.lease });
    } else if (event === "lock:extended" && data.lease) {
      this.leases.set(data.lease.resourceId, data.lease);
    } else if (event === "lock:released" || event === "lock:taken_by_admin") {
      const held = this.leases.get(data.resourceId);
      if (held && (event === "lock:taken_by_admin" || !data.fencingToken || data.fencingToken === held.fencingToken)) {
        this.leases.delete(data.resourceId);
        this.emit("lease", { resourceId: data.resourceId, lease: null, reason: event === "lock:taken_by_admin" ? "TAKEOVER" : data.reason });
      }
    }
  }

  /** A new session (grace over or server restarted): join again what this tab had joined. */
  rejoin() {
    const held = new Set(this.leases.keys());
    this.leases.clear();
    for (const resourceId of held) this.emit("lease", { resourceId, lease: null, reason: "SESSION_LOST" });
    for (const [resourceId] of this.joined) {
      this.send("resource:join", { resourceId, mode: "viewer" }).catch(() => {});
    }
  }

  /** Closes the connection for good (releases nothing by itself; see releaseAll). */
  close() {
    this.closedByUs = true;
    this.timers.clearTimeout(this.reconnectTimer);
    this.stopHeartbeats();
    this.timers.clearInterval(this.pollTimer);
    if (this.socket) this.socket.close(1000, "bye");
    else this.setState("closed");
  }

  // ---- requests -----------------------------------------------------------------------------------------

  /** Sends an event and resolves with the direct answer ({event, data}); rejects with BatonError on `error`. */
  send(event, data) {
    if (this.state === "rest") return this.restSend(event, data);
    if (!this.socket || this.state !== "open") {
      return Promise.reject(new BatonError("DISCONNECTED", "Not connected to Baton.", 0));
    }
    const ref = `r${++this.refCounter}`;
    return new Promise((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(ref);
        reject(new BatonError("TIMEOUT", `No answer to ${event}.`, 0));
      }, this.options.requestTimeoutMs);
      this.pending.set(ref, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ event, data, ref }));
    });
  }

  join(resourceId, mode = "viewer") {
    this.joined.set(resourceId, mode);
    return this.send("resource:join", { resourceId, mode });
  }

  leave(resourceId) {
    this.joined.delete(resourceId);
    this.leases.delete(resourceId);
    return this.send("resource:leave", { resourceId });
  }

  /** Asks for the editor lock: answers lock:acquired, lock:queued, lock:denied or lock:request_sent. */
  acquire(resourceId) {
    if (!this.joined.has(resourceId)) this.joined.set(resourceId, "viewer");
    return this.send("lock:request", { resourceId });
  }

  release(resourceId, note) {
    const lease = this.leases.get(resourceId);
    return this.send("lock:release", { resourceId, leaseId: lease?.leaseId, ...(note ? { note } : {}) });
  }

  joinQueue(resourceId) { return this.send("queue:join", { resourceId }); }
  leaveQueue(resourceId) { return this.send("queue:leave", { resourceId }); }
  claim(resourceId) { return this.send("lock:claim", { resourceId }); }
  askHolder(resourceId, message) { return this.send("lock:ask_holder", { resourceId, message }); }
  answerRequest(resourceId, requestId, approve, note) {
    return this.send("lock:answer_request", { resourceId, requestId, approve, ...(note ? { note } : {}) });
  }
  takeover(resourceId, reason, emergency) { return this.send("lock:takeover", { resourceId, reason, emergency: !!emergency }); }
  answerTakeover(resourceId, approve, note) {
    return this.send("lock:takeover_answer", { resourceId, approve, ...(note ? { note } : {}) });
  }
  moveHere(resourceId) { return this.send("lock:move_here", { resourceId }); }
  saveDraft(resourceId, data, baseVersion) { return this.send("draft:save", { resourceId, data, baseVersion }); }

  lease(resourceId) { return this.leases.get(resourceId) || null; }

  // ---- heartbeats and activity --------------------------------------------------------------------------

  /** The page calls this on real user activity (typing, clicks); the next heartbeat renews the idle deadline. */
  markActivity(resourceId) {
    if (resourceId) this.activity.add(resourceId);
    else for (const id of this.leases.keys()) this.activity.add(id);
  }

  /** Sends a heartbeat for every held lease now; `active` forces the activity flag (the "keep editing" button). */
  heartbeatNow(active = false) {
    const sends = [];
    for (const [resourceId, lease] of this.leases) {
      const wasActive = active || this.activity.has(resourceId);
      this.activity.delete(resourceId);
      sends.push(this.send("lock:heartbeat", { resourceId, leaseId: lease.leaseId, active: wasActive }).catch((e) => {
        if (e.code === "LEASE_EXPIRED" || e.code === "NOT_LOCK_HOLDER") {
          this.leases.delete(resourceId);
          this.emit("lease", { resourceId, lease: null, reason: e.code });
        }
      }));
    }
    return Promise.all(sends);
  }

  startHeartbeats() {
    this.stopHeartbeats();
    this.heartbeatTimer = this.timers.setInterval(() => this.heartbeatNow(false), this.options.heartbeatSeconds * 1000);
  }

  stopHeartbeats() {
    if (this.heartbeatTimer) this.timers.clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  // ---- page unload --------------------------------------------------------------------------------------

  /**
   * Releases held leases when the page goes away, with navigator.sendBeacon (the token travels in the body,
   * as beacons carry no headers). Call once; returns a function that removes the listener.
   */
  releaseOnUnload(target = globalThis) {
    const handler = () => this.beaconReleaseAll();
    target.addEventListener?.("pagehide", handler);
    return () => target.removeEventListener?.("pagehide", handler);
  }

  beaconReleaseAll() {
    const nav = globalThis.navigator;
    for (const [resourceId, lease] of this.leases) {
      const body = JSON.stringify({ resourceId, leaseId: lease.leaseId, token: this.token(), sessionId: this.session?.sessionId });
      const blob = typeof Blob === "function" ? new Blob([body], { type: "application/json" }) : body;
      if (nav?.sendBeacon) nav.sendBeacon(`${this.baseUrl}/api/locks/release`, blob);
    }
  }

  // ---- REST fallback ------------------------------------------------------------------------------------

  async rest(method, path, body) {
    const headers = { Authorization: `Bearer ${this.token()}`, "Content-Type": "application/json" };
    if (this.session?.sessionId) headers["X-Session-Id"] = this.session.sessionId;
    const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const sessionId = response.headers?.get?.("X-Session-Id");
    if (sessionId && this.session) this.session.sessionId = sessionId;
    const text = await response.text();
    const json = text ? JSON.parse(text) : {};
    if (!response.ok) throw new BatonError(json.code || "HTTP_" + response.status, json.detail, response.status, json);
    return { status: response.status, body: json };
  }

  async startRest() {
    this.session = { sessionId: null, userId: null, rest: true };
    this.setState("rest");
    this.timers.clearInterval(this.pollTimer);
    this.pollTimer = this.timers.setInterval(() => this.poll(), this.options.pollSeconds * 1000);
    this.startHeartbeats();
    return this.session;
  }

  /** Polls check for every joined resource and turns what changed into the same events a socket would push. */
  async poll() {
    for (const [resourceId] of this.joined) {
      const [type, id, child] = resourceId.split(":");
      try {
        const { body } = await this.rest("GET", `/api/locks/check/${type}/${id}${child ? `?child=${child}` : ""}`);
        this.emit("presence:update", { resourceId: body.resourceId, users: body.presence || [] });
        if (body.lease && !this.leases.has(resourceId)) {
          this.leases.set(resourceId, body.lease);
          this.emit("lock:acquired", { resourceId, lease: body.lease, via: "QUEUE_AUTO_ACQUIRE" });
          this.emit("lease", { resourceId, lease: body.lease });
        } else if (body.queue?.yourTurn) {
          this.emit("lock:your_turn", { resourceId, claimBy: body.queue.claimBy });
        }
      } catch (e) {
        this.emit("connection", { state: "rest", error: e.code });
      }
    }
  }

  async restSend(event, data) {
    const id = data?.resourceId;
    const leaseId = data?.leaseId || this.leases.get(id)?.leaseId;
    const asEvent = (name, body) => ({ event: name, data: { resourceId: body.resourceId || id, ...body } });
    switch (event) {
      case "resource:join":
        this.joined.set(id, data.mode || "viewer");
        if (data.mode === "editor") return this.restSend("lock:request", { resourceId: id });
        return { event: "ok", data: { resourceId: id } };
      case "resource:leave":
        this.joined.delete(id);
        if (this.leases.has(id)) await this.restSend("lock:release", { resourceId: id });
        return { event: "ok", data: { resourceId: id } };
      case "lock:request": {
        try {
          const { status, body } = await this.rest("POST", "/api/locks/acquire", { resourceId: id, queue: true });
          if (status === 200) {
            this.leases.set(id, body.lease);
            this.emit("lease", { resourceId: id, lease: body.lease });
            return asEvent("lock:acquired", body);
          }
          return asEvent("lock:queued", body);
        } catch (e) {
          if (e.code === "LOCK_HELD") return asEvent("lock:denied", { code: e.code, currentHolder: e.data?.holder });
          throw e;
        }
      }
      case "lock:release":
        await this.rest("POST", "/api/locks/release", { resourceId: id, leaseId, ...(data.note ? { note: data.note } : {}) });
        this.leases.delete(id);
        this.emit("lease", { resourceId: id, lease: null, reason: "RELEASED" });
        return asEvent("lock:released", { reason: "RELEASED" });
      case "lock:heartbeat": {
        const { body } = await this.rest("POST", "/api/locks/extend", { resourceId: id, leaseId, active: !!data.active });
        this.leases.set(id, body.lease);
        return asEvent("lock:extended", body);
      }
      case "queue:join": return asEvent("lock:queued", (await this.rest("POST", "/api/locks/queue/join", { resourceId: id })).body);
      case "queue:leave": await this.rest("DELETE", "/api/locks/queue/leave", { resourceId: id }); return { event: "ok", data: {} };
      case "lock:claim": return this.restAcquired("/api/locks/claim", { resourceId: id });
      case "lock:move_here": return this.restAcquired("/api/locks/move-here", { resourceId: id });
      case "lock:takeover": {
        const { status, body } = await this.rest("POST", "/api/locks/force-release", data);
        if (status === 200) {
          this.leases.set(id, body.lease);
          return asEvent("lock:acquired", body);
        }
        return asEvent("lock:takeover_pending", body);
      }
      case "lock:ask_holder": return asEvent("lock:request_sent", (await this.rest("POST", "/api/locks/ask-holder", data)).body);
      case "lock:answer_request": await this.rest("POST", "/api/locks/answer-request", data); return { event: "ok", data: {} };
      case "lock:takeover_answer": await this.rest("POST", "/api/locks/takeover-answer", data); return { event: "ok", data: {} };
      case "draft:save": return asEvent("draft:saved", (await this.rest("POST", "/api/autosave/save", data)).body);
      default: throw new BatonError("UNSUPPORTED", `${event} needs the WebSocket.`, 0);
    }
  }

  async restAcquired(path, body) {
    const { body: answer } = await this.rest("POST", path, body);
    this.leases.set(body.resourceId, answer.lease);
    this.emit("lease", { resourceId: body.resourceId, lease: answer.lease });
    return { event: "lock:acquired", data: { resourceId: body.resourceId, ...answer } };
  }
}
