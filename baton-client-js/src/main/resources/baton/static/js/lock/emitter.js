// A small event emitter shared by the client's parts: handlers by event name, plus "*" for every event.
// A handler that throws is logged and never stops the others (one broken widget must not silence a lock event).

export class Emitter {
  constructor() {
    this.handlers = new Map();
  }

  /** Subscribes to an event; returns a function that unsubscribes. "*" receives (event, data). */
  on(event, handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event).add(handler);
    return () => this.handlers.get(event)?.delete(handler);
  }

  emit(event, data) {
    for (const handler of this.handlers.get(event) || []) {
      try { handler(data); } catch (e) { console.error("baton: a handler of", event, "failed", e); }
    }
    for (const handler of this.handlers.get("*") || []) {
      try { handler(event, data); } catch (e) { console.error("baton: a * handler failed", e); }
    }
  }
}
