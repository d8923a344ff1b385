// The record editor of the APS demo: one card per section (child resource), each with its own lock badge,
// presence, queue place, takeover and local-first drafts; guarded saves with a merge view when someone saved first.
// With ?new=<id> it is the form of a record not created yet: no lock is needed, drafts are kept all the same.
import { auth, api, el, fmtTime, duration, initials, banner, modal, closeModal, connectLocks, shell, openLocalDrafts, PageStop }
  from "/app/ui.js";
import { AutosaveManager } from "/js/autosave-manager.js";
import { TurnAlerts } from "/js/turn-alerts.js";

const user = auth.require();
const params = new URLSearchParams(location.search);
const type = params.get("type");
const creating = params.has("new");
const id = creating ? params.get("new") : params.get("id");
const locks = connectLocks();
const clientConfig = await locks.configure();
const MAX = clientConfig.maxMessageLength;
const locksOn = clientConfig.locksEnabled !== false; // LOCK_ENABLED=false: records can be read, not edited
shell(user, locks);
const local = clientConfig.autosaveEnabled ? await openLocalDrafts() : null;

const { body: { types } } = await api("GET", "/api/record-types");
const schema = types[type];
if (!schema || (creating && !/^n-[a-z0-9]{1,20}$/.test(id || ""))) {
  document.getElementById("title").textContent = "No such record";
  banner("This link does not name a record type and record.", "danger");
  throw new PageStop("no such record");
}
let record = creating ? { id, type, version: 0, fields: {}, updatedAt: null, updatedBy: null } : null;
if (!creating) {
  try {
    record = (await api("GET", `/api/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}`)).body;
  } catch (e) {
    document.getElementById("title").textContent = "Record not found";
    banner(e.body?.detail || "This record does not exist.", "danger");
    throw new PageStop("record not found");
  }
}
document.title = `${creating ? `New ${schema.label.toLowerCase()}` : `${schema.label} ${id}`} · Baton demo`;
document.getElementById("title").textContent = creating ? `New ${schema.label.toLowerCase()} record` : `${schema.label} ${id}`;

const turnAlerts = new TurnAlerts(locks, { label: (rid) => byResource({ resourceId: rid })?.title() || rid });

const AUTOSAVE_TEXT = {
  unsaved: () => "Unsaved changes",
  local: (s) => `Kept on this device ${fmtTime(s.savedAt, true)}`,
  saving: () => "Saving draft…",
  saved: (s) => `Draft saved ${fmtTime(s.savedAt, true)}`,
  error: (s) => (s.keptOnDevice ? `Kept on this device; not on the server yet (${s.code})` : `Draft not saved (${s.code})`),
  clean: () => "All changes saved",
  discarded: () => "Draft discarded",
};

/** One independently locked part of the record. */
class Section {
  constructor(name) {
    this.name = name;
    this.rid = `${type}:${id}:${name}`;
    this.label = name === "main" ? schema.label : name[0].toUpperCase() + name.slice(1);
    this.fields = Object.entries(schema.fields).filter(([, f]) => f.section === name).map(([n]) => n);
    this.holder = null;
    this.mine = creating;
    this.queued = null;
    this.presence = [];
    this.disconnectedUntil = null;
    this.typing = null;     // what was typed and not saved while the form shows the saved record: {fields, baseVersion}
    this.editBase = null;   // the version the form's edits started from, while older than the record's (a merge is due)
    this.autosave = new AutosaveManager({
      resourceId: this.rid, locks, local, token: () => auth.token(), intervalSeconds: clientConfig.autosaveSeconds,
      // While the form shows the saved record, what was typed is in `typing`: a draft sent then (a flush racing the
      // reload after a lost lock) still carries it.
      getData: () => ({ fields: { ...this.formValues(), ...this.typing?.fields } }),
      baseVersion: () => this.typing?.baseVersion ?? this.editBase ?? record.version,
    });
    this.autosave.on("status", (s) => {
      this.els.autosave.textContent = (AUTOSAVE_TEXT[s.state] || (() => ""))(s);
      this.els.autosave.dataset.state = s.state;
    });
  }

  title() {
    return `${schema.label} ${id}${this.name === "main" ? "" : ` · ${this.label}`}`;
  }

  render() {
    const inputs = this.fields.map((name) => fieldInput(name, schema.fields[name]));
    this.els = {
      badge: el("span", { class: "badge", "data-role": "badge" }),
      presence: el("span", { class: "avatars", role: "group", "data-role": "presence", "aria-label": "Who is here" }),
      autosave: el("span", { class: "autosave", "data-role": "autosave", "aria-live": "polite" }),
      edit: el("button", { type: "button", "data-action": "edit", onclick: () => edit(this) }, "Edit"),
      save: el("button", { type: "button", "data-action": "save", onclick: () => save(this, false) }, "Save"),
      saveRelease: el("button", { type: "button", class: "secondary", "data-action": "save-release", onclick: () => save(this, true) },
        "Save & release"),
      release: el("button", { type: "button", class: "secondary", "data-action": "release", onclick: () => releaseModal(this) }, "Release…"),
      leaveQueue: el("button", { type: "button", class: "secondary", "data-action": "leave-queue", onclick: () => leaveQueue(this) },
        "Leave queue"),
      notices: el("div", { "data-role": "notices", "aria-live": "polite" }),
      form: el("form", { class: "fields", onsubmit: (e) => e.preventDefault(), "aria-label": `${this.label} fields` }, inputs),
    };
    this.els.form.addEventListener("input", () => { this.autosave.markDirty(); locks.markActivity(this.rid); });
    this.els.form.addEventListener("keydown", () => locks.markActivity(this.rid));
    this.els.form.addEventListener("click", () => locks.markActivity(this.rid));
    this.card = el("section", { class: "card", "data-section": this.name, "aria-labelledby": `h-${this.name}` },
      el("div", { class: "section-head" }, el("h2", { id: `h-${this.name}` }, this.label), this.els.badge, this.els.presence,
        this.els.autosave,
        el("div", { class: "actions" }, this.els.edit, this.els.save, this.els.saveRelease, this.els.release, this.els.leaveQueue)),
      this.els.notices, this.els.form);
    this.fill(record.fields);
    this.refresh();
    return this.card;
  }

