// Baton lock manager: one session per tab, over a WebSocket with automatic reconnect (the session is resumed within
// the server's grace), or over REST when WebSockets are unavailable — with the same calls, answers and events
// either way. No build step; import it as an ES module:
//
//   import { LockManager } from "/js/lock-manager.js";
//   const locks = new LockManager({ token: () => sessionStorage.getItem("baton.token") });
//   locks.on("presence:update", (data) => render(data.users));   // the whole list, rebuilt from deltas too
//   await locks.configure();                               // heartbeat interval and limits from the server
//   await locks.connect();
//   const answer = await locks.acquire("patient:p-1001");   // {event: "lock:acquired" | "lock:queued" | ..., data}
//
// Every server event is re-emitted to the page under its protocol name (see docs/client.md), plus
// "connection" {state, ...}, "lease" {resourceId, lease|null, reason?} and "queue:position" {resourceId, position,
// estimatedWaitSeconds}. The parts: lock/socket-transport.js and lock/rest-transport.js carry requests,
// lock/backoff.js paces reconnects, lock/lease-book.js keeps leases and queue places, lock/event-order.js drops
// events older than what was already seen, lock/presence-book.js rebuilds presence from the deltas the WebSocket
// asks for (?presence=delta): the page still hears presence:update with every user, after each presence:delta.
import { Backoff } from "./lock/backoff.js";
import { BatonError } from "./lock/errors.js";
import { Emitter } from "./lock/emitter.js";
import { EventOrder } from "./lock/event-order.js";
import { LeaseBook } from "./lock/lease-book.js";
import { PresenceBook } from "./lock/presence-book.js";
import { RestTransport } from "./lock/rest-transport.js";
import { SocketTransport } from "./lock/socket-transport.js";

export { BatonError };

const DEFAULTS = {
  heartbeatSeconds: 60,
  reconnectInitialMs: 500,
  reconnectMaxMs: 8000, // a tab that just missed a restart is back within 8 s: every tab within RELIABILITY's 15 s
  restAfterFailures: 3,
  pollSeconds: 10,
  requestTimeoutMs: 15000,
};

export class LockManager {
  /**
   * @param {object} options
   * @param {string|function():string} options.token the user's JWT, or a function returning the current one
   * @param {string} [options.baseUrl] the Baton origin (default: this page's)
   * @param {number} [options.heartbeatSeconds] LOCK_HEARTBEAT_INTERVAL (default 60; configure() reads the server's)
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
    this.timers = options.timers || {
      setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h),
      setInterval: (f, ms) => setInterval(f, ms), clearInterval: (h) => clearInterval(h), now: () => Date.now(),
    };
    this.events = new Emitter();
    this.book = new LeaseBook();
    this.order = new EventOrder();
    this.presence = new PresenceBook();
    this.presenceAsked = new Set(); // resourceIds whose full list was asked for after a gap, until it comes
    this.backoff = new Backoff({ initialMs: this.options.reconnectInitialMs, maxMs: this.options.reconnectMaxMs,
      random: options.random || Math.random });
    this.socket = new SocketTransport({ WebSocket: this.WebSocketImpl, timers: this.timers, requestTimeoutMs: this.options.requestTimeoutMs,
      onMessage: (event, data, ref) => this.receive(event, data, ref), onClose: (code, reason) => this.socketClosed(code, reason) });
    this.rest = new RestTransport({ baseUrl: this.baseUrl, fetch: options.fetch || ((...args) => globalThis.fetch(...args)),
      token: () => this.token(), book: this.book, deliver: (event, data) => this.receive(event, data) });
    this.config = { heartbeatSeconds: this.options.heartbeatSeconds }; // configure() adds the server's limits
    this.activity = new Set(); // resourceIds with user activity since the last heartbeat
    this.session = null;
    this.state = "idle";
    this.everOpened = false;
    this.closedByUs = false;
    this.heartbeatTimer = null;
    this.pollTimer = null;
    this.reconnectTimer = null;
  }

  // ---- events -------------------------------------------------------------------------------------------

  /** Subscribes to an event; returns a function that unsubscribes. "*" receives (event, data). */
  on(event, handler) {
    return this.events.on(event, handler);
  }

  emit(event, data) {
    this.events.emit(event, data);
  }

  token() {
    const t = this.options.token;
    return typeof t === "function" ? t() : t;
  }

  setState(state, extra = {}) {
    this.state = state;
    this.emit("connection", { state, ...extra });
  }

  /**
   * Every event from either transport passes here: older-than-seen events are dropped, the lease book follows,
   * the waiting request (if any) gets its answer, and the page hears the event and what it implies.
   */
  receive(event, data = {}, ref) {
    if (event === "session:ready") this.ready(data);
    if (event === "presence:delta") {
      this.presenceDelta(data);
      return;
    }
    const stale = this.order.isStale(data);
    if (event === "presence:update" && !stale && typeof data.resourceId === "string") this.presence.full(data);
    const implied = stale ? [] : this.book.apply(event, data);
    this.socket.settle(ref, event, data);
    if (stale) return;
    this.emit(event, data);
    for (const [name, payload] of implied) this.emit(name, payload);
  }

