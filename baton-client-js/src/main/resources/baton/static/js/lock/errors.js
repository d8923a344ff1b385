/** A refusal from the server (code is the stable problem code: LOCK_HELD, QUEUE_FULL, ...) or DISCONNECTED / TIMEOUT. */
export class BatonError extends Error {
  constructor(code, message, status, data) {
    super(message || code);
    this.name = "BatonError";
    this.code = code;
    this.status = status;
    this.data = data;
  }
}