  /** Badge, avatars, buttons and whether the inputs can be edited. */
  refresh() {
    const b = this.els.badge;
    if (creating) {
      b.className = "badge mine";
      b.textContent = "New record, not created yet";
    } else if (this.mine) {
      b.className = "badge mine";
      b.textContent = "You are editing";
    } else if (this.holder) {
      b.className = "badge other";
      b.textContent = `${this.holder.name} is editing · ${duration(this.holder.since)}`
        + (this.disconnectedUntil ? ` (connection lost, lock kept until ${fmtTime(this.disconnectedUntil)})` : "");
    } else {
      b.className = "badge free";
      b.textContent = "Available";
    }
    if (this.queued) {
      b.className = "badge queued";
      b.textContent += ` · you are #${this.queued.position} in the queue`
        + (this.queued.estimatedWaitSeconds ? ` · about ${waitText(this.queued.estimatedWaitSeconds)}` : "");
    }
    this.els.presence.replaceChildren(...this.presence.map((p) => el("span", {
      class: `avatar ${p.hasLock ? "editor" : p.mode}`, title: `${p.name} (${p.role}) · ${p.hasLock ? "editing" : p.mode}`,
      role: "img", "aria-label": `${p.name}, ${p.hasLock ? "editing" : p.mode}`,
    }, initials(p.name))));
    this.els.edit.hidden = creating || this.mine || !!this.queued || !locksOn;
    this.els.save.hidden = this.els.saveRelease.hidden = this.els.release.hidden = creating || !this.mine;
    this.els.leaveQueue.hidden = creating || !this.queued;
    for (const input of this.els.form.elements) input.disabled = !this.mine;
  }

  fill(fields) {
    for (const name of this.fields) {
      const input = this.els.form.elements.namedItem(name);
      setValue(input, schema.fields[name], fields[name]);
    }
  }

  formValues() {
    const out = {};
    for (const name of this.fields) out[name] = getValue(this.els.form.elements.namedItem(name), schema.fields[name]);
    return out;
  }

  /** True when the form differs from the saved record. */
  changed() {
    return this.changedFrom(this.formValues());
  }

  /** The fields typed and not saved, with the version they were typed on; null when the form is the saved record. */
  typedChanges() {
    const values = this.formValues();
    const fields = Object.fromEntries(this.fields.filter((n) => this.differs(n, values[n])).map((n) => [n, values[n]]));
    return Object.keys(fields).length ? { fields, baseVersion: this.editBase ?? record.version } : null;
  }

  /**
   * Shows the saved record in a form that is no longer ours, keeping what was typed (it is in the draft too) to put
   * back on the next edit: a lost or released lock must never cost the typing, nor let the draft be overwritten by
   * a form without it.
   */
  showSaved() {
    this.keepTyping();
    this.fill(record.fields);
  }

  /** Remembers what was typed (against the record the form was filled from) before the form is filled again. */
  keepTyping() {
    const typed = this.typedChanges();
    if (!typed) return;
    this.typing = typed;
    this.notice("kept-typing", "Your unsaved changes are kept as your draft; they come back into this form when you edit again.");
  }

  /** True when {@code values} differ from the saved record in this section's fields. */
  changedFrom(values) {
    return this.fields.some((n) => this.differs(n, values[n]));
  }

  /**
   * Whether a form value differs from the saved record's, compared as the form would show the saved one (a time to
   * the minute, a number as typed), so a value nobody touched never counts as typed.
   */
  differs(name, value) {
    const scratch = this.els.form.elements.namedItem(name).cloneNode(true);
    setValue(scratch, schema.fields[name], record.fields[name]);
    return JSON.stringify(value ?? null) !== JSON.stringify(getValue(scratch, schema.fields[name]) ?? null);
  }

  /** A notice inside the card (kept until replaced or cleared), by kind: one per kind. */
  notice(kind, content) {
    this.els.notices.querySelector(`[data-role='${kind}']`)?.remove();
    if (content) this.els.notices.append(el("p", { class: `notice ${kind === "note-left" ? "note" : ""}`, "data-role": kind }, content));
  }
}

function waitText(seconds) {
  const minutes = Math.round(seconds / 60);
  return minutes < 1 ? "less than a minute" : `${minutes} min`;
}

