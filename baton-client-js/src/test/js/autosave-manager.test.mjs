import { test } from "node:test";
import assert from "node:assert/strict";
import { AutosaveManager } from "../../main/resources/baton/static/js/autosave-manager.js";
import { FakeTimers, fakeFetch } from "./fakes.mjs";

function autosave(fetch, timers, extra = {}) {
  let n = 0;
  return new AutosaveManager({
    baseUrl: "http://baton.test", token: "T1", fetch, timers, resourceId: "patient:p-1:notes", intervalSeconds: 120,
    getData: () => ({ fields: { care_notes: "note " + (++n) } }), baseVersion: () => 4, ...extra,
  });
}

test("saves every interval only while there are changes", async () => {
  const timers = new FakeTimers();
  const fetch = fakeFetch({ "POST /api/autosave/save": [200, { resourceId: "patient:p-1:notes", savedAt: "2026-01-13T14:02:00Z" }] });
  const manager = autosave(fetch, timers);
  const statuses = [];
  manager.on("status", (s) => statuses.push(s.state));
  manager.start();
  await timers.advance(120_000);
  assert.equal(fetch.calls.length, 0, "nothing changed, nothing sent");
  manager.markDirty();
  await timers.advance(119_000);
  assert.equal(fetch.calls.length, 0, "not before the interval");
  await timers.advance(1_000);
  assert.equal(fetch.calls.length, 1);
  assert.deepEqual(fetch.calls[0].body, { resourceId: "patient:p-1:notes", data: { fields: { care_notes: "note 1" } }, baseVersion: 4 });
  assert.equal(fetch.calls[0].init.headers.Authorization, "Bearer T1");
  await timers.advance(240_000);
  assert.equal(fetch.calls.length, 1, "saved content is not sent again");
  assert.deepEqual(statuses, ["unsaved", "saving", "saved"]);
  manager.stop();
  manager.markDirty();
  await timers.advance(600_000);
  assert.equal(fetch.calls.length, 1, "stopped");
});

test("a failed save keeps the changes pending and reports the code", async () => {
  const timers = new FakeTimers();
  let fail = true;
  const fetch = fakeFetch({
    "POST /api/autosave/save": () => (fail ? [413, { code: "PAYLOAD_TOO_LARGE", detail: "too big" }] : [200, { savedAt: "t" }]),
  });
  const manager = autosave(fetch, timers);
  const statuses = [];
  manager.on("status", (s) => statuses.push(s));
  manager.markDirty();
  await assert.rejects(manager.saveNow(), (e) => e.code === "PAYLOAD_TOO_LARGE");
  assert.equal(statuses.at(-1).code, "PAYLOAD_TOO_LARGE");
  assert.equal(manager.dirty, true);
  fail = false;
  manager.start();
  await timers.advance(120_000);
  assert.equal(statuses.at(-1).state, "saved");
});

test("drafts go over the lock manager's socket when it is open, and over REST when it drops", async () => {
  const timers = new FakeTimers();
  const fetch = fakeFetch({ "POST /api/autosave/save": [200, { savedAt: "rest" }] });
  const locks = {
    state: "open", token: () => "T1",
    saveDraft: async (resourceId, data, baseVersion) => ({ event: "draft:saved", data: { resourceId, savedAt: "ws" } }),
  };
  const manager = autosave(fetch, timers, { locks, token: undefined });
  assert.equal((await manager.saveNow()).savedAt, "ws");
  locks.saveDraft = async () => { const e = new Error("gone"); e.code = "DISCONNECTED"; throw e; };
  assert.equal((await manager.saveNow()).savedAt, "rest");
  assert.equal(fetch.calls[0].init.headers.Authorization, "Bearer T1");
});

test("restore returns the draft, or null when there is none; discard deletes it", async () => {
  const timers = new FakeTimers();
  let exists = true;
  const fetch = fakeFetch({
    "GET /api/autosave/restore/patient/p-1": () => (exists ? [200, { data: { fields: {} }, savedAt: "t", baseVersion: 3 }]
      : [404, { code: "DRAFT_NOT_FOUND" }]),
    "DELETE /api/autosave/delete": [200, { deleted: true }],
  });
  const manager = autosave(fetch, timers, { resourceId: "patient:p-1:notes" });
  const draft = await manager.restore();
  assert.equal(draft.baseVersion, 3);
  assert.equal(fetch.calls[0].url, "http://baton.test/api/autosave/restore/patient/p-1?child=notes");
  await manager.discard();
  assert.deepEqual(fetch.calls[1].body, { resourceId: "patient:p-1:notes" });
  exists = false;
  assert.equal(await manager.restore(), null);
});
