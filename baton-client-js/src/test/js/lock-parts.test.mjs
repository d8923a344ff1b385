// The lock manager's parts on their own and together: event order by version, queue places, the same behaviour
// over the WebSocket and over the REST fallback, and limits taken from the server's client configuration.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { LockManager } from "../../main/resources/baton/static/js/lock-manager.js";
import { EventOrder } from "../../main/resources/baton/static/js/lock/event-order.js";
import { LeaseBook } from "../../main/resources/baton/static/js/lock/lease-book.js";
import { Backoff } from "../../main/resources/baton/static/js/lock/backoff.js";
import { FakeTimers, FakeSocket, fakeFetch, flush } from "./fakes.mjs";

const RID = "catheter:7:main";
const lease = (extra = {}) => ({ resourceId: RID, leaseId: "L-7", fencingToken: 4, holder: { userId: "chen", name: "Dr. Mei Chen" }, ...extra });
let timers;

beforeEach(() => {
  FakeSocket.reset();
  timers = new FakeTimers();
});

async function overSocket(options = {}) {
  const locks = new LockManager({ baseUrl: "http://baton.test", token: "T1", WebSocket: FakeSocket, timers, random: () => 0.5, ...options });
  const ready = locks.connect();
  FakeSocket.latest().receive("session:ready", { sessionId: "s_1", userId: "chen" });
  await ready;
  return locks;
}

function answer(event, reply, data) {
  const socket = FakeSocket.latest();
  socket.receive(reply, data, socket.last(event).ref);
}

function record(locks, names) {
  const seen = [];
  for (const name of names) locks.on(name, (data) => seen.push([name, data]));
  return seen;
}

test("event order: older versions are dropped, equal and missing versions pass, per resource", () => {
  const order = new EventOrder();
  assert.equal(order.isStale({ resourceId: "a", version: 5 }), false);
  assert.equal(order.isStale({ resourceId: "a", version: 5 }), false, "one decision's events share a version");
  assert.equal(order.isStale({ resourceId: "a", version: 4 }), true);
  assert.equal(order.isStale({ resourceId: "a" }), false, "no version: always newer");
  assert.equal(order.isStale({ resourceId: "b", version: 1 }), false, "another resource has its own count");
  order.reset();
  assert.equal(order.isStale({ resourceId: "a", version: 1 }), false, "a new session starts over");
});

test("a late presence:update older than the one shown never reaches the page", async () => {
  const locks = await overSocket();
  const shown = record(locks, ["presence:update"]);
  const socket = FakeSocket.latest();
  socket.receive("presence:update", { resourceId: RID, version: 8, users: [{ userId: "chen" }, { userId: "okafor" }] });
  socket.receive("presence:update", { resourceId: RID, version: 7, users: [{ userId: "chen" }] });
  socket.receive("presence:update", { resourceId: RID, users: [{ userId: "chen" }, { userId: "okafor" }, { userId: "sharma" }] });
  assert.deepEqual(shown.map(([, d]) => d.users.length), [2, 3]);
});

test("a stale answer still settles its request, but is not replayed as news", async () => {
  const locks = await overSocket();
  const seen = record(locks, ["lock:queued"]);
  FakeSocket.latest().receive("presence:update", { resourceId: RID, version: 9, users: [] });
  const queued = locks.joinQueue(RID);
  answer("queue:join", "lock:queued", { resourceId: RID, version: 8, position: 1 });
  assert.equal((await queued).data.position, 1);
  assert.deepEqual(seen, []);
});

test("queue position follows presence until the server sends queue:position itself", async () => {
  const locks = await overSocket();
  const positions = record(locks, ["queue:position"]);
  const socket = FakeSocket.latest();
  const joined = locks.joinQueue(RID);
  answer("queue:join", "lock:queued", { resourceId: RID, position: 3, estimatedWaitSeconds: 900 });
  await joined;
  const queued = (...ids) => ids.map((userId) => ({ userId, mode: "queued" }));
  socket.receive("presence:update", { resourceId: RID, users: [{ userId: "sharma", mode: "editor", hasLock: true }, ...queued("okafor", "chen")] });
  assert.deepEqual(positions.at(-1)[1], { resourceId: RID, position: 2, estimatedWaitSeconds: 600, derived: true });
  assert.deepEqual(locks.place(RID), { position: 2, estimatedWaitSeconds: 600 });
  socket.receive("presence:update", { resourceId: RID, users: [{ userId: "sharma", mode: "viewer" }, ...queued("okafor", "chen")] });
  assert.equal(positions.length, 1, "no change, no news");

  socket.receive("queue:position", { resourceId: RID, position: 1, estimatedWaitSeconds: 240 });
  socket.receive("presence:update", { resourceId: RID, users: queued("okafor", "lindqvist", "chen") });
  assert.deepEqual(positions.map(([, d]) => d.position), [2, 1], "the server's positions win once they arrive");
  assert.equal(locks.place(RID).estimatedWaitSeconds, 240);

  socket.receive("lock:acquired", { resourceId: RID, lease: lease(), yours: true, via: "QUEUE_AUTO_ACQUIRE" });
  assert.equal(locks.place(RID), null, "served: no longer waiting");
  assert.equal(locks.lease(RID).leaseId, "L-7");
});