function fieldInput(name, spec) {
  const inputId = `f-${name}`;
  let input;
  if (spec.type === "choice") {
    input = el("select", { id: inputId, name }, el("option", { value: "" }, "—"), ...spec.options.map((o) => el("option", { value: o }, o)));
  } else if (spec.type === "boolean") {
    input = el("select", { id: inputId, name }, el("option", { value: "" }, "—"), el("option", { value: "true" }, "yes"),
      el("option", { value: "false" }, "no"));
  } else if (spec.type === "text" && /notes|plan|complications|diagnosis/.test(name)) {
    input = el("textarea", { id: inputId, name, rows: 3 });
  } else {
    const htmlType = { number: "number", integer: "number", date: "date", datetime: "datetime-local" }[spec.type] || "text";
    input = el("input", { id: inputId, name, type: htmlType, step: spec.type === "number" ? "any" : null });
  }
  if (spec.required) input.setAttribute("aria-required", "true");
  return el("div", { class: `field${input.tagName === "TEXTAREA" ? " wide" : ""}` },
    el("label", { for: inputId }, spec.label, spec.required ? " *" : "", spec.clinical ? el("span", { class: "clinical" }, "clinical") : null),
    input, el("span", { class: "error", id: `${inputId}-error`, role: "alert" }));
}

function setValue(input, spec, value) {
  if (value === undefined || value === null) { input.value = ""; return; }
  if (spec.type === "datetime") {
    const d = new Date(value);
    input.value = new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  } else input.value = String(value);
}

function getValue(input, spec) {
  const raw = input.value;
  if (raw === "") return null;
  switch (spec.type) {
    case "number": return Number(raw);
    case "integer": return Number.parseInt(raw, 10);
    case "boolean": return raw === "true";
    case "datetime": return new Date(raw).toISOString().replace(/\.\d{3}Z$/, "Z");
    default: return raw;
  }
}

function show(value) {
  if (value === null || value === undefined || value === "") return "(empty)";
  return String(value);
}

const sections = new Map(schema.sections.map((name) => [name, new Section(name)]));
const host = document.getElementById("sections");
for (const section of sections.values()) host.append(section.render());
renderMeta();
auth.beforeSignOut(() => Promise.all([...sections.values()].map((s) => s.autosave.flush().catch(() => {}))));

function byResource(data) {
  const rid = data?.resourceId || "";
  return rid.startsWith(`${type}:${id}:`) ? sections.get(rid.split(":")[2]) || null : null;
}

function renderMeta() {
  document.getElementById("meta").textContent = creating
    ? "Not created yet: what you type is kept on this device and as your draft until you create the record."
    : `Version ${record.version} · saved ${fmtTime(record.updatedAt)} by ${record.updatedBy}`;
}

async function reloadRecord() {
  const fresh = (await api("GET", `/api/records/${type}/${id}`)).body;
  const away = [...sections.values()].filter((s) => !s.mine);
  for (const s of away) s.keepTyping();
  record = fresh;
  for (const s of away) s.fill(record.fields);
  renderMeta();
}

// ---- lock flows --------------------------------------------------------------------------------------------

async function edit(section) {
  if (section.holder && section.holder.userId !== user.userId) {
    queueModal(section);
    return;
  }
  try {
    handleAnswer(section, await locks.acquire(section.rid));
  } catch (e) {
    handleRefusal(section, e);
  }
}

function handleAnswer(section, answer) {
  const { event, data } = answer;
  if (event === "lock:acquired") onAcquired(section, data);
  else if (event === "lock:queued") {
    section.queued = { position: data.position, estimatedWaitSeconds: data.estimatedWaitSeconds };
    section.refresh();
    banner(`You are #${data.position} in the queue for ${section.label}. We will tell you when it is your turn`
      + " (also with a browser notification while this tab is in the background, if you allow it).", "info");
  } else if (event === "lock:denied") handleRefusal(section, { code: data.code, data });
  else if (event === "lock:request_sent") banner("The holder was asked to hand over; you will be told the answer.", "info");
}

function handleRefusal(section, e) {
  if (e.code === "HELD_IN_OTHER_SESSION") otherTabModal(section);
  else if (e.code === "LOCK_HELD") queueModal(section);
  else banner(e.message || e.data?.message || e.code, "warn");
}

async function onAcquired(section, data) {
  const fence = data.lease?.fencingToken;
  if (section.mine && fence !== undefined && section.fence === fence) return;
  section.fence = fence;
  section.mine = true;
  section.queued = null;
  section.holder = { userId: user.userId, name: user.name, since: data.lease?.acquiredAt || new Date().toISOString() };
  section.refresh();
  banner(data.via && data.via !== "DIRECT" && data.via !== "EMERGENCY" ? `It is your turn: you are now editing ${section.label}.` : null, "ok");
  const pending = section.pendingDraft;
  section.pendingDraft = null;
  // What this form holds unsaved (kept when the lock went, or still in the form) comes back; a draft being restored
  // wins. The kept typing stays in `typing` (and so in any draft sent meanwhile) until it is back in the form.
  const typed = pending ? null : section.typing || section.typedChanges();
  section.notice("kept-typing", null);
  try {
    record = (await api("GET", `/api/records/${type}/${id}`)).body;
    renderMeta();
  } catch { /* edit what is shown */ }
  if (typed) {
    section.fill({ ...record.fields, ...typed.fields });
    section.typing = null;
    await putTypingBack(section, typed);
    if (clientConfig.autosaveEnabled) section.autosave.start();
  } else {
    section.typing = null;
    if (!section.changed() || !pending) section.fill(record.fields);
    if (clientConfig.autosaveEnabled) section.autosave.start();
    if (pending?.merge) mergeModal(section, pending.merge);
    else if (pending) { section.fill({ ...record.fields, ...pending.data.fields }); section.autosave.markDirty(); }
  }
  if (data.handoverNote) {
    modal({ title: "A note from the previous editor", id: "handover-note-modal", body: el("blockquote", {}, data.handoverNote),
      actions: [{ label: "OK", primary: true, onClick: (m) => m.close() }] });
  } else if (!pending?.merge) {
    section.els.form.querySelector("input, select, textarea")?.focus();
  }
}