  /**
   * A presence delta: applied to the presence held, then the page hears it and the whole list as presence:update
   * (so a page that only renders presence:update works unchanged). A gap asks for the full list, once at a time.
   */
  presenceDelta(data) {
    if (this.order.isStale(data)) return;
    const result = this.presence.delta(data);
    if (result.gap) {
      this.askPresence(data.resourceId);
      return;
    }
    if (!result.applied) return;
    const full = { resourceId: data.resourceId, version: data.version, users: result.applied };
    const implied = this.book.apply("presence:update", full);
    this.emit("presence:delta", data);
    this.emit("presence:update", full);
    for (const [name, payload] of implied) this.emit(name, payload);
  }

  askPresence(resourceId) {
    if (this.presenceAsked.has(resourceId)) return;
    this.presenceAsked.add(resourceId);
    this.send("presence:get", { resourceId }).catch(() => {}).finally(() => this.presenceAsked.delete(resourceId));
  }

  // ---- configuration ------------------------------------------------------------------------------------

  /**
   * Reads the server's client configuration (GET /api/client-config): heartbeat interval, autosave timing, the
   * longest message or note, who may take over. Returns it; `locks.config` keeps it.
   */
  async configure() {
    const { body } = await this.rest.call("GET", "/api/client-config");
    this.config = { ...this.config, ...body };
    if (body.heartbeatSeconds) this.options.heartbeatSeconds = body.heartbeatSeconds;
    return this.config;
  }

  // ---- connection ---------------------------------------------------------------------------------------

  /** Connects (or falls back to REST); resolves with the session once the server is ready. */
  connect() {
    this.closedByUs = false;
    if (!this.WebSocketImpl) return this.startRest();
    return new Promise((resolve, reject) => {
      this.readyWaiter = { resolve, reject };
      this.open();
    });
  }

  open() {
    const params = new URLSearchParams({ access_token: this.token() || "", presence: "delta" });
    if (this.session?.sessionId) params.set("sessionId", this.session.sessionId);
    this.setState(this.everOpened ? "reconnecting" : "connecting");
    this.socket.open(`${this.baseUrl.replace(/^http/, "ws")}/ws?${params}`);
  }

  ready(data) {
    const resumed = this.session?.sessionId === data.sessionId;
    this.session = data;
    this.backoff.reset();
    this.everOpened = true;
    this.setState("open", { resumed });
    if (!resumed) {
      this.order.reset();
      this.presence.reset();
      for (const [name, payload] of this.book.sessionLost()) this.emit(name, payload);
      for (const [resourceId] of this.book.joined) this.send("resource:join", { resourceId, mode: "viewer" }).catch(() => {});
    }
    this.startHeartbeats();
    this.readyWaiter?.resolve(data);
    this.readyWaiter = null;
  }

  socketClosed(code, reason) {
    this.stopHeartbeats();
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
    const delayMs = this.backoff.next();
    if (!this.everOpened && this.backoff.failures >= this.options.restAfterFailures) {
      this.startRest().then((s) => { this.readyWaiter?.resolve(s); this.readyWaiter = null; },
        (e) => { this.readyWaiter?.reject(e); this.readyWaiter = null; });
      return;
    }
    this.setState("waiting", { attempt: this.backoff.failures, delayMs, code, reason });
    this.reconnectTimer = this.timers.setTimeout(() => this.open(), delayMs);
  }

  /** Closes the connection for good (releases nothing by itself; see releaseOnUnload). */
  close() {
    this.closedByUs = true;
    this.timers.clearTimeout(this.reconnectTimer);
    this.stopHeartbeats();
    this.timers.clearInterval(this.pollTimer);
    if (this.socket.isOpen) this.socket.close(1000, "bye");
    else this.setState("closed");
  }

  async startRest() {
    this.session = { sessionId: null, userId: null, rest: true };
    const config = await this.rest.start().catch(() => ({})); // polling reports the failures that matter
    this.config = { ...this.config, ...config };
    this.session.sessionId = this.rest.sessionId;
    this.setState("rest");
    this.timers.clearInterval(this.pollTimer);
    this.pollTimer = this.timers.setInterval(() => this.poll(), this.options.pollSeconds * 1000);
    this.startHeartbeats();
    return this.session;
  }

  /** REST only: asks `check` for every joined resource now; what changed arrives as the usual events. */
  async poll() {
    const failures = await this.rest.poll();
    if (failures.length) this.emit("connection", { state: "rest", error: failures[0].code });
  }

  // ---- requests -----------------------------------------------------------------------------------------

