// Baton autosave manager: local-first drafts. Every change is kept on the device at once (LocalDrafts: IndexedDB,
// encrypted) and sent to the server as a draft shortly after typing stops (syncDelayMs), and at the latest
// AUTOSAVE_INTERVAL after the first unsent change, so a crash, a dead battery, a lost network or a takeover loses
// nothing. A failed send is retried; the device copy stays until the record is saved or the draft discarded.
//
//   import { AutosaveManager } from "/js/autosave-manager.js";
//   import { LocalDrafts } from "/js/local-drafts.js";
//   const local = await LocalDrafts.open({ token });
//   const autosave = new AutosaveManager({ resourceId: "patient:p-1001", locks, token, local,
//     getData: () => ({ fields: readForm() }), baseVersion: () => record.version });
//   autosave.on("status", (s) => indicator.textContent = s.state);   // unsaved, local, saving, saved, error, ...
//   const draft = await autosave.restore();   // the newest of device and server, or null
//   autosave.start(); input.addEventListener("input", () => autosave.markDirty());
//   ...displaced: await autosave.flush();  after a successful record save: autosave.saved()

export class AutosaveManager {
  /**
   * @param {object} options
   * @param {string} options.resourceId the resource the draft belongs to (type:id or type:id:section); the record
   *   need not exist yet
   * @param {function():object} options.getData the form's content, a JSON object
   * @param {function():number} [options.baseVersion] the record version the edit started from
   * @param {import("./local-drafts.js").LocalDrafts} [options.local] the device's draft store (none: server only)
   * @param {object} [options.locks] a connected LockManager: drafts then go over its WebSocket (draft:save)
   * @param {string|function():string} [options.token] the JWT, for REST (restore, delete, and saves without a socket)
   * @param {number} [options.intervalSeconds] AUTOSAVE_INTERVAL: the longest a change waits for the server (default 120)
   * @param {number} [options.syncDelayMs] quiet time after the last change before it is sent (default 1500)
   * @param {number} [options.retryMs] pause before a failed send is tried again (default 5000)
   * @param {string} [options.baseUrl] the Baton origin; @param {function} [options.fetch]; @param {object} [options.timers]
   */
  constructor(options) {
    this.options = { intervalSeconds: 120, syncDelayMs: 1500, retryMs: 5000, ...options };
    const loc = globalThis.location;
    this.baseUrl = (options.baseUrl || (loc ? loc.origin : "")).replace(/\/$/, "");
    this.fetchImpl = options.fetch || ((...args) => globalThis.fetch(...args));
    this.timers = options.timers || { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h) };
    this.local = options.local || null;
    this.handlers = new Map();
    this.dirty = false;       // changed since the server last got the content
    this.changes = 0;         // counts changes, so a slow write or send knows whether it is still the newest
    this.started = false;
    this.quietTimer = null;
    this.deadlineTimer = null;
    this.inFlight = null;
    this.writing = null;
    this.lastSavedAt = null;
  }

  on(event, handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event).add(handler);
    return () => this.handlers.get(event)?.delete(handler);
  }

  emit(event, data) {
    for (const handler of this.handlers.get(event) || []) handler(data);
  }

  token() {
    const t = this.options.token ?? this.options.locks?.token();
    return typeof t === "function" ? t() : t;
  }

  /** Starts sending changes to the server (they are kept on the device either way). */
  start() {
    this.started = true;
    if (this.dirty) this.schedule();
  }

  /** Stops sending; pending changes stay on the device. */
  stop() {
    this.started = false;
    this.clearTimers();
  }

  /** The form changed: keep it on the device now, and send it once typing pauses. */
  markDirty() {
    this.changes += 1;
    if (!this.dirty) {
      this.dirty = true;
      this.emit("status", { state: "unsaved" });
    }
    this.keepOnDevice();
    if (this.started) this.schedule();
  }

  schedule() {
    this.timers.clearTimeout(this.quietTimer);
    this.quietTimer = this.timers.setTimeout(() => this.sync(), this.options.syncDelayMs);
    if (!this.deadlineTimer) this.deadlineTimer = this.timers.setTimeout(() => this.sync(), this.options.intervalSeconds * 1000);
  }

  clearTimers() {
    this.timers.clearTimeout(this.quietTimer);
    this.timers.clearTimeout(this.deadlineTimer);
    this.quietTimer = this.deadlineTimer = null;
  }

  /** Sends now if anything is unsent; on failure, tries again after retryMs (while started). */
  async sync() {
    this.clearTimers();
    if (!this.dirty) return;
    try {
      await this.saveNow();
    } catch {
      if (this.started) this.quietTimer = this.timers.setTimeout(() => this.sync(), this.options.retryMs);
    }
  }

  /** Writes the current content to the device; writes never overlap, and the last one always has the newest content. */
  keepOnDevice() {
    if (!this.local) return Promise.resolve();
    if (this.writing) {
      this.writeAgain = true;
      return this.writing;
    }
    this.writing = (async () => {
      do {
        this.writeAgain = false;
        const change = this.changes;
        const kept = await this.local.put(this.options.resourceId, { data: this.options.getData(), baseVersion: this.baseVersion() });
        if (this.dirty && change === this.changes && !this.inFlight) this.emit("status", { state: "local", savedAt: kept.savedAt });
      } while (this.writeAgain);
    })().catch((e) => {
      this.emit("status", { state: "error", code: "DEVICE_STORE", message: `Not kept on this device: ${e.message}` });
    }).finally(() => { this.writing = null; });
    return this.writing;
  }

  baseVersion() {
    return this.options.baseVersion ? this.options.baseVersion() : undefined;
  }

  /** Sends the current content to the server now (one send at a time; a change during a send is sent next). */
  async saveNow() {
    if (this.inFlight) await this.inFlight.catch(() => {});
    const change = this.changes;
    const data = this.options.getData();
    const baseVersion = this.baseVersion();
    this.dirty = false;
    this.emit("status", { state: "saving" });
    this.inFlight = this.send(data, baseVersion);
    try {
      const answer = await this.inFlight;
      this.lastSavedAt = answer.savedAt;
      if (change === this.changes) {
        await this.writing;
        if (this.local && change === this.changes) {
          await this.local.put(this.options.resourceId, { data, baseVersion, synced: true, serverSavedAt: answer.savedAt }).catch(() => {});
        }
        this.emit("status", { state: "saved", savedAt: answer.savedAt });
      }
      return answer;
    } catch (e) {
      this.dirty = true;
      this.emit("status", { state: "error", code: e.code || "NETWORK", message: e.message, keptOnDevice: !!this.local });
      throw e;
    } finally {
      this.inFlight = null;
    }
  }

  /** Sends whatever is unsent now (e.g. when displaced by a takeover); resolves when the server has it. */
  async flush() {
    this.clearTimers();
    await this.writing;
    if (this.dirty) return this.saveNow();
    return null;
  }

  async send(data, baseVersion) {
    const locks = this.options.locks;
    if (locks && locks.state === "open") {
      try {
        return (await locks.saveDraft(this.options.resourceId, data, baseVersion)).data;
      } catch (e) {
        if (e.code !== "DISCONNECTED" && e.code !== "TIMEOUT") throw e;
      }
    }
    return this.rest("POST", "/api/autosave/save", { resourceId: this.options.resourceId, data, baseVersion });
  }

  /**
   * The newest draft of the device and the server ({data, savedAt, baseVersion, source: "device"|"server",
   * synced, currentVersion?, merge?}), or null. A device draft the server lacks is sent first, so the server can
   * say whether the record moved on (merge); a device copy of a draft that the server no longer has (saved or
   * discarded elsewhere) is removed.
   */
  async restore() {
    let server = null;
    let serverKnown = true;
    try {
      server = await this.fetchDraft();
    } catch {
      serverKnown = false;
    }
    const device = this.local ? await this.local.get(this.options.resourceId) : null;
    if (device && device.synced && serverKnown) {
      if (!server) {
        await this.local.delete(this.options.resourceId);
        return null;
      }
      if (server.savedAt !== device.serverSavedAt) return { ...server, source: "server", synced: true };
    }
    if (device && !device.synced) {
      let synced = false;
      try {
        const answer = await this.send(device.data, device.baseVersion);
        await this.local.put(this.options.resourceId, { ...device, synced: true, serverSavedAt: answer.savedAt });
        server = await this.fetchDraft();
        synced = true;
      } catch {
        server = null;
      }
      return { ...(server || {}), data: device.data, baseVersion: device.baseVersion, savedAt: device.savedAt, source: "device", synced };
    }
    return server ? { ...server, source: "server", synced: true } : null;
  }

  /**
   * The server's draft or null. The caller's list of drafts is asked first, so that "no draft" is an empty list
   * rather than a 404 that browsers log as a failed request.
   */
  async fetchDraft() {
    const [type, id, child] = this.options.resourceId.split(":");
    const full = `${type}:${id}:${child || "main"}`;
    const { drafts = [] } = await this.rest("GET", "/api/autosave/mine");
    if (!drafts.some((d) => d.resourceId === full)) return null;
    const answer = await this.rest("GET", `/api/autosave/restore/${type}/${id}${child && child !== "main" ? `?child=${child}` : ""}`, undefined, [404]);
    return answer.status === 404 ? null : answer;
  }

  /** Deletes the draft, on the server and on the device. */
  async discard() {
    this.dirty = false;
    this.clearTimers();
    await this.writing;
    await this.rest("DELETE", "/api/autosave/delete", { resourceId: this.options.resourceId });
    await this.local?.delete(this.options.resourceId);
    this.emit("status", { state: "discarded" });
  }

  /** The record was saved: the server deleted the draft with that save; the device copy goes too. */
  async saved() {
    this.dirty = false;
    this.clearTimers();
    await this.writing;
    await this.local?.delete(this.options.resourceId).catch(() => {});
    this.emit("status", { state: "clean" });
  }

  /**
   * One REST call. A status listed in `expected` (e.g. 404 "no draft") is an answer, not an error, so pages never
   * log it as a failure.
   */
  async rest(method, path, body, expected = []) {
    const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token()}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : {};
    if (expected.includes(response.status)) return { ...json, status: response.status };
    if (!response.ok) {
      const error = new Error(json.detail || `HTTP ${response.status}`);
      error.code = json.code;
      error.status = response.status;
      throw error;
    }
    return json;
  }
}