/**
 * What was typed is back in the form, on top of the current record, on a new lease. Typed on this version, it is
 * simply kept; when someone saved since, the edit stays based on the older version (so a save, and the draft, are
 * merged by the server, never written over their change), and conflicting or clinical fields open the merge view.
 */
async function putTypingBack(section, typed) {
  section.editBase = typed.baseVersion === record.version ? null : typed.baseVersion;
  section.autosave.markDirty();
  if (section.editBase === null) return;
  let merge = null;
  try {
    merge = (await api("POST", `/api/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}/merge`,
      { baseVersion: typed.baseVersion, fields: typed.fields })).body;
  } catch { /* the save is guarded all the same: it answers with the merge */ }
  if (merge && !merge.conflicts.some((c) => section.fields.includes(c.field))) {
    section.editBase = null;
    section.autosave.markDirty();
    banner(`${section.label} was saved by someone else (version ${record.version}) since you typed; your changes are on top of it.`, "info");
  } else if (merge) {
    mergeModal(section, merge);
  } else {
    banner(`${section.label} was saved by someone else since you typed; saving shows what changed.`, "warn");
  }
}

/**
 * Our lease ended without us releasing it: send what was typed (it is on this device already), and say what is
 * true about it. `noteFor` offers a note for whoever edits next.
 */
async function onLost(section, message, { noteFor, draftKept, draftSavedAt } = {}) {
  const wasMine = section.mine;
  section.mine = false;
  section.autosave.stop();
  section.notice("displaced-draft", null);
  section.refresh();
  const actions = [{ label: "Review my draft", onClick: () => restoreFlow(section, true) }];
  if (noteFor) actions.push({ label: `Leave a note for ${noteFor}`, onClick: () => leaveNoteModal(section, noteFor) });
  if (!wasMine) {
    banner(message, "danger", actions);
    return;
  }
  const before = draftKept === undefined ? "" : draftKept
    ? ` Your changes up to ${fmtTime(draftSavedAt, true)} were already saved as your draft.`
    : " No draft of yours had reached the server yet.";
  banner(`${message}${before} Saving what you typed since…`, "danger", actions);
  let after;
  try {
    const sent = await section.autosave.flush();
    after = sent ? ` What you typed is saved as your draft (${fmtTime(sent.savedAt, true)}).`
      : draftKept || section.changed() ? " Nothing newer was typed." : " You had no unsaved changes.";
  } catch {
    after = local ? " What you typed is kept on this device and is sent when the connection returns."
      : " What you typed could not be saved yet; keep this page open.";
  }
  banner(`${message}${before}${after}`, "danger", actions);
}

function leaveNoteModal(section, forWhom) {
  const note = el("textarea", { id: "leave-note", rows: 3, maxlength: MAX });
  const error = el("p", { class: "error", role: "alert" });
  modal({ title: `A note for ${forWhom}`, id: "leave-note-modal", body: [
    el("p", {}, `What should ${forWhom} know about ${section.label}? They see it at once (or the next editor does).`),
    el("label", { for: "leave-note" }, "Note"), note, error], actions: [
    { id: "send-note", label: "Send note", primary: true, onClick: async (m) => {
      try {
        await locks.leaveNote(section.rid, note.value);
        m.close();
        banner(`Your note was passed on to ${forWhom}.`, "ok", [{ label: "Review my draft", onClick: () => restoreFlow(section, true) }]);
      } catch (e) { error.textContent = e.message; note.focus(); }
    } },
    { label: "Cancel", onClick: (m) => m.close() }] });
}

function queueModal(section) {
  const h = section.holder;
  const held = duration(h.since);
  const body = [el("p", {}, `${h.name} (${h.role || "editor"}) is editing ${section.label}`
      + (held === "just now" ? " (started just now)." : ` (for ${held}).`)),
    el("p", { class: "muted" }, "You can wait in the queue, keep viewing it read-only, ask them to hand over, or, in an emergency, take over.")];
  const actions = [
    { id: "join-queue", label: "Join queue", primary: true, onClick: async (m) => {
      turnAlerts.askPermission().catch(() => {});
      m.close();
      try { handleAnswer(section, await locks.joinQueue(section.rid)); } catch (e) { handleRefusal(section, e); }
    } },
    { id: "read-only", label: "View read-only", onClick: (m) => m.close() },
    { id: "ask", label: "Ask to hand over…", onClick: () => askModal(section) },
  ];
  if (clientConfig.forceUnlockRoles.includes(user.role)) {
    actions.push({ id: "override", label: "Override (emergency)…", danger: true, onClick: () => overrideModal(section) });
  }
  modal({ title: `${section.label} is being edited`, body, actions, id: "queue-modal" });
}