  /** Sends an event and resolves with the direct answer ({event, data}); rejects with BatonError on `error`. */
  send(event, data) {
    if (this.state === "rest") {
      return this.rest.request(event, data).then((answer) => {
        this.session.sessionId = this.rest.sessionId;
        this.receive(answer.event, answer.data);
        return answer;
      });
    }
    if (this.state !== "open") return Promise.reject(new BatonError("DISCONNECTED", "Not connected to Baton.", 0));
    return this.socket.request(event, data);
  }

  /** Refuses a message, note or reason longer than the server accepts (once configure() told), before sending it. */
  checkLength(text, what) {
    const max = this.config.maxMessageLength;
    if (typeof max === "number" && typeof text === "string" && text.length > max) {
      return Promise.reject(new BatonError("MESSAGE_TOO_LONG", `The ${what} is ${text.length} characters; at most ${max} are allowed.`, 400));
    }
    return null;
  }

  join(resourceId, mode = "viewer") {
    this.book.join(resourceId, mode);
    return this.send("resource:join", { resourceId, mode });
  }

  leave(resourceId) {
    const answer = this.send("resource:leave", { resourceId });
    for (const [name, payload] of this.book.leave(resourceId)) this.emit(name, payload);
    return answer;
  }

  /** Asks for the editor lock: answers lock:acquired, lock:queued, lock:denied or lock:request_sent. */
  acquire(resourceId) {
    if (!this.book.joined.has(resourceId)) this.book.join(resourceId, "viewer");
    return this.send("lock:request", { resourceId });
  }

  release(resourceId, note) {
    const lease = this.book.lease(resourceId);
    return this.checkLength(note, "note")
      || this.send("lock:release", { resourceId, ...(lease ? { leaseId: lease.leaseId } : {}), ...(note ? { note } : {}) });
  }

  joinQueue(resourceId) { return this.send("queue:join", { resourceId }); }
  leaveQueue(resourceId) { return this.send("queue:leave", { resourceId }); }
  claim(resourceId) { return this.send("lock:claim", { resourceId }); }
  askHolder(resourceId, message) {
    return this.checkLength(message, "message") || this.send("lock:ask_holder", { resourceId, message });
  }
  answerRequest(resourceId, requestId, approve, note) {
    return this.checkLength(note, "note")
      || this.send("lock:answer_request", { resourceId, requestId, approve, ...(note ? { note } : {}) });
  }
  takeover(resourceId, reason, emergency) {
    return this.checkLength(reason, "reason") || this.send("lock:takeover", { resourceId, reason, emergency: !!emergency });
  }
  answerTakeover(resourceId, approve, note) {
    return this.checkLength(note, "note") || this.send("lock:takeover_answer", { resourceId, approve, ...(note ? { note } : {}) });
  }
  /**
   * After losing the lock (takeover, admin release): leaves a note for whoever edits the record now, or for the next
   * editor. The lease this tab lost proves who it was; without one, the server answers NOTE_NOT_ALLOWED.
   */
  leaveNote(resourceId, note) {
    const ended = this.book.endedLease(resourceId);
    return this.checkLength(note, "note") || this.send("lock:leave_note", { resourceId, leaseId: ended?.leaseId ?? "", note });
  }
  moveHere(resourceId) { return this.send("lock:move_here", { resourceId }); }
  saveDraft(resourceId, data, baseVersion) { return this.send("draft:save", { resourceId, data, baseVersion }); }

  /** The lease this tab holds on a resource, or null. */
  lease(resourceId) { return this.book.lease(resourceId); }

  /** This tab's place in a resource's queue ({position, estimatedWaitSeconds, claimBy?}), or null. */
  place(resourceId) { return this.book.place(resourceId); }

  // ---- heartbeats and activity --------------------------------------------------------------------------

  /** The page calls this on real user activity (typing, clicks); the next heartbeat renews the idle deadline. */
  markActivity(resourceId) {
    if (resourceId) this.activity.add(resourceId);
    else for (const id of this.book.leases.keys()) this.activity.add(id);
  }

  /** Sends a heartbeat for every held lease now; `active` forces the activity flag (the "keep editing" button). */
  heartbeatNow(active = false) {
    const sends = [];
    for (const [resourceId, lease] of this.book.leases) {
      const wasActive = active || this.activity.has(resourceId);
      this.activity.delete(resourceId);
      sends.push(this.send("lock:heartbeat", { resourceId, leaseId: lease.leaseId, active: wasActive }).catch((e) => {
        if (e.code === "LEASE_EXPIRED" || e.code === "NOT_LOCK_HOLDER") {
          for (const [name, payload] of this.book.drop(resourceId, e.code)) this.emit(name, payload);
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
    for (const [resourceId, lease] of this.book.leases) {
      const body = JSON.stringify({ resourceId, leaseId: lease.leaseId, token: this.token(), sessionId: this.session?.sessionId });
      const blob = typeof Blob === "function" ? new Blob([body], { type: "application/json" }) : body;
      if (nav?.sendBeacon) nav.sendBeacon(`${this.baseUrl}/api/locks/release`, blob);
    }
  }
}
