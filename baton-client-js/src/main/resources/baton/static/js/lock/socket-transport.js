// One WebSocket to Baton's /ws: opens it, parses frames, and matches answers to requests by `ref`. It knows
// nothing of locks; the LockManager decides what frames mean and when to reconnect.
import { BatonError } from "./errors.js";

export class SocketTransport {
  /**
   * @param {object} options
   * @param {function} options.WebSocket the WebSocket constructor
   * @param {object} options.timers {setTimeout, clearTimeout}
   * @param {number} options.requestTimeoutMs how long a request waits for its answer
   * @param {function(string, object, string|undefined)} options.onMessage every frame: (event, data, ref)
   * @param {function(number, string)} options.onClose the socket closed: (code, reason)
   */
  constructor({ WebSocket, timers, requestTimeoutMs, onMessage, onClose }) {
    this.WebSocketImpl = WebSocket;
    this.timers = timers;
    this.requestTimeoutMs = requestTimeoutMs;
    this.onMessage = onMessage;
    this.onClose = onClose;
    this.pending = new Map();
    this.refCounter = 0;
    this.socket = null;
  }

  open(url) {
    let socket;
    try {
      socket = new this.WebSocketImpl(url);
    } catch (e) {
      this.closed(null, 1006, String(e));
      return;
    }
    this.socket = socket;
    socket.onmessage = (m) => this.frame(m.data);
    socket.onclose = (e) => this.closed(socket, e?.code ?? 1006, e?.reason ?? "");
    socket.onerror = () => {};
  }

  get isOpen() {
    return this.socket !== null;
  }

  frame(text) {
    let message;
    try { message = JSON.parse(text); } catch { return; }
    const { event, data = {}, ref } = message;
    if (typeof event === "string") this.onMessage(event, data, ref);
  }

  /** Resolves (or, for `error`, rejects) the request waiting for `ref`; false when nothing waits for it. */
  settle(ref, event, data) {
    const waiting = ref !== undefined && this.pending.get(ref);
    if (!waiting) return false;
    this.pending.delete(ref);
    this.timers.clearTimeout(waiting.timer);
    if (event === "error") waiting.reject(new BatonError(data.code, data.message, data.status, data));
    else waiting.resolve({ event, data });
    return true;
  }

  /** Sends an event; resolves with the direct answer {event, data}. */
  request(event, data) {
    if (!this.socket) return Promise.reject(new BatonError("DISCONNECTED", "Not connected to Baton.", 0));
    const ref = `r${++this.refCounter}`;
    return new Promise((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(ref);
        reject(new BatonError("TIMEOUT", `No answer to ${event}.`, 0));
      }, this.requestTimeoutMs);
      this.pending.set(ref, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ event, data, ref }));
    });
  }

  close(code = 1000, reason = "bye") {
    this.socket?.close(code, reason);
  }

  closed(socket, code, reason) {
    if (socket && socket !== this.socket) return;
    this.socket = null;
    for (const [, waiting] of this.pending) {
      this.timers.clearTimeout(waiting.timer);
      waiting.reject(new BatonError("DISCONNECTED", "The connection to Baton dropped.", 0));
    }
    this.pending.clear();
    this.onClose(code, reason);
  }
}