function askModal(section) {
  const text = el("textarea", { id: "ask-message", rows: 3, maxlength: MAX });
  modal({ title: `Ask ${section.holder?.name} to hand over`, id: "ask-modal", body: [el("label", { for: "ask-message" }, "Message"), text],
    actions: [
      { id: "send-ask", label: "Send", primary: true, onClick: async (m) => {
        m.close();
        try { handleAnswer(section, await locks.askHolder(section.rid, text.value || "May I edit this record?")); }
        catch (e) { handleRefusal(section, e); }
      } },
      { label: "Cancel", onClick: (m) => m.close() }] });
}

function overrideModal(section) {
  const reason = el("textarea", { id: "override-reason", rows: 3, maxlength: MAX, required: true, "aria-describedby": "override-help" });
  const error = el("p", { class: "error", role: "alert", id: "override-error" });
  const go = async (m, emergency) => {
    if (!reason.value.trim()) {
      error.textContent = "A reason is required; it is written to the audit trail.";
      reason.focus();
      return;
    }
    m.close();
    try {
      const answer = await locks.takeover(section.rid, reason.value.trim(), emergency);
      if (answer.event === "lock:acquired") onAcquired(section, answer.data);
      else banner(`${section.holder?.name} was asked to hand over; it will be forced at ${fmtTime(answer.data.autoForceAt)}.`, "warn");
    } catch (e) { handleRefusal(section, e); }
  };
  modal({ title: `Override ${section.holder?.name}'s lock`, id: "override-modal", body: [
    el("p", { id: "override-help" }, "Overrides are audited. The current editor is told at once; what they typed is saved as their draft, "
      + "never merged into your form."),
    el("label", { for: "override-reason" }, "Reason (required)"), reason, error], actions: [
    { id: "override-now", label: "Override now (emergency)", danger: true, onClick: (m) => go(m, true) },
    { id: "request-takeover", label: "Request takeover", onClick: (m) => go(m, false) },
    { label: "Cancel", onClick: (m) => m.close() }] });
}

function otherTabModal(section) {
  modal({ title: "You are editing this in another tab", id: "other-tab-modal",
    body: el("p", {}, "Move the lock to this tab? The other tab stops editing; its unsaved changes stay in its draft."),
    actions: [
      { id: "move-here", label: "Move the lock here", primary: true, onClick: async (m) => {
        m.close();
        try { onAcquired(section, (await locks.moveHere(section.rid)).data); } catch (e) { handleRefusal(section, e); }
      } },
      { label: "Cancel", onClick: (m) => m.close() }] });
}

async function leaveQueue(section) {
  await locks.leaveQueue(section.rid);
  section.queued = null;
  section.refresh();
  banner(null);
}

/** A note field for whoever edits next: on release, and when handing over to an ask or a takeover request. */
function noteField(idSuffix, label) {
  const note = el("textarea", { id: `note-${idSuffix}`, rows: 2, maxlength: MAX });
  return { note, nodes: [el("label", { for: `note-${idSuffix}` }, label), note] };
}

function releaseModal(section) {
  const { note, nodes } = noteField("release", "Note for the next editor (optional)");
  const unsaved = section.changed();
  modal({ title: `Release ${section.label}`, id: "release-modal", body: [
    unsaved ? el("p", { class: "banner warn" }, "You have unsaved changes; they stay in your draft.") : null, ...nodes], actions: [
    { id: "confirm-release", label: "Release", primary: true, onClick: async (m) => {
      m.close();
      if (unsaved) await section.autosave.flush().catch(() => {});
      await release(section, note.value.trim() || undefined);
    } },
    { label: "Cancel", onClick: (m) => m.close() }] });
}

async function release(section, note) {
  section.autosave.stop();
  section.mine = false;
  section.holder = null;
  section.notice("displaced-draft", null);
  section.showSaved();
  section.refresh();
  try { await locks.release(section.rid, note); } catch { /* already gone */ }
}

// ---- saving, creating and merging --------------------------------------------------------------------------

function showFieldErrors(e) {
  for (const err of e.body.errors) {
    const slot = document.getElementById(`f-${err.field}-error`);
    if (slot) slot.textContent = `${err.problem}`;
  }
  banner(e.body.detail, "warn");
}

async function save(section, thenRelease, fields = section.formValues(), version = section.editBase ?? record.version) {
  const lease = locks.lease(section.rid);
  for (const n of section.fields) document.getElementById(`f-${n}-error`).textContent = "";
  try {
    const { body } = await api("PUT", `/api/records/${type}/${id}${section.name === "main" ? "" : `?child=${section.name}`}`,
      { fields }, { "If-Match": `"${version}"`, "X-Lease-Id": lease?.leaseId || "" });
    record = body;
    renderMeta();
    section.editBase = null;
    section.typing = null;
    section.fill(record.fields);
    await section.autosave.saved();
    banner(`Saved version ${record.version} at ${fmtTime(record.updatedAt)}.`, "ok");
    if (thenRelease) await release(section);
  } catch (e) {
    if (e.status === 412) mergeModal(section, e.body.merge, e.body.current);
    else if (e.status === 423) onLost(section, "Your lock ended before this save; nothing was written.");
    else if (e.status === 400 && e.body.errors) showFieldErrors(e);
    else banner(e.message, "danger");
  }
}