test("a new session forgets old leases and queue places and says so", () => {
  const book = new LeaseBook();
  book.apply("lock:acquired", { resourceId: "a:1:main", lease: { fencingToken: 1 }, yours: true });
  book.apply("lock:queued", { resourceId: "b:1:main", position: 2 });
  assert.deepEqual(book.sessionLost(), [
    ["lease", { resourceId: "a:1:main", lease: null, reason: "SESSION_LOST" }],
    ["queue:left", { resourceId: "b:1:main", reason: "SESSION_LOST" }]]);
  assert.equal(book.place("b:1:main"), null);
});

test("backoff doubles up to its cap, with half of each step jittered, and starts over after a success", () => {
  const backoff = new Backoff({ initialMs: 100, maxMs: 400, random: () => 1 });
  assert.deepEqual([backoff.next(), backoff.next(), backoff.next(), backoff.next()], [100, 200, 400, 400]);
  backoff.reset();
  assert.equal(backoff.next(), 100);
});

/**
 * One scenario, told by a fake server over either transport: the tab joins, asks for the lock, is queued at 2,
 * moves up to 1, and is handed the lock by auto-acquire. The page must hear the same story both ways.
 */
const STORY = ["lock:queued", "queue:position", "lock:acquired", "lease"];
const summary = (seen) => seen.map(([name, d]) => [name, d.position ?? d.via ?? (d.lease ? "lease" : null)]);

test("the queue behaves the same over the WebSocket and over REST", async () => {
  const ws = await overSocket();
  const wsSeen = record(ws, STORY);
  const joined = ws.join(RID);
  answer("resource:join", "ok", { resourceId: RID });
  await joined;
  const asked = ws.acquire(RID);
  answer("lock:request", "lock:queued", { resourceId: RID, position: 2, estimatedWaitSeconds: 600 });
  await asked;
  FakeSocket.latest().receive("presence:update", { resourceId: RID,
    users: [{ userId: "sharma", mode: "editor", hasLock: true }, { userId: "chen", mode: "queued" }] });
  FakeSocket.latest().receive("lock:acquired", { resourceId: RID, lease: lease(), yours: true, via: "QUEUE_AUTO_ACQUIRE" });

  const checks = [
    { presence: [], queue: { length: 2, position: 2 }, holder: { userId: "sharma", since: "t0", connected: true } },
    { presence: [{ userId: "chen", mode: "queued" }], queue: { length: 1, position: 1 }, holder: { userId: "sharma", since: "t0", connected: true } },
    { presence: [{ userId: "chen", mode: "editor" }], queue: { length: 0, position: 0 }, holder: { userId: "chen", since: "t1", connected: true },
      lease: lease() },
  ];
  let poll = 0;
  const fetch = fakeFetch({
    "GET /api/client-config": [200, {}, { "X-Session-Id": "s_r" }],
    "GET /api/locks/check/catheter/7": () => [200, { resourceId: RID, ...checks[Math.min(poll++, checks.length - 1)] }],
    "POST /api/locks/acquire": [202, { resourceId: RID, status: "queued", position: 2, estimatedWaitSeconds: 600 }],
  });
  const rest = new LockManager({ baseUrl: "http://baton.test", token: "T1", WebSocket: null, fetch, timers, pollSeconds: 10 });
  await rest.connect();
  const restSeen = record(rest, STORY);
  await rest.join(RID);
  await rest.acquire(RID);
  await timers.advance(20_000);

  assert.deepEqual(summary(restSeen), summary(wsSeen));
  assert.deepEqual(summary(wsSeen), [["lock:queued", 2], ["queue:position", 1], ["lock:acquired", "QUEUE_AUTO_ACQUIRE"], ["lease", "lease"]]);
  assert.equal(rest.lease(RID).leaseId, "L-7");
  assert.equal(rest.place(RID), null);
});

