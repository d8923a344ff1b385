import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { LockManager, BatonError } from "../../main/resources/baton/static/js/lock-manager.js";
import { FakeTimers, FakeSocket, fakeFetch, flush } from "./fakes.mjs";

const lease = (id, extra = {}) => ({ resourceId: id, leaseId: "L-" + id, fencingToken: 3, holder: { userId: "chen" }, ...extra });
let timers;

beforeEach(() => {
  FakeSocket.reset();
  timers = new FakeTimers();
});

function manager(options = {}) {
  return new LockManager({ baseUrl: "http://baton.test", token: "T1", WebSocket: FakeSocket, timers, random: () => 0.5, ...options });
}

async function connected(options) {
  const locks = manager(options);
  const ready = locks.connect();
  FakeSocket.latest().receive("session:ready", { sessionId: "s_1", userId: "chen" });
  await ready;
  return locks;
}

/** Answers the last request of `event` on the current socket. */
function answer(event, reply, data) {
  const socket = FakeSocket.latest();
  socket.receive(reply, data, socket.last(event).ref);
}

test("connects with the token on the upgrade and resolves with the session", async () => {
  const locks = await connected();
  assert.match(FakeSocket.latest().url, /^ws:\/\/baton\.test\/ws\?access_token=T1&presence=delta$/);
  assert.equal(locks.session.sessionId, "s_1");
  assert.equal(locks.state, "open");
});

test("answers are matched to requests by ref; refusals reject with the problem code", async () => {
  const locks = await connected();
  const granted = locks.acquire("catheter:7");
  const queued = locks.joinQueue("catheter:8");
  answer("queue:join", "lock:queued", { resourceId: "catheter:8", position: 2 });
  answer("lock:request", "lock:acquired", { resourceId: "catheter:7", lease: lease("catheter:7"), yours: true });
  assert.equal((await queued).data.position, 2);
  assert.equal((await granted).event, "lock:acquired");
  assert.equal(locks.lease("catheter:7").leaseId, "L-catheter:7");

  const refused = locks.claim("catheter:9");
  answer("lock:claim", "error", { code: "NO_TURN", message: "It is not your turn", status: 409 });
  await assert.rejects(refused, (e) => e instanceof BatonError && e.code === "NO_TURN" && e.status === 409);
});

test("events reach subscribers by name and through '*'; unsubscribe stops them", async () => {
  const locks = await connected();
  const seen = [];
  const off = locks.on("presence:update", (d) => seen.push(d.users.length));
  const all = [];
  locks.on("*", (event) => all.push(event));
  FakeSocket.latest().receive("presence:update", { resourceId: "patient:1:main", users: [{}, {}] });
  off();
  FakeSocket.latest().receive("presence:update", { resourceId: "patient:1:main", users: [{}] });
  assert.deepEqual(seen, [2]);
  assert.deepEqual(all, ["presence:update", "presence:update"]);
});

test("heartbeats go out every interval for held leases, active only after real activity", async () => {
  const locks = await connected({ heartbeatSeconds: 60 });
  const acquired = locks.acquire("catheter:7");
  answer("lock:request", "lock:acquired", { resourceId: "catheter:7", lease: lease("catheter:7"), yours: true });
  await acquired;
  const socket = FakeSocket.latest();
  await timers.advance(59_000);
  assert.equal(socket.sent.filter((m) => m.event === "lock:heartbeat").length, 0);
  await timers.advance(1_000);
  assert.deepEqual(socket.last("lock:heartbeat").data, { resourceId: "catheter:7", leaseId: "L-catheter:7", active: false });
  locks.markActivity("catheter:7");
  await timers.advance(60_000);
  assert.equal(socket.last("lock:heartbeat").data.active, true);
  await timers.advance(60_000);
  assert.equal(socket.last("lock:heartbeat").data.active, false, "activity counts once");
});

test("a lease granted to another session is not taken for ours", async () => {
  const locks = await connected();
  FakeSocket.latest().receive("lock:acquired", { resourceId: "catheter:7", lease: lease("catheter:7"), yours: false });
  assert.equal(locks.lease("catheter:7"), null);
});

test("a dropped connection reconnects with growing, capped backoff and resumes the session", async () => {
  const locks = await connected({ reconnectInitialMs: 1000, reconnectMaxMs: 4000 });
  const states = [];
  locks.on("connection", (s) => states.push(s));
  FakeSocket.latest().drop();
  assert.equal(states.at(-1).state, "waiting");
  assert.equal(states.at(-1).delayMs, 750, "half the base plus jitter");
  await timers.advance(750);
  assert.equal(FakeSocket.opened.length, 2);
  assert.match(FakeSocket.latest().url, /sessionId=s_1/);
  FakeSocket.latest().drop();
  assert.equal(states.at(-1).delayMs, 1500);
  await timers.advance(1500);
  FakeSocket.latest().drop();
  assert.equal(states.at(-1).delayMs, 3000);
  await timers.advance(3000);
  FakeSocket.latest().drop();
  assert.equal(states.at(-1).delayMs, 3000, "capped at reconnectMaxMs");
  await timers.advance(3000);
  FakeSocket.latest().receive("session:ready", { sessionId: "s_1", userId: "chen" });
  assert.deepEqual(states.at(-1), { state: "open", resumed: true });
});