/** Creates the new record with the id its drafts were kept under; a second attempt finds it created. */
async function create() {
  const fields = {};
  for (const s of sections.values()) Object.assign(fields, s.formValues());
  for (const name of Object.keys(schema.fields)) document.getElementById(`f-${name}-error`).textContent = "";
  try {
    await api("POST", `/api/records/${encodeURIComponent(type)}`, { id, fields });
  } catch (e) {
    if (e.status === 400 && e.body.errors) { showFieldErrors(e); return; }
    if (e.code !== "RECORD_EXISTS") { banner(e.message, "danger"); return; }
  }
  for (const s of sections.values()) await s.autosave.discard().catch(() => {});
  location.replace(`/record?type=${encodeURIComponent(type)}&id=${encodeURIComponent(id)}`);
}

/** The merge view: what was applied, and each conflicting field with base / mine / theirs to choose from. */
function mergeModal(section, merge, current) {
  if (current) { record = current; renderMeta(); }
  const conflicts = merge.conflicts.filter((c) => section.fields.includes(c.field));
  const applied = merge.applied.filter((f) => section.fields.includes(f));
  const choices = new Map();
  const rows = conflicts.map((c) => {
    const spec = schema.fields[c.field];
    const option = (which, value) => el("label", {}, el("input", { type: "radio", name: `merge-${c.field}`, value: which,
      onchange: () => { choices.set(c.field, value); saveButton.disabled = choices.size < conflicts.length; } }), ` ${which}: ${show(value)}`);
    return el("tr", { "data-field": c.field },
      el("th", { scope: "row" }, spec.label, " ", spec.clinical ? el("span", { class: "clinical" }, "clinical: confirm") : null),
      el("td", {}, show(c.base)),
      el("td", { class: "choice" }, option("mine", c.mine), option("theirs", c.theirs)));
  });
  const saveButton = el("button", { type: "button", "data-action": "save-merge", disabled: conflicts.length > 0 }, "Save merged version");
  const m = modal({ title: `Someone saved ${section.label} while you were editing`, id: "merge-modal", body: [
    el("p", {}, `Version ${merge.theirsVersion} is newer than the version ${merge.baseVersion} you started from.`),
    applied.length ? el("p", {}, "Kept your changes to: ", applied.map((f) => schema.fields[f].label).join(", "), ".") : null,
    conflicts.length ? el("table", { class: "merge" }, el("thead", {}, el("tr", {}, el("th", {}, "Field"), el("th", {}, "When you started"),
      el("th", {}, "Choose"))), el("tbody", {}, rows)) : el("p", {}, "Nothing conflicts."),
  ], actions: [{ label: "Cancel (keep my draft)", onClick: (h) => h.close() }] });
  m.node.classList.add("wide");
  m.node.querySelector(".modal-actions").prepend(saveButton);
  saveButton.addEventListener("click", async () => {
    const fields = {};
    for (const n of section.fields) fields[n] = merge.merged[n] ?? null;
    for (const [field, value] of choices) fields[field] = value;
    m.close();
    if (!section.mine) {
      try {
        const answer = await locks.acquire(section.rid);
        if (answer.event !== "lock:acquired") { handleAnswer(section, answer); return; }
        section.mine = true;
        section.refresh();
      } catch (e) { handleRefusal(section, e); return; }
    }
    section.fill({ ...record.fields, ...fields });
    await save(section, false, fields, merge.theirsVersion);
  });
}

/**
 * A draft from an earlier visit (crash, closed tab, dead battery, takeover): the newest of this device's and the
 * server's, offered with its time and where it was kept; merged when the record moved on.
 */
async function restoreFlow(section, direct = false) {
  const draft = await section.autosave.restore();
  if (!draft || !draft.data?.fields) {
    if (direct) banner("There is no draft to review.", "info");
    return;
  }
  if (!direct && !section.changedFrom(draft.data.fields) && !draft.merge) {
    await section.autosave.discard();
    return;
  }
  const go = async () => {
    if (creating) { section.fill(draft.data.fields); section.autosave.markDirty(); return; }
    section.pendingDraft = draft;
    if (section.mine) { onAcquired(section, {}); return; }
    await edit(section);
  };
  if (direct) { await go(); reportRecovery(section, draft, "restored"); return; }
  const where = draft.source === "device"
    ? `kept on this device${draft.synced ? ", now also on the server" : ", not yet on the server"}` : "saved on the server";
  await new Promise((resolve) => modal({ title: "Unsaved changes found", id: "draft-modal", onClose: resolve, body: el("p",
    { "data-source": draft.source }, `You have unsaved changes to ${section.label} from ${fmtTime(draft.savedAt, true)} (${where})`
      + (draft.merge ? `; the record has changed since (now version ${draft.currentVersion}).` : ".")),
  actions: [
    { id: "restore-draft", label: draft.merge ? "Review and merge" : "Restore", primary: true, onClick: async (m) => {
      m.close(); await go(); reportRecovery(section, draft, "restored"); } },
    { id: "discard-draft", label: "Discard", onClick: async (m) => {
      m.close(); await section.autosave.discard(); reportRecovery(section, draft, "discarded"); } }] }));
}

