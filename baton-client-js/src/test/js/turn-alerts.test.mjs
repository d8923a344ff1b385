import { test } from "node:test";
import assert from "node:assert/strict";
import { TurnAlerts } from "../../main/resources/baton/static/js/turn-alerts.js";
import { Emitter } from "../../main/resources/baton/static/js/lock/emitter.js";

function fakeNotification(permission, answer = "granted") {
  const shown = [];
  class FakeNotification {
    static permission = permission;
    static async requestPermission() { FakeNotification.permission = answer; return answer; }
    constructor(title, options) { this.title = title; this.options = options; shown.push(this); }
    close() { this.closed = true; }
  }
  return { FakeNotification, shown };
}

test("your turn reaches a background tab as a notification, with the user's permission only", async () => {
  const locks = new Emitter();
  const { FakeNotification, shown } = fakeNotification("default");
  const page = { hidden: true };
  const alerts = new TurnAlerts(locks, { Notification: FakeNotification, document: page, label: () => "Catheter c-2001" });
  locks.emit("lock:your_turn", { resourceId: "catheter:c-2001:main", claimBy: "2026-01-13T09:00:30Z" });
  assert.equal(shown.length, 0, "not asked yet: nothing shown");
  assert.equal(await alerts.askPermission(), "granted");
  locks.emit("lock:your_turn", { resourceId: "catheter:c-2001:main", claimBy: "2026-01-13T09:00:30Z" });
  assert.equal(shown.length, 1);
  assert.equal(shown[0].title, "It is your turn to edit Catheter c-2001");
  assert.equal(shown[0].options.requireInteraction, true);
  locks.emit("lock:acquired", { resourceId: "catheter:c-2001:main", yours: true, via: "QUEUE_AUTO_ACQUIRE" });
  assert.equal(shown[1].title, "You have Catheter c-2001 now", "auto-acquire: you have the record now");
  locks.emit("lock:acquired", { resourceId: "catheter:c-2001:main", yours: false, via: "QUEUE_AUTO_ACQUIRE" });
  locks.emit("lock:acquired", { resourceId: "catheter:c-2001:main", yours: true, via: "DIRECT" });
  assert.equal(shown.length, 2, "someone else's grant, or one you asked for just now, is no surprise");
  let focused = false;
  const clickable = new TurnAlerts(locks, { Notification: FakeNotification, document: page, onClick: () => { focused = true; } });
  clickable.alert("x:1:main", "t", "b").onclick();
  assert.equal(focused, true);
});

test("a visible tab shows its own modal instead; a refusal or no Notification API shows nothing", async () => {
  const locks = new Emitter();
  const { FakeNotification, shown } = fakeNotification("granted");
  const page = { hidden: false };
  new TurnAlerts(locks, { Notification: FakeNotification, document: page });
  locks.emit("lock:your_turn", { resourceId: "a:1:main", claimBy: "2026-01-13T09:00:30Z" });
  assert.equal(shown.length, 0);
  const denied = fakeNotification("denied");
  const alerts = new TurnAlerts(locks, { Notification: denied.FakeNotification, document: { hidden: true } });
  assert.equal(await alerts.askPermission(), "denied");
  locks.emit("lock:your_turn", { resourceId: "a:1:main", claimBy: "2026-01-13T09:00:30Z" });
  assert.equal(denied.shown.length, 0);
  assert.equal(await new TurnAlerts(locks, { Notification: null, document: page }).askPermission(), "unsupported");
});
