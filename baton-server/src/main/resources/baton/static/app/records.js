// The records list of the APS demo: one tab per record type, the records of that type, and the drafts of new
// records that were never created (kept on this device and on the server), so unsaved work is found again.
import { auth, api, el, fmtDateTime, shell, connectLocks, openLocalDrafts } from "/app/ui.js";

const user = auth.require();
const locks = connectLocks();
shell(user, locks);
locks.connect().catch(() => {});

const { body: { types } } = await api("GET", "/api/record-types");
const params = new URLSearchParams(location.search);
const current = types[params.get("type")] ? params.get("type") : Object.keys(types)[0];
document.getElementById("tabs").replaceChildren(...Object.entries(types).map(([name, t]) =>
  el("a", { href: `/records?type=${name}`, "aria-current": name === current ? "page" : null }, t.label)));

const schema = types[current];
const shown = Object.keys(schema.fields).filter((f) => schema.fields[f].section === "main").slice(0, 4);
const { body } = await api("GET", `/api/records/${current}?limit=100`);
document.getElementById("list-caption").textContent = `${body.total} ${schema.label.toLowerCase()} record(s)`;
document.querySelector("#list thead").replaceChildren(el("tr", {}, el("th", {}, "Id"),
  ...shown.map((f) => el("th", {}, schema.fields[f].label)), el("th", {}, "Version"), el("th", {}, "Updated")));
document.querySelector("#list tbody").replaceChildren(...body.items.map((r) => el("tr", {},
  el("td", {}, el("a", { href: `/record?type=${current}&id=${encodeURIComponent(r.id)}` }, r.id)),
  ...shown.map((f) => el("td", {}, r.fields?.[f] ?? "")), // no fields: the type limits viewers
  el("td", {}, r.version), el("td", {}, `${fmtDateTime(r.updatedAt)} · ${r.updatedBy}`))));

const newLink = document.getElementById("new-record");
newLink.textContent = `New ${schema.label.toLowerCase()} record`;
newLink.href = `/record?type=${current}&new=${newRecordId()}`;

/** Drafts of records not created yet: their ids start with "n-" (see record.js), on the device or on the server. */
async function unsavedNewRecords() {
  const found = new Map();
  const local = await openLocalDrafts();
  for (const draft of (await local?.list()) || []) found.set(draft.resourceId, draft.savedAt);
  const { body: mine } = await api("GET", "/api/autosave/mine");
  for (const draft of mine.drafts) if (!found.has(draft.resourceId)) found.set(draft.resourceId, draft.savedAt);
  const byRecord = new Map(); // one entry per new record, however many of its sections have drafts
  for (const [resourceId, savedAt] of found) {
    const id = resourceId.split(":")[1];
    if (!resourceId.startsWith(`${current}:n-`) || body.items.some((r) => r.id === id)) continue;
    if (!byRecord.has(id) || byRecord.get(id).savedAt < savedAt) byRecord.set(id, { id, savedAt });
  }
  return [...byRecord.values()];
}

const drafts = await unsavedNewRecords();
const host = document.getElementById("new-drafts");
host.hidden = drafts.length === 0;
host.replaceChildren(el("h2", {}, "Unsaved new records"), el("ul", {}, drafts.map((d) => el("li", {},
  el("a", { href: `/record?type=${current}&new=${encodeURIComponent(d.id)}` }, `New ${schema.label.toLowerCase()} (${d.id})`),
  ` · last change ${fmtDateTime(d.savedAt)}`))));
document.body.dataset.ready = "true";

function newRecordId() {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return "n-" + [...bytes].map((b) => b.toString(36).padStart(2, "0")).join("").slice(0, 10);
}