/** Tells the server what the user did with a draft offered back (the dashboard's autosave recoveries); never blocks the page. */
function reportRecovery(section, draft, outcome) {
  api("POST", "/api/autosave/recovery", { resourceId: section.rid, outcome, source: draft.source === "device" ? "device" : "server" })
    .catch(() => {});
}

// ---- live events -------------------------------------------------------------------------------------------

locks.on("presence:update", (data) => {
  const s = byResource(data);
  if (!s) return;
  s.presence = data.users;
  const holder = data.users.find((u) => u.hasLock);
  if (!holder) s.holder = null;
  else if (!s.holder || s.holder.userId !== holder.userId) s.holder = { ...holder, since: new Date().toISOString() };
  else s.holder = { ...s.holder, ...holder };
  s.mine = s.mine && !!holder && holder.userId === user.userId;
  s.refresh();
});
locks.on("lock:acquired", (data) => {
  const s = byResource(data);
  if (!s) return;
  if (data.yours) onAcquired(s, data);
  else { s.holder = { ...data.lease.holder, since: data.lease.acquiredAt }; s.disconnectedUntil = null; s.refresh(); }
});
locks.on("lock:released", async (data) => {
  const s = byResource(data);
  if (!s) return;
  // The lease that ended is this tab's only when its fence is the one we hold: a move to this tab ends the other tab's
  // lease, and that release may arrive after this tab already has the new one (answers do not wait for events).
  const ours = s.mine && (data.fencingToken === undefined || s.fence === undefined || data.fencingToken === s.fence);
  const mineEnded = ours && data.holder?.userId === user.userId && data.reason !== "RELEASED" && data.reason !== "MOVED";
  if (data.reason === "MOVED" && ours) { s.mine = false; s.autosave.stop(); banner("You moved this lock to another tab.", "info"); }
  if (mineEnded && data.reason !== "TAKEOVER") {
    const why = { IDLE_TIMEOUT: "Your lock was released after a long time without activity.", EXPIRED: "Your lock expired.",
      GRACE_PERIOD_EXPIRED: "Your lock was released while you were disconnected.",
      ADMIN_RELEASE: `An administrator released your lock${data.byReason ? `: “${data.byReason}”` : ""}.` }[data.reason] || "Your lock ended.";
    await onLost(s, why, { noteFor: data.reason === "ADMIN_RELEASE" ? "the next editor" : undefined });
  }
  // Only the release of the holder we show clears the badge (a late echo must not hide the next holder).
  if (!s.mine && data.holder && (!s.holder || s.holder.userId === data.holder.userId)) {
    s.holder = null;
    s.disconnectedUntil = null;
    s.refresh();
  }
  if (!s.mine) await reloadRecord();
});
const placeOf = (data) => ({ position: data.position, estimatedWaitSeconds: data.estimatedWaitSeconds });
locks.on("lock:queued", (data) => { const s = byResource(data); if (s && data.position > 0) { s.queued = placeOf(data); s.refresh(); } });
locks.on("queue:position", (data) => {
  const s = byResource(data);
  if (!s || !s.queued) return;
  const movedUp = data.position < s.queued.position;
  s.queued = placeOf(data);
  s.refresh();
  if (movedUp) {
    banner(`You moved up: #${data.position} in the queue for ${s.label}`
      + (data.estimatedWaitSeconds ? `, about ${waitText(data.estimatedWaitSeconds)} to wait.` : "."), "info");
  }
});
locks.on("queue:left", (data) => { const s = byResource(data); if (s) { s.queued = null; s.refresh(); } });
locks.on("lock:turn_missed", (data) => { const s = byResource(data); if (s) { s.queued = null; s.refresh(); banner("Your turn passed to the next person in the queue.", "warn"); } });
locks.on("lock:holder_disconnected", (data) => { const s = byResource(data); if (s) { s.disconnectedUntil = data.graceEndsAt; s.refresh(); } });
locks.on("lock:holder_resumed", (data) => { const s = byResource(data); if (s) { s.disconnectedUntil = null; s.refresh(); } });
locks.on("lock:your_turn", (data) => {
  const s = byResource(data);
  if (!s) return;
  const countdown = el("span", { class: "countdown" });
  const tick = () => { countdown.textContent = `${Math.max(0, Math.round((new Date(data.claimBy) - Date.now()) / 1000))} s`; };
  tick();
  const timer = setInterval(tick, 1000);
  modal({ title: `${s.label} is available`, id: "your-turn-modal", onClose: () => clearInterval(timer),
    body: el("p", {}, "It is your turn to edit. Claim it within ", countdown, " or it passes to the next person."), actions: [
      { id: "claim", label: "Start editing", primary: true, onClick: async (m) => {
        m.close();
        try { onAcquired(s, (await locks.claim(s.rid)).data); } catch (e) { handleRefusal(s, e); }
      } },
      { label: "Not now", onClick: async (m) => { m.close(); await leaveQueue(s); } }] });
});
locks.on("lock:expiring", (data) => {
  const s = byResource(data);
  if (!s) return;
  modal({ title: "Are you still editing?", id: "expiring-modal", body: el("p", {},
    `Your lock on ${s.label} will be released at ${fmtTime(data.idleExpiresAt)} unless you keep editing.`), actions: [
    { id: "keep-editing", label: "Keep editing", primary: true, onClick: async (m) => { m.close(); await locks.heartbeatNow(true); banner("You keep the lock.", "ok"); } },
    { label: "Release now", onClick: (m) => { m.close(); releaseModal(s); } }] });
});
locks.on("lock:taken_by_admin", async (data) => {
  const s = byResource(data);
  if (!s) return;
  closeModal();
  await onLost(s, `${data.by.name} took over ${s.label}${data.emergency ? " in an emergency" : ""}: “${data.reason}”.`,
    { noteFor: data.by.name, draftKept: data.draftKept, draftSavedAt: data.draftSavedAt });
});
locks.on("lock:displaced_draft", (data) => {
  const s = byResource(data);
  if (!s) return;
  const who = data.owner.name;
  s.notice("displaced-draft", data.draftKept
    ? `${who}'s unsaved changes are kept as their draft (saved ${fmtTime(data.draftSavedAt, true)}). They are not in this form: `
      + `${who} reviews them field by field after your save.`
    : `${who} was editing before you; no draft of theirs had reached the server. If their page is open, it saves what they typed `
      + "as their draft, and you will see it here.");
});
locks.on("lock:note_left", (data) => {
  const s = byResource(data);
  if (!s) return;
  s.notice("note-left", `Note from ${data.from.name}: “${data.note}”`);
  modal({ title: `A note from ${data.from.name}`, id: "note-left-modal", body: [el("p", {}, `${data.from.name} was editing ${s.label} before you:`),
    el("blockquote", {}, data.note)], actions: [{ label: "OK", primary: true, onClick: (m) => m.close() }] });
});
locks.on("lock:takeover_requested", (data) => {
  const s = byResource(data);
  if (!s) return;
  const { note, nodes } = noteField("takeover", `Note for ${data.from.name} (optional)`);
  modal({ title: `${data.from.name} asks to take over`, id: "takeover-request-modal", body: [el("p", {}, `Reason: “${data.reason}”.`),
    el("p", {}, `It will be handed over at ${fmtTime(data.autoForceAt)} unless you keep it. What you typed is saved as your draft.`), ...nodes],
  actions: [
    { id: "approve-takeover", label: "Hand over now", primary: true, onClick: async (m) => {
      m.close();
      await s.autosave.flush().catch(() => {});
      await locks.answerTakeover(s.rid, true, note.value.trim() || undefined);
    } },
    { id: "deny-takeover", label: "Keep editing", onClick: async (m) => { m.close(); await locks.answerTakeover(s.rid, false); } }] });
});
locks.on("lock:request_received", (data) => {
  const s = byResource(data);
  if (!s) return;
  const { note, nodes } = noteField("ask", `Note for ${data.from.name} (optional)`);
  modal({ title: `${data.from.name} asks you to hand over`, id: "ask-received-modal", body: [el("p", {}, `“${data.message}”`), ...nodes],
    actions: [
      { id: "approve-ask", label: "Hand over", primary: true, onClick: async (m) => {
        m.close();
        await s.autosave.flush().catch(() => {});
        s.mine = false;
        s.autosave.stop();
        await locks.answerRequest(s.rid, data.requestId, true, note.value.trim() || undefined);
        s.refresh();
      } },
      { id: "deny-ask", label: "Not now", onClick: async (m) => { m.close(); await locks.answerRequest(s.rid, data.requestId, false); } }] });
});
locks.on("lock:request_answered", (data) => {
  if (!data.approved) banner(data.timedOut ? "The editor did not answer in time." : "The editor is not ready to hand over yet.", "info");
});
locks.on("lease", ({ resourceId, lease, reason }) => {
  const s = byResource({ resourceId });
  if (s && !lease && reason === "SESSION_LOST" && s.mine) onLost(s, "The connection was lost for too long and your lock ended.");
});
setInterval(() => { for (const s of sections.values()) s.refresh(); }, 30000);

// ---- start -------------------------------------------------------------------------------------------------

if (!locksOn) {
  host.before(el("p", { class: "banner warn", id: "locks-off", role: "status" },
    "Edit locks are turned off on this server (LOCK_ENABLED=false): you can read this record, but nobody can edit it here."));
}
if (creating) {
  const createButton = el("button", { type: "button", "data-action": "create", onclick: () => create() }, "Create record");
  host.after(el("p", {}, createButton));
  for (const section of sections.values()) section.autosave.start();
  await locks.connect().catch(() => {});
} else {
  await locks.connect();
  for (const section of sections.values()) {
    if (locksOn) {
      await locks.join(section.rid, "viewer");
      const [t, i, c] = section.rid.split(":");
      const { body: check } = await api("GET", `/api/locks/check/${t}/${i}${c === "main" ? "" : `?child=${c}`}`);
      if (check.holder) section.holder = check.holder;
      if (check.queue?.position) section.queued = { position: check.queue.position };
    }
    section.refresh();
  }
}
document.body.dataset.ready = "true";
if (locksOn) for (const section of sections.values()) await restoreFlow(section);
document.body.dataset.restored = "true";
