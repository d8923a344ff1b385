// "Your turn", wherever you are (SPEC feature 31): when the tab is in the background, a queued user whose turn
// comes is also told through the browser's Notification API, so nobody misses a claim window. Only with the user's
// permission, asked for at a moment they chose (e.g. when they join a queue).
//
//   import { TurnAlerts } from "/js/turn-alerts.js";
//   const alerts = new TurnAlerts(locks, { label: (resourceId) => "Catheter c-2001" });
//   joinButton.onclick = async () => { await alerts.askPermission(); await locks.joinQueue(id); };

export class TurnAlerts {
  /**
   * @param {import("./lock-manager.js").LockManager} locks the tab's lock manager
   * @param {object} [options]
   * @param {function(string):string} [options.label] a readable name for a resource id
   * @param {function} [options.Notification] the Notification constructor (default: the browser's)
   * @param {Document} [options.document] whose visibility decides (default: this page's)
   * @param {function(Notification)} [options.onClick] what a click on the notification does (default: focus the tab)
   */
  constructor(locks, options = {}) {
    this.NotificationImpl = "Notification" in options ? options.Notification : globalThis.Notification;
    this.document = options.document || globalThis.document;
    this.label = options.label || ((resourceId) => resourceId);
    this.onClick = options.onClick || (() => globalThis.focus?.());
    this.shown = [];
    this.off = [
      locks.on("lock:your_turn", (data) => this.alert(data.resourceId, `It is your turn to edit ${this.label(data.resourceId)}`,
        `Claim it before ${new Date(data.claimBy).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })} or it passes on.`)),
      locks.on("lock:acquired", (data) => {
        if (data.yours && data.via === "QUEUE_AUTO_ACQUIRE") {
          this.alert(data.resourceId, `You have ${this.label(data.resourceId)} now`, "It was your turn: you are editing it.");
        }
      }),
    ];
  }

  /** Asks for permission if the user has not decided yet; resolves with "granted", "denied" or "unsupported". */
  async askPermission() {
    if (!this.NotificationImpl) return "unsupported";
    if (this.NotificationImpl.permission !== "default") return this.NotificationImpl.permission;
    return this.NotificationImpl.requestPermission();
  }

  alert(resourceId, title, body) {
    if (!this.NotificationImpl || this.NotificationImpl.permission !== "granted" || !this.document?.hidden) return null;
    const notification = new this.NotificationImpl(title, { body, tag: `baton-turn-${resourceId}`, requireInteraction: true });
    notification.onclick = () => { this.onClick(notification); notification.close?.(); };
    this.shown.push(notification);
    return notification;
  }

  stop() {
    for (const off of this.off) off();
  }
}
