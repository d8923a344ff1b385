import { test } from "node:test";
import assert from "node:assert/strict";
import { IDBFactory } from "fake-indexeddb";
import { AutosaveManager } from "../../main/resources/baton/static/js/autosave-manager.js";
import { LocalDrafts } from "../../main/resources/baton/static/js/local-drafts.js";
import { FakeTimers, MemoryDrafts, fakeFetch, flush } from "./fakes.mjs";

const RID = "patient:p-1:notes";

function autosave(fetch, timers, extra = {}) {
  let n = 0;
  return new AutosaveManager({
    baseUrl: "http://baton.test", token: "T1", fetch, timers, resourceId: RID, intervalSeconds: 120, syncDelayMs: 1500, retryMs: 5000,
    getData: () => ({ fields: { care_notes: "note " + (++n) } }), baseVersion: () => 4, ...extra,
  });
}

const saves = (fetch) => fetch.calls.filter((c) => c.key === "POST /api/autosave/save");

test("a change is sent once typing pauses, never more often, and only when something changed", async () => {
  const timers = new FakeTimers();
  const fetch = fakeFetch({ "POST /api/autosave/save": [200, { resourceId: RID, savedAt: "2026-01-13T14:02:00Z" }] });
  const manager = autosave(fetch, timers);
  const statuses = [];
  manager.on("status", (s) => statuses.push(s.state));
  manager.start();
  await timers.advance(120_000);
  assert.equal(saves(fetch).length, 0, "nothing changed, nothing sent");
  manager.markDirty();
  await timers.advance(1_000);
  manager.markDirty();
  await timers.advance(1_000);
  assert.equal(saves(fetch).length, 0, "still typing");
  await timers.advance(500);
  assert.equal(saves(fetch).length, 1, "1.5 s after the last change");
  assert.deepEqual(saves(fetch)[0].body, { resourceId: RID, data: { fields: { care_notes: "note 1" } }, baseVersion: 4 });
  assert.equal(saves(fetch)[0].init.headers.Authorization, "Bearer T1");
  await timers.advance(240_000);
  assert.equal(saves(fetch).length, 1, "sent content is not sent again");
  assert.deepEqual(statuses, ["unsaved", "saving", "saved"]);
  manager.stop();
  manager.markDirty();
  await timers.advance(600_000);
  assert.equal(saves(fetch).length, 1, "stopped");
});

test("typing without a pause is still sent within AUTOSAVE_INTERVAL", async () => {
  const timers = new FakeTimers();
  const fetch = fakeFetch({ "POST /api/autosave/save": [200, { savedAt: "t" }] });
  const manager = autosave(fetch, timers);
  manager.start();
  for (let second = 0; second < 130; second++) {
    manager.markDirty();
    await timers.advance(1_000);
  }
  assert.equal(saves(fetch).length, 1, "sent at the 120 s upper bound although typing never paused");
});

test("a failed send keeps the change pending, reports the code, and is tried again", async () => {
  const timers = new FakeTimers();
  let fail = true;
  const fetch = fakeFetch({
    "POST /api/autosave/save": () => (fail ? [503, { code: "STORE_UNAVAILABLE", detail: "down" }] : [200, { savedAt: "t" }]),
  });
  const manager = autosave(fetch, timers, { local: new MemoryDrafts() });
  const statuses = [];
  manager.on("status", (s) => statuses.push(s));
  manager.start();
  manager.markDirty();
  await timers.advance(1_500);
  assert.deepEqual(statuses.at(-1), { state: "error", code: "STORE_UNAVAILABLE", message: "down", keptOnDevice: true });
  assert.equal(manager.dirty, true);
  fail = false;
  await timers.advance(5_000);
  assert.equal(statuses.at(-1).state, "saved");
  assert.equal(saves(fetch).length, 2);
});

test("every change is kept on the device at once, and marked as on the server once sent", async () => {
  const timers = new FakeTimers();
  const fetch = fakeFetch({ "POST /api/autosave/save": [200, { savedAt: "2026-01-13T14:02:00Z" }] });
  const local = new MemoryDrafts();
  const manager = autosave(fetch, timers, { local });
  const statuses = [];
  manager.on("status", (s) => statuses.push(s.state));
  manager.start();
  manager.markDirty();
  await manager.writing;
  assert.deepEqual(await local.get(RID), { resourceId: RID, data: { fields: { care_notes: "note 1" } }, baseVersion: 4, savedAt: "t1",
    synced: false, serverSavedAt: null });
  assert.deepEqual(statuses, ["unsaved", "local"]);
  await timers.advance(1_500);
  const kept = await local.get(RID);
  assert.equal(kept.synced, true);
  assert.equal(kept.serverSavedAt, "2026-01-13T14:02:00Z");
  await manager.saved();
  assert.equal(await local.get(RID), null, "a saved record needs no draft");
});

test("flush sends at once (a takeover does not wait for the pause)", async () => {
  const timers = new FakeTimers();
  const fetch = fakeFetch({ "POST /api/autosave/save": [200, { savedAt: "t" }] });
  const manager = autosave(fetch, timers);
  manager.start();
  manager.markDirty();
  await manager.flush();
  assert.equal(saves(fetch).length, 1);
  assert.equal(await manager.flush(), null, "nothing left to send");
});

test("drafts go over the lock manager's socket when it is open, and over REST when it drops", async () => {
  const timers = new FakeTimers();
  const fetch = fakeFetch({ "POST /api/autosave/save": [200, { savedAt: "rest" }] });
  const locks = {
    state: "open", token: () => "T1",
    saveDraft: async (resourceId) => ({ event: "draft:saved", data: { resourceId, savedAt: "ws" } }),
  };
  const manager = autosave(fetch, timers, { locks, token: undefined });
  assert.equal((await manager.saveNow()).savedAt, "ws");
  locks.saveDraft = async () => { const e = new Error("gone"); e.code = "DISCONNECTED"; throw e; };
  assert.equal((await manager.saveNow()).savedAt, "rest");
  assert.equal(fetch.calls[0].init.headers.Authorization, "Bearer T1");
});

