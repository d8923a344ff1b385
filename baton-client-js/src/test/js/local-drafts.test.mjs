// Drafts kept on the device: encrypted under the signed-in user's key, invisible and unreadable to anyone else.
import { test } from "node:test";
import assert from "node:assert/strict";
import { IDBFactory } from "fake-indexeddb";
import { LocalDrafts } from "../../main/resources/baton/static/js/local-drafts.js";
import { fakeFetch } from "./fakes.mjs";

const KEYS = { sharma: "c2hhcm1hLWtleS0wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc", okafor: "b2thZm9yLWtleS0wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc" };

function device() {
  return new IDBFactory(); // one browser profile
}

function signIn(indexedDB, userId) {
  const fetch = fakeFetch({ "GET /api/autosave/local-key": [200, { userId, key: KEYS[userId] }] });
  return LocalDrafts.open({ baseUrl: "http://baton.test", token: "T-" + userId, fetch, indexedDB });
}

test("a draft written is read back with its version and time, and replaced by the next write", async () => {
  const local = await signIn(device(), "sharma");
  assert.equal(await local.get("patient:p-1:main"), null);
  await local.put("patient:p-1:main", { data: { fields: { notes: "first" } }, baseVersion: 3, savedAt: "2026-01-13T09:00:00.000Z" });
  await local.put("patient:p-1:main", { data: { fields: { notes: "second" } }, baseVersion: 3, savedAt: "2026-01-13T09:00:05.000Z" });
  const draft = await local.get("patient:p-1:main");
  assert.deepEqual(draft, { resourceId: "patient:p-1:main", data: { fields: { notes: "second" } }, baseVersion: 3,
    savedAt: "2026-01-13T09:00:05.000Z", synced: false, serverSavedAt: null });
  assert.equal((await local.list()).length, 1);
});

test("another user on the same device can neither find nor read the first user's drafts", async () => {
  const profile = device();
  const sharma = await signIn(profile, "sharma");
  await sharma.put("patient:p-1:main", { data: { fields: { notes: "bleeding risk, hold heparin" } } });
  const okafor = await signIn(profile, "okafor");
  assert.equal(await okafor.get("patient:p-1:main"), null, "not found under another user's names");
  assert.deepEqual(await okafor.list(), []);

  const rows = await new Promise((resolve) => {
    const req = profile.open("baton-local-drafts");
    req.onsuccess = () => {
      const all = req.result.transaction("drafts").objectStore("drafts").getAll();
      all.onsuccess = () => resolve(all.result);
    };
  });
  assert.equal(rows.length, 1);
  const stored = JSON.stringify(rows[0], (k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString("latin1") : v));
  assert.doesNotMatch(stored, /heparin|p-1|sharma/, "neither the text, the record nor the user is readable on disk");
  assert.equal(await okafor.open(rows[0]), null, "another key cannot decrypt it");
  assert.equal((await sharma.get("patient:p-1:main")).data.fields.notes, "bleeding risk, hold heparin");
});

test("sign-out sends what the server lacks, then clears the device; a draft the server refused stays for its owner", async () => {
  const profile = device();
  const local = await signIn(profile, "sharma");
  await local.put("patient:p-1:main", { data: { fields: { notes: "synced already" } }, synced: true });
  await local.put("patient:p-2:main", { data: { fields: { notes: "only here" } } });
  await local.put("patient:p-3:main", { data: { fields: { notes: "server down" } } });
  const sent = [];
  const { kept } = await local.syncAndClear(async (draft) => {
    if (draft.resourceId === "patient:p-3:main") throw new Error("offline");
    sent.push(draft.resourceId);
  });
  assert.deepEqual(sent, ["patient:p-2:main"]);
  assert.equal(kept, 1);
  const again = await signIn(profile, "sharma");
  assert.deepEqual((await again.list()).map((d) => d.resourceId), ["patient:p-3:main"]);
});

test("a refused key request is an error, not an unencrypted fallback", async () => {
  const fetch = fakeFetch({ "GET /api/autosave/local-key": [401, { code: "UNAUTHENTICATED" }] });
  await assert.rejects(LocalDrafts.open({ baseUrl: "http://baton.test", token: "bad", fetch, indexedDB: device() }), /HTTP 401/);
});