test("over REST a turn is announced once, and a missed one too", async () => {
  let check = { presence: [], queue: { length: 0, position: 1 } };
  const fetch = fakeFetch({
    "GET /api/client-config": [200, {}],
    "GET /api/locks/check/catheter/7": () => [200, { resourceId: RID, ...check }],
    "POST /api/locks/queue/join": [202, { resourceId: RID, status: "queued", position: 1, estimatedWaitSeconds: 300 }],
  });
  const locks = new LockManager({ baseUrl: "http://baton.test", token: "T1", WebSocket: null, fetch, timers, pollSeconds: 10 });
  await locks.connect();
  const seen = record(locks, ["lock:your_turn", "lock:turn_missed", "queue:left"]);
  await locks.join(RID);
  await locks.joinQueue(RID);
  check = { presence: [], queue: { length: 0, position: 0, yourTurn: true, claimBy: "2026-01-13T09:00:30Z" } };
  await timers.advance(30_000);
  check = { presence: [], queue: { length: 0, position: 0 } };
  await timers.advance(10_000);
  assert.deepEqual(seen.map(([name]) => name), ["lock:your_turn", "lock:turn_missed"]);
});

test("over REST, a lease that disappears from check is reported lost", async () => {
  let held = true;
  const fetch = fakeFetch({
    "GET /api/client-config": [200, {}],
    "POST /api/locks/acquire": [200, { resourceId: RID, status: "acquired", lease: lease() }],
    "GET /api/locks/check/catheter/7": () => [200, { resourceId: RID, presence: [], queue: {}, ...(held ? { lease: lease() } : {}) }],
  });
  const locks = new LockManager({ baseUrl: "http://baton.test", token: "T1", WebSocket: null, fetch, timers, pollSeconds: 10 });
  await locks.connect();
  const leases = record(locks, ["lease"]);
  await locks.acquire(RID);
  await timers.advance(10_000);
  held = false;
  await timers.advance(10_000);
  assert.deepEqual(leases.map(([, d]) => d.lease ? "granted" : d.reason), ["granted", "UNKNOWN"]);
});

test("the longest message comes from the server's client configuration", async () => {
  const fetch = fakeFetch({ "GET /api/client-config": [200, { maxMessageLength: 10, heartbeatSeconds: 30 }] });
  const locks = await overSocket({ fetch });
  const config = await locks.configure();
  assert.equal(config.maxMessageLength, 10);
  assert.equal(locks.options.heartbeatSeconds, 30);
  await assert.rejects(locks.askHolder(RID, "x".repeat(11)), (e) => e.code === "MESSAGE_TOO_LONG");
  await assert.rejects(locks.release(RID, "x".repeat(11)), (e) => e.code === "MESSAGE_TOO_LONG");
  await assert.rejects(locks.takeover(RID, "x".repeat(11), true), (e) => e.code === "MESSAGE_TOO_LONG");
  assert.equal(FakeSocket.latest().sent.filter((m) => m.event !== "session:ready").length, 0, "nothing was sent");
  const asked = locks.askHolder(RID, "x".repeat(10));
  answer("lock:ask_holder", "lock:request_sent", { resourceId: RID, requestId: "q1" });
  assert.equal((await asked).event, "lock:request_sent");
});

test("a displaced editor's note goes out as lock:leave_note with the lease it lost", async () => {
  const locks = await overSocket();
  const acquired = locks.acquire(RID);
  answer("lock:request", "lock:acquired", { resourceId: RID, lease: lease(), yours: true });
  await acquired;
  FakeSocket.latest().receive("lock:taken_by_admin", { resourceId: RID, by: { name: "Dr. Alan Johnson" }, reason: "crash", draftKept: false });
  assert.equal(locks.lease(RID), null);
  const sent = locks.leaveNote(RID, "dose change pending pharmacy check");
  assert.deepEqual(FakeSocket.latest().last("lock:leave_note").data,
    { resourceId: RID, leaseId: "L-7", note: "dose change pending pharmacy check" });
  answer("lock:leave_note", "ok", { resourceId: RID });
  await sent;
  await flush();
});
