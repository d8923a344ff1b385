// Shared pieces of the demo pages: sign-in state, the API helper, a tiny DOM builder, the header with the
// notifications inbox, accessible modals and the status banner.
import { LockManager } from "/js/lock-manager.js";
import { LocalDrafts } from "/js/local-drafts.js";

// A page error is shown, not swallowed: the banner says so, and tests can read window.__batonErrors.
globalThis.__batonErrors = [];
for (const kind of ["error", "unhandledrejection"]) {
  globalThis.addEventListener?.(kind, (e) => {
    if ((e.reason || e.error)?.quiet) return;
    const message = e.reason?.message || e.message || String(e.reason || e);
    globalThis.__batonErrors.push(message);
    banner(`Something went wrong on this page: ${message}. Reload to try again; drafts are kept.`, "danger");
  });
}

const beforeSignOut = [];

/** Stops a page's script on purpose (it has said why already): not reported as a failure. */
export class PageStop extends Error {
  constructor(why) {
    super(why);
    this.quiet = true;
  }
}

export const auth = {
  token: () => sessionStorage.getItem("baton.token"),
  user: () => JSON.parse(sessionStorage.getItem("baton.user") || "null"),
  /** Sends the visitor to the sign-in page (and back here afterwards) when there is no token. */
  require() {
    if (!this.token() || !this.user()) {
      location.assign(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`);
      throw new PageStop("signing in");
    }
    return this.user();
  },
  /** Runs `hook` (async) before signing out, e.g. to send what a page has not sent yet. */
  beforeSignOut(hook) {
    beforeSignOut.push(hook);
  },
  /**
   * Signs out of this tab on a shared workstation: pages send what they have not sent, the drafts kept on this device
   * go to the server and are removed, then the token is forgotten. A draft the server could not take stays on the
   * device, encrypted under this user's key, until they sign in again (the sign-in page says so).
   */
  async signOut() {
    for (const hook of beforeSignOut) await hook().catch(() => {});
    let kept = 0;
    try {
      const local = await openLocalDrafts();
      if (local) {
        kept = (await local.syncAndClear((d) => api("POST", "/api/autosave/save", { resourceId: d.resourceId, data: d.data,
          baseVersion: d.baseVersion ?? undefined }))).kept;
      }
    } catch { /* signing out never waits on the server */ }
    sessionStorage.removeItem("baton.token");
    sessionStorage.removeItem("baton.user");
    location.assign(`/signin?signedOut=1&kept=${kept}`);
  },
};

let localDrafts;
/**
 * This user's drafts on this device (LocalDrafts), opened once per page; null where the browser has no IndexedDB or
 * WebCrypto (drafts then live on the server only).
 */
export function openLocalDrafts() {
  if (localDrafts === undefined) {
    localDrafts = globalThis.indexedDB && globalThis.crypto?.subtle
      ? LocalDrafts.open({ token: () => auth.token() }).catch((e) => {
        console.warn("baton: drafts are kept on the server only:", e.message);
        return null;
      })
      : Promise.resolve(null);
  }
  return localDrafts;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
    this.body = body;
  }
}

/** JSON over fetch with the bearer token; throws ApiError with the problem's code on refusal. */
export async function api(method, path, body, headers = {}) {
  const response = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${auth.token()}`, "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json = {};
  try { json = text ? JSON.parse(text) : {}; } catch { json = { text }; }
  if (!response.ok) {
    if (response.status === 401) {
      // Never navigate away on our own: the page may hold unsaved work (autosave keeps drafts server-side).
      banner(`Your sign-in is no longer valid (${json.detail || "401"}).`, "danger",
        [{ label: "Sign in again", onClick: () => location.assign(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`) }]);
    }
    throw new ApiError(response.status, json);
  }
  return { status: response.status, body: json, headers: response.headers };
}

/** el("button", {class: "x", onclick: f}, "text", child...) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** "14:05", or "14:05:12" with seconds (draft times, where a minute is long). */
export function fmtTime(iso, seconds = false) {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", ...(seconds ? { second: "2-digit" } : {}) });
}

export function fmtDateTime(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
}

/** "5 min", "1 h 20 min", "just now" */
export function duration(fromIso, now = Date.now()) {
  const minutes = Math.max(0, Math.floor((now - new Date(fromIso).getTime()) / 60000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function initials(name = "?") {
  return name.replace(/^(Dr\.|Nurse)\s+/, "").split(/\s+/).map((p) => p[0]).slice(0, 2).join("").toUpperCase();
}

/** The status banner under the header (role=status, announced politely). */
export function banner(message, kind = "info", actions = []) {
  const host = document.getElementById("banner");
  if (!host) return;
  if (!message) {
    host.replaceChildren();
    host.hidden = true;
    return;
  }
  host.hidden = false;
  host.className = `banner ${kind}`;
  host.replaceChildren(el("span", {}, message), ...actions.map((a) => el("button", { type: "button", class: "secondary", onclick: a.onClick }, a.label)));
}

let openModal = null;

/**
 * An accessible modal dialog: focus moves into it and is kept there, Escape cancels (when cancellable), focus
 * returns to where it was on close. Returns {close, node}.
 */
export function modal({ title, body = [], actions = [], cancellable = true, id, onClose }) {
  openModal?.close();
  const previous = document.activeElement;
  const titleId = `modal-title-${Math.random().toString(36).slice(2)}`;
  const buttons = actions.map((a) => el("button", {
    type: "button", class: a.primary ? "" : (a.danger ? "danger" : "secondary"), dataset: { action: a.id || a.label },
    onclick: () => a.onClick?.(handle),
  }, a.label));
  const dialog = el("div", { class: "modal", role: "dialog", "aria-modal": "true", "aria-labelledby": titleId, id },
    el("h2", { id: titleId }, title), ...[].concat(body), el("div", { class: "modal-actions" }, buttons));
  const backdrop = el("div", { class: "backdrop" }, dialog);
  const handle = {
    node: dialog,
    close() {
      backdrop.remove();
      document.removeEventListener("keydown", onKey, true);
      if (openModal === handle) openModal = null;
      previous?.focus?.();
      onClose?.();
    },
  };
  function onKey(e) {
    if (e.key === "Escape" && cancellable) { e.preventDefault(); handle.close(); }
    if (e.key === "Tab") {
      const focusable = [...dialog.querySelectorAll("button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])")]
        .filter((n) => !n.disabled);
      if (!focusable.length) return;
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
    }
  }
  document.addEventListener("keydown", onKey, true);
  document.body.append(backdrop);
  openModal = handle;
  (dialog.querySelector("textarea, input, select") || buttons[0] || dialog).focus();
  return handle;
}

export function closeModal() {
  openModal?.close();
}

/** Connects the page's lock manager (one per tab) and keeps the connection indicator up to date. */
export function connectLocks(options = {}) {
  const locks = new LockManager({ token: () => auth.token(), ...options });
  locks.on("connection", ({ state }) => {
    const dot = document.getElementById("connection");
    if (!dot) return;
    const text = { open: "live", rest: "polling", waiting: "reconnecting…", reconnecting: "reconnecting…", connecting: "connecting…" }[state]
      || state;
    dot.textContent = text;
    dot.className = `connection ${state}`;
  });
  locks.releaseOnUnload();
  return locks;
}

/** The page header: brand, navigation, connection state, notifications inbox, the signed-in user. */
export function shell(user, locks) {
  const count = el("span", { class: "count", id: "unread", "aria-live": "polite" }, "");
  const panel = el("div", { class: "inbox", id: "inbox", hidden: true, role: "region", "aria-label": "Notifications" });
  const bell = el("button", { type: "button", class: "secondary bell", "aria-expanded": "false", "aria-controls": "inbox",
    onclick: async () => {
      const open = panel.hidden;
      panel.hidden = !open;
      bell.setAttribute("aria-expanded", String(open));
      if (open) await renderInbox(panel, count);
    } }, "Notifications ", count);
  const header = el("header", {},
    el("a", { href: "/records", class: "brand" }, el("strong", {}, "Baton")),
    el("nav", { "aria-label": "Main" }, el("a", { href: "/records" }, "Records"),
      user.role === "admin" || (user.roles || []).includes("admin") ? el("a", { href: "/admin" }, "Admin dashboard") : null),
    el("span", { class: "spacer" }),
    el("span", { id: "connection", class: "connection", title: "Connection to Baton" }, "connecting…"),
    bell,
    el("span", { class: "me" }, `${user.name} · ${user.role}`),
    el("button", { type: "button", class: "secondary", "data-action": "sign-out", onclick: () => auth.signOut() }, "Sign out"),
    panel);
  document.body.prepend(header);
  refreshUnread(count);
  locks?.on("notification", () => {
    refreshUnread(count);
    if (!panel.hidden) renderInbox(panel, count);
  });
}

async function refreshUnread(count) {
  try {
    const { body } = await api("GET", "/api/notifications?unread=true&limit=100");
    count.textContent = body.unread ? String(body.unread) : "";
  } catch { /* the header still works */ }
}

async function renderInbox(panel, count) {
  const { body } = await api("GET", "/api/notifications?limit=30");
  const items = body.notifications.map((n) => el("li", { class: n.read ? "read" : "unread" },
    el("span", { class: "time" }, fmtTime(n.at)), " ", el("strong", {}, n.type.replaceAll("_", " ")), " ", n.message,
    n.resourceId ? [" ", el("a", { href: recordLink(n.resourceId) }, "open")] : null));
  panel.replaceChildren(el("h2", {}, "Notifications"),
    items.length ? el("ul", {}, items) : el("p", { class: "muted" }, "Nothing yet."),
    el("button", { type: "button", class: "secondary", onclick: async () => {
      await api("POST", "/api/notifications/read", { all: true });
      await renderInbox(panel, count);
    } }, "Mark all read"));
  refreshUnread(count);
}

export function recordLink(resourceId) {
  const [type, id] = resourceId.split(":");
  return `/record?type=${encodeURIComponent(type)}&id=${encodeURIComponent(id)}`;
}
