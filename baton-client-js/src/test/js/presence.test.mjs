// Issue 14: the browser client asks for presence deltas and rebuilds the whole list from them.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { LockManager } from "../../main/resources/baton/static/js/lock-manager.js";
import { PresenceBook } from "../../main/resources/baton/static/js/lock/presence-book.js";
import { FakeTimers, FakeSocket } from "./fakes.mjs";

const RID = "patient:1:main";
const user = (key, mode = "viewer") => ({ userId: "u-" + key, name: key, role: "nurse", key, mode, hasLock: mode === "editor" });
const delta = (baseVersion, version, { added = [], removed = [], changed = [] } = {}) =>
  ({ resourceId: RID, version, baseVersion, added, removed, changed });
let timers;

beforeEach(() => {
  FakeSocket.reset();
  timers = new FakeTimers();
});

async function connected() {
  const locks = new LockManager({ baseUrl: "http://baton.test", token: "T1", WebSocket: FakeSocket, timers, random: () => 0.5 });
  const ready = locks.connect();
  FakeSocket.latest().receive("session:ready", { sessionId: "s_1", userId: "chen" });
  await ready;
  return locks;
}

test("PresenceBook applies deltas by key: removed out, changed moved to the end of its group, added in", () => {
  const book = new PresenceBook();
  book.full({ resourceId: RID, version: 5, users: [user("a"), user("b"), user("c")] });
  const r = book.delta(delta(5, 6, { added: [user("d")], removed: ["b"], changed: [user("a", "queued")] }));
  assert.deepEqual(r.applied.map((u) => `${u.key}:${u.mode}`), ["a:queued", "c:viewer", "d:viewer"]);
  assert.equal(book.version(RID), 6);
});

test("PresenceBook drops old deltas and reports a gap when a change was missed", () => {
  const book = new PresenceBook();
  book.full({ resourceId: RID, version: 5, users: [user("a")] });
  assert.deepEqual(book.delta(delta(4, 5, { removed: ["a"] })), { stale: true });
  assert.deepEqual(book.delta(delta(7, 8, { removed: ["a"] })), { gap: true });
  assert.deepEqual(book.delta({ ...delta(1, 2), resourceId: "patient:2:main" }), { early: true });
  assert.deepEqual(book.list(RID).map((u) => u.key), ["a"], "nothing applied");
  // a delta may start before the held version when nothing changed in between (the full list came from presence:get)
  assert.deepEqual(book.delta(delta(3, 9, { added: [user("b")] })).applied.map((u) => u.key), ["a", "b"]);
});

test("the page hears presence:delta and the rebuilt presence:update with every user", async () => {
  const locks = await connected();
  const lists = [];
  locks.on("presence:update", (d) => lists.push(d.users.map((u) => u.key).join(",")));
  const deltas = [];
  locks.on("presence:delta", (d) => deltas.push(d.version));
  const socket = FakeSocket.latest();
  socket.receive("presence:delta", delta(1, 2, { added: [user("z")] })); // news of the join, before its full list
  socket.receive("presence:update", { resourceId: RID, version: 2, users: [user("a"), user("b")] });
  socket.receive("presence:delta", delta(2, 3, { added: [user("c")] }));
  socket.receive("presence:delta", delta(3, 4, { removed: ["a"], changed: [user("b", "editor")] }));
  socket.receive("presence:delta", delta(2, 3, { added: [user("c")] })); // late duplicate: dropped
  assert.deepEqual(lists, ["a,b", "a,b,c", "b,c"]);
  assert.deepEqual(deltas, [3, 4]);
  assert.equal(locks.presence.list(RID)[0].mode, "editor");
});

test("a gap in versions asks for the full list once, and the answer replaces what was held", async () => {
  const locks = await connected();
  const socket = FakeSocket.latest();
  socket.receive("presence:update", { resourceId: RID, version: 2, users: [user("a")] });
  socket.receive("presence:delta", delta(4, 5, { added: [user("x")] }));
  socket.receive("presence:delta", delta(5, 6, { added: [user("y")] }));
  const asks = socket.sent.filter((m) => m.event === "presence:get");
  assert.equal(asks.length, 1, "one presence:get while the first is unanswered");
  assert.deepEqual(asks[0].data, { resourceId: RID });
  socket.receive("presence:update", { resourceId: RID, version: 6, users: [user("a"), user("x"), user("y")] }, asks[0].ref);
  socket.receive("presence:delta", delta(6, 7, { removed: ["x"] }));
  assert.deepEqual(locks.presence.list(RID).map((u) => u.key), ["a", "y"]);
});