function draftServer(initial) {
  const state = { draft: initial, saved: [] };
  const fetch = fakeFetch({
    "GET /api/autosave/mine": () => [200, { drafts: state.draft ? [{ resourceId: RID, savedAt: state.draft.savedAt }] : [] }],
    "GET /api/autosave/restore/patient/p-1": () => (state.draft ? [200, state.draft] : [404, { code: "DRAFT_NOT_FOUND" }]),
    "POST /api/autosave/save": (call) => {
      state.draft = { data: call.body.data, baseVersion: call.body.baseVersion, savedAt: `server-${state.saved.length + 1}`, currentVersion: 5,
        merge: { conflicts: [] } };
      state.saved.push(call.body);
      return [200, { resourceId: RID, savedAt: state.draft.savedAt }];
    },
    "DELETE /api/autosave/delete": () => { state.draft = null; return [200, { deleted: true }]; },
  });
  return { state, fetch };
}

test("restore offers the server's draft when the device has none, and null when neither has one", async () => {
  const { state, fetch } = draftServer({ data: { fields: { care_notes: "from the ward PC" } }, savedAt: "s1", baseVersion: 3 });
  const manager = autosave(fetch, new FakeTimers(), { local: new MemoryDrafts() });
  const draft = await manager.restore();
  assert.equal(draft.source, "server");
  assert.equal(draft.data.fields.care_notes, "from the ward PC");
  assert.equal(fetch.calls.find((c) => c.key.startsWith("GET /api/autosave/restore")).url,
    "http://baton.test/api/autosave/restore/patient/p-1?child=notes");
  state.draft = null;
  assert.equal(await manager.restore(), null);
  assert.equal(fetch.calls.filter((c) => c.key.startsWith("GET /api/autosave/restore")).length, 1, "no draft: no 404 asked for");
});

test("restore prefers the device's unsent draft, sends it, and returns it with the server's merge view", async () => {
  const { state, fetch } = draftServer({ data: { fields: { care_notes: "older, on the server" } }, savedAt: "s1", baseVersion: 3 });
  const local = new MemoryDrafts();
  await local.put(RID, { data: { fields: { care_notes: "typed before the crash" } }, baseVersion: 3, savedAt: "2026-01-13T14:05:00Z" });
  const manager = autosave(fetch, new FakeTimers(), { local });
  const draft = await manager.restore();
  assert.equal(draft.source, "device");
  assert.equal(draft.synced, true);
  assert.equal(draft.savedAt, "2026-01-13T14:05:00Z", "shown with the time it was typed");
  assert.equal(draft.data.fields.care_notes, "typed before the crash");
  assert.deepEqual(draft.merge, { conflicts: [] }, "the server says whether the record moved on");
  assert.equal(state.saved[0].data.fields.care_notes, "typed before the crash", "now on the server too");
  assert.equal((await local.get(RID)).synced, true);
});

test("restore offers the device's draft while the server is unreachable", async () => {
  const local = new MemoryDrafts();
  await local.put(RID, { data: { fields: { care_notes: "offline" } }, baseVersion: 3 });
  const down = async () => { throw new TypeError("Failed to fetch"); };
  const draft = await autosave(down, new FakeTimers(), { local }).restore();
  assert.deepEqual([draft.source, draft.synced, draft.data.fields.care_notes], ["device", false, "offline"]);
});

test("a device copy the server already had: the server's newer draft wins, a consumed one is forgotten", async () => {
  const { state, fetch } = draftServer({ data: { fields: { care_notes: "from another PC" } }, savedAt: "s9", baseVersion: 3 });
  const local = new MemoryDrafts();
  await local.put(RID, { data: { fields: { care_notes: "old" } }, baseVersion: 3, synced: true, serverSavedAt: "s1" });
  const manager = autosave(fetch, new FakeTimers(), { local });
  assert.equal((await manager.restore()).data.fields.care_notes, "from another PC");
  state.draft = null;
  assert.equal(await manager.restore(), null);
  assert.equal(await local.get(RID), null, "the record was saved elsewhere: nothing to keep");
});

test("discard deletes the draft on the server and on the device", async () => {
  const { state, fetch } = draftServer({ data: { fields: {} }, savedAt: "s1" });
  const local = new MemoryDrafts();
  await local.put(RID, { data: { fields: {} } });
  await autosave(fetch, new FakeTimers(), { local }).discard();
  assert.equal(state.draft, null);
  assert.equal(await local.get(RID), null);
});

test("with the real encrypted store: what was typed survives a new page on the same device", async () => {
  const profile = new IDBFactory();
  const keyFetch = fakeFetch({ "GET /api/autosave/local-key": [200, { userId: "okafor", key: "b2thZm9yLWtleS0wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc" }] });
  const open = () => LocalDrafts.open({ baseUrl: "http://baton.test", token: "T", fetch: keyFetch, indexedDB: profile });
  const first = autosave(fakeFetch({}), new FakeTimers(), { local: await open(), getData: () => ({ fields: { care_notes: "site clean" } }) });
  first.markDirty();
  await first.writing;
  const down = async () => { throw new TypeError("Failed to fetch"); };
  const again = autosave(down, new FakeTimers(), { local: await open() });
  const draft = await again.restore();
  assert.equal(draft.data.fields.care_notes, "site clean");
  await flush();
});