test("a new session after the grace drops the old leases and re-joins the resources", async () => {
  const locks = await connected();
  const joined = locks.join("patient:1:main", "viewer");
  answer("resource:join", "ok", {});
  await joined;
  const acquired = locks.acquire("patient:1:main");
  answer("lock:request", "lock:acquired", { resourceId: "patient:1:main", lease: lease("patient:1:main"), yours: true });
  await acquired;
  const lost = [];
  locks.on("lease", (e) => lost.push(e));
  FakeSocket.latest().drop();
  await timers.advance(1000);
  FakeSocket.latest().receive("session:ready", { sessionId: "s_2", userId: "chen" });
  await flush();
  assert.deepEqual(lost, [{ resourceId: "patient:1:main", lease: null, reason: "SESSION_LOST" }]);
  assert.deepEqual(FakeSocket.latest().last("resource:join").data, { resourceId: "patient:1:main", mode: "viewer" });
});

test("requests fail fast while disconnected, and pending ones fail when the socket drops", async () => {
  const locks = await connected();
  const pending = locks.acquire("catheter:1");
  FakeSocket.latest().drop();
  await assert.rejects(pending, (e) => e.code === "DISCONNECTED");
  await assert.rejects(locks.acquire("catheter:2"), (e) => e.code === "DISCONNECTED");
});

test("an unanswered request times out", async () => {
  const locks = await connected({ requestTimeoutMs: 5000 });
  const refused = assert.rejects(locks.acquire("catheter:1"), (e) => e.code === "TIMEOUT");
  await timers.advance(5000);
  await refused;
});

test("without WebSockets the same calls work over REST, with heartbeats and polling", async () => {
  const fetch = fakeFetch({
    "POST /api/locks/acquire": [200, { status: "acquired", lease: lease("catheter:7") }, { "X-Session-Id": "s_rest" }],
    "POST /api/locks/extend": (call) => [200, { lease: lease("catheter:7") }],
    "POST /api/locks/release": [200, { released: true }],
    "GET /api/locks/check/catheter/7": [200, { resourceId: "catheter:7:main", presence: [{ userId: "chen" }], lease: lease("catheter:7") }],
    "GET /api/client-config": [200, { heartbeatSeconds: 60 }],
  });
  const locks = manager({ WebSocket: null, fetch, heartbeatSeconds: 60, pollSeconds: 10 });
  await locks.connect();
  assert.equal(locks.state, "rest");
  const answerOf = await locks.acquire("catheter:7");
  assert.equal(answerOf.event, "lock:acquired");
  assert.equal(locks.session.sessionId, "s_rest");
  const presence = [];
  locks.on("presence:update", (d) => presence.push(d));
  await timers.advance(60_000);
  const extend = fetch.calls.find((c) => c.key === "POST /api/locks/extend");
  assert.deepEqual(extend.body, { resourceId: "catheter:7", leaseId: "L-catheter:7", active: false });
  assert.equal(extend.init.headers["X-Session-Id"], "s_rest");
  assert.ok(presence.length >= 1, "polling turns check into presence events");
  await locks.release("catheter:7");
  assert.equal(locks.lease("catheter:7"), null);
});

test("a WebSocket that never opens falls back to REST after a few failures", async () => {
  const locks = manager({ restAfterFailures: 3, fetch: fakeFetch({ "GET /api/client-config": [200, {}, { "X-Session-Id": "s_r" }] }) });
  const ready = locks.connect();
  FakeSocket.latest().drop();
  await timers.advance(10_000);
  FakeSocket.latest().drop();
  await timers.advance(10_000);
  FakeSocket.latest().drop();
  assert.equal((await ready).sessionId, "s_r");
  assert.equal(locks.state, "rest");
});

test("page unload releases held leases with a beacon carrying token and session", async () => {
  const locks = await connected();
  const acquired = locks.acquire("catheter:7");
  answer("lock:request", "lock:acquired", { resourceId: "catheter:7", lease: lease("catheter:7"), yours: true });
  await acquired;
  const beacons = [];
  const original = globalThis.navigator;
  Object.defineProperty(globalThis, "navigator", { value: { sendBeacon: (url, body) => beacons.push({ url, body }) }, configurable: true });
  const listeners = {};
  locks.releaseOnUnload({ addEventListener: (name, fn) => { listeners[name] = fn; } });
  listeners.pagehide();
  Object.defineProperty(globalThis, "navigator", { value: original, configurable: true });
  assert.equal(beacons.length, 1);
  assert.equal(beacons[0].url, "http://baton.test/api/locks/release");
  const body = JSON.parse(await beacons[0].body.text());
  assert.deepEqual(body, { resourceId: "catheter:7", leaseId: "L-catheter:7", token: "T1", sessionId: "s_1" });
});

test("a takeover ends our lease and tells the page", async () => {
  const locks = await connected();
  const acquired = locks.acquire("catheter:7");
  answer("lock:request", "lock:acquired", { resourceId: "catheter:7", lease: lease("catheter:7"), yours: true });
  await acquired;
  const leases = [];
  locks.on("lease", (e) => leases.push(e));
  FakeSocket.latest().receive("lock:taken_by_admin", { resourceId: "catheter:7", by: { name: "Dr. Sharma" }, reason: "bleeding" });
  assert.deepEqual(leases, [{ resourceId: "catheter:7", lease: null, reason: "TAKEOVER" }]);
});
