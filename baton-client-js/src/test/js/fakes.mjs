// Test doubles for the browser client: a fake clock with timers, a scripted WebSocket, a recording fetch.

export class FakeTimers {
  constructor() {
    this.time = 0;
    this.tasks = [];
    this.nextId = 1;
  }
  now() { return this.time; }
  setTimeout(fn, ms) { const id = this.nextId++; this.tasks.push({ id, at: this.time + ms, fn }); return id; }
  clearTimeout(id) { this.tasks = this.tasks.filter((t) => t.id !== id); }
  setInterval(fn, ms) { const id = this.nextId++; this.tasks.push({ id, at: this.time + ms, fn, every: ms }); return id; }
  clearInterval(id) { this.clearTimeout(id); }
  /** Moves time forward, running what falls due in order. */
  async advance(ms) {
    const end = this.time + ms;
    for (;;) {
      this.tasks.sort((a, b) => a.at - b.at);
      const next = this.tasks[0];
      if (!next || next.at > end) break;
      this.time = next.at;
      if (next.every) next.at += next.every; else this.tasks.shift();
      next.fn();
      await flush();
    }
    this.time = end;
    await flush();
  }
  pending() { return this.tasks.length; }
}

export async function flush() {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Every socket the client opens lands in FakeSocket.opened; tests play the server's part. */
export class FakeSocket {
  static opened = [];
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.closed = false;
    FakeSocket.opened.push(this);
  }
  send(text) { this.sent.push(JSON.parse(text)); }
  close(code = 1000, reason = "") { this.closed = true; this.onclose?.({ code, reason }); }
  /** The server sends a message. */
  receive(event, data, ref) { this.onmessage?.({ data: JSON.stringify({ event, data, ...(ref ? { ref } : {}) }) }); }
  /** The connection drops. */
  drop(code = 1006) { this.closed = true; this.onclose?.({ code, reason: "" }); }
  last(event) { return [...this.sent].reverse().find((m) => m.event === event); }
  static reset() { FakeSocket.opened = []; }
  static latest() { return FakeSocket.opened[FakeSocket.opened.length - 1]; }
}

/** A fetch that answers from a route table and records every call. */
export function fakeFetch(routes) {
  const calls = [];
  const fn = async (url, init = {}) => {
    const path = new URL(url).pathname;
    const key = `${init.method || "GET"} ${path}`;
    calls.push({ key, url, init, body: init.body ? JSON.parse(init.body) : undefined });
    const route = routes[key];
    const [status, body, headers = {}] = typeof route === "function" ? route(calls[calls.length - 1]) : route || [404, { code: "NOT_FOUND" }];
    return {
      ok: status >= 200 && status < 300,
      status,
      headers: { get: (name) => headers[name] ?? null },
      text: async () => (body === undefined ? "" : JSON.stringify(body)),
    };
  };
  fn.calls = calls;
  return fn;
}

/** LocalDrafts' interface, in memory (the real one is tested with fake-indexeddb in local-drafts.test.mjs). */
export class MemoryDrafts {
  constructor() {
    this.rows = new Map();
    this.writes = 0;
  }
  async put(resourceId, { data, baseVersion = null, synced = false, savedAt = `t${++this.writes}`, serverSavedAt = null }) {
    const row = { resourceId, data: structuredClone(data), baseVersion, savedAt, synced, serverSavedAt };
    this.rows.set(resourceId, row);
    return row;
  }
  async get(resourceId) { return this.rows.get(resourceId) || null; }
  async delete(resourceId) { this.rows.delete(resourceId); }
  async list() { return [...this.rows.values()]; }
}
