// Reconnect pacing: capped exponential backoff with "equal jitter" (half the step fixed, half random), so a
// server restart is not met by every tab at the same instant, and a long outage is retried every reconnectMaxMs.

export class Backoff {
  /**
   * @param {object} options
   * @param {number} options.initialMs the first delay's step
   * @param {number} options.maxMs the largest step
   * @param {function():number} options.random jitter source in [0, 1)
   */
  constructor({ initialMs, maxMs, random }) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.random = random;
    this.failures = 0;
  }

  /** Counts one more failure and returns how long to wait before the next attempt. */
  next() {
    this.failures += 1;
    const step = Math.min(this.maxMs, this.initialMs * 2 ** (this.failures - 1));
    return Math.round(step / 2 + (step / 2) * this.random());
  }

  reset() {
    this.failures = 0;
  }
}
