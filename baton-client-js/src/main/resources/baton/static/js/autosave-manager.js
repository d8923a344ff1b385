// Baton autosave manager: keeps the user's unsaved form content as a server-side draft, every
// AUTOSAVE_INTERVAL while there are changes and on demand, so a crash, a closed tab or a takeover loses nothing.
//
//   import { AutosaveManager } from "/js/autosave-manager.js";
//   const autosave = new AutosaveManager({ resourceId: "patient:p-1001", locks, token,
//     getData: () => ({ fields: readForm() }), baseVersion: () => record.version });
//   autosave.on("status", (s) => indicator.textContent = s.state === "saved" ? `Draft saved ${s.savedAt}` : s.state);
//   const draft = await autosave.restore();     // null when there is none
//   autosave.start(); input.addEventListener("input", () => autosave.markDirty());
//   ...after a successful record save: autosave.saved() (the server already deleted the draft)

export class AutosaveManager {
  /**
   * @param {object} options
   * @param {string} options.resourceId the resource the draft belongs to (type:id or type:id:section)
   * @param {function():object} options.getData the form's content, a JSON object
   * @param {function():number} [options.baseVersion] the record version the edit started from
   * @param {object} [options.locks] a connected LockManager: drafts then go over its WebSocket (draft:save)
   * @param {string|function():string} [options.token] the JWT, for REST (restore, delete, and saves without a socket)
   * @param {number} [options.intervalSeconds] AUTOSAVE_INTERVAL (default 120)
   * @param {string} [options.baseUrl] the Baton origin; @param {function} [options.fetch]; @param {object} [options.timers]
   */
  constructor(options) {
    this.options = { intervalSeconds: 120, ...options };
    const loc = globalThis.location;
    this.baseUrl = (options.baseUrl || (loc ? loc.origin : "")).replace(/\/$/, "");
    this.fetchImpl = options.fetch || ((...args) => globalThis.fetch(...args));
    this.timers = options.timers || { setInterval: (f, ms) => setInterval(f, ms), clearInterval: (h) => clearInterval(h) };
    this.handlers = new Map();
    this.dirty = false;
    this.timer = null;
    this.inFlight = null;
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

  /** Starts the periodic save; only changed content is sent. */
  start() {
    this.stop();
    this.timer = this.timers.setInterval(() => { if (this.dirty) this.saveNow().catch(() => {}); },
      this.options.intervalSeconds * 1000);
  }

  stop() {
    if (this.timer) this.timers.clearInterval(this.timer);
    this.timer = null;
  }

  markDirty() {
    if (!this.dirty) {
      this.dirty = true;
      this.emit("status", { state: "unsaved" });
    }
  }

  /** Saves the current content now (one save at a time; a change during a save is saved next time). */
  async saveNow() {
    if (this.inFlight) await this.inFlight.catch(() => {});
    const data = this.options.getData();
    const baseVersion = this.options.baseVersion ? this.options.baseVersion() : undefined;
    this.dirty = false;
    this.emit("status", { state: "saving" });
    this.inFlight = this.send(data, baseVersion);
    try {
      const answer = await this.inFlight;
      this.lastSavedAt = answer.savedAt;
      this.emit("status", { state: "saved", savedAt: answer.savedAt });
      return answer;
    } catch (e) {
      this.dirty = true;
      this.emit("status", { state: "error", code: e.code || "NETWORK", message: e.message });
      throw e;
    } finally {
      this.inFlight = null;
    }
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

  /** The saved draft ({data, savedAt, baseVersion, currentVersion?, merge?}) or null. */
  async restore() {
    const [type, id, child] = this.options.resourceId.split(":");
    try {
      return await this.rest("GET", `/api/autosave/restore/${type}/${id}${child && child !== "main" ? `?child=${child}` : ""}`);
    } catch (e) {
      if (e.status === 404) return null;
      throw e;
    }
  }

  async discard() {
    this.dirty = false;
    await this.rest("DELETE", "/api/autosave/delete", { resourceId: this.options.resourceId });
    this.emit("status", { state: "discarded" });
  }

  /** The record was saved: the server deleted the draft with that save; nothing is pending any more. */
  saved() {
    this.dirty = false;
    this.emit("status", { state: "clean" });
  }

  async rest(method, path, body) {
    const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token()}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : {};
    if (!response.ok) {
      const error = new Error(json.detail || `HTTP ${response.status}`);
      error.code = json.code;
      error.status = response.status;
      throw error;
    }
    return json;
  }
}
