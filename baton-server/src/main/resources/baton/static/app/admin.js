// The admin dashboard: active locks with force release, queues, what is happening now, alerts, the health panel and
// the statistics of the audit trail (analytics.js), and the audit trail with filters, export and chain verification.
// Kept live by admin:lock_changed and admin:alert.
import { auth, api, el, fmtTime, fmtDateTime, duration, banner, modal, connectLocks, shell, PageStop } from "/app/ui.js";
import { startAnalytics, renderHealth } from "/app/analytics.js";

const user = auth.require();
const locks = connectLocks();
shell(user, locks);
if (user.role !== "admin") {
  banner("The dashboard is for administrators; sign in as Sam Rivera (admin) to see it.", "warn");
  throw new PageStop("not an admin");
}
const { maxMessageLength } = await locks.configure();

// Live state only: how many locks are held and how many people wait now. Everything counted over time comes from the
// audit trail (analytics.js), so it survives restarts and covers every instance.
async function renderMetrics() {
  const { body } = await api("GET", "/api/admin/metrics");
  document.getElementById("metrics").replaceChildren(
    el("div", { class: "metric", "data-metric": "locksActive" }, el("div", { class: "value" }, String(body.locksActive)),
      el("div", { class: "label" }, "Active locks")),
    el("div", { class: "metric", "data-metric": "queueWaiting" }, el("div", { class: "value" }, String(body.queueWaiting)),
      el("div", { class: "label" }, "Waiting in queues")));
}

async function renderLocks() {
  const { body } = await api("GET", "/api/admin/locks");
  const now = Date.now();
  const rows = body.locks.filter((l) => l.holder || l.queue.length).map((l) => el("tr", { "data-resource": l.resourceId },
    el("td", {}, l.resourceId),
    el("td", {}, l.holder?.name || "—"),
    el("td", {}, l.holder?.role || ""),
    el("td", {}, l.holder ? duration(l.holder.since, now) : ""),
    el("td", {}, l.holder ? fmtTime(l.holder.lastActivityAt) : ""),
    el("td", {}, l.holder ? `${Math.max(0, Math.round((new Date(l.holder.expiresAt) - now) / 60000))} min` : ""),
    el("td", {}, l.queue.length ? l.queue.map((q) => `${q.position}. ${q.name}`).join(", ") : "—"),
    el("td", {}, l.holder ? el("button", { type: "button", class: "danger", "data-action": "force-release",
      onclick: () => forceRelease(l) }, "Force release…") : "")));
  document.querySelector("#locks tbody").replaceChildren(...(rows.length ? rows
    : [el("tr", {}, el("td", { colspan: 8, class: "muted" }, "No record is locked right now."))]));
}

function forceRelease(lock) {
  const reason = el("textarea", { id: "release-reason", rows: 3, maxlength: maxMessageLength });
  const error = el("p", { class: "error", role: "alert" });
  modal({ title: `Force release ${lock.resourceId}`, id: "force-release-modal", body: [
    el("p", {}, `${lock.holder.name} loses the lock; their unsaved changes stay in their draft. The queue is served next.`),
    el("label", { for: "release-reason" }, "Reason (required, audited)"), reason, error], actions: [
    { id: "confirm-force-release", label: "Force release", danger: true, onClick: async (m) => {
      if (!reason.value.trim()) { error.textContent = "A reason is required."; reason.focus(); return; }
      try {
        await api("POST", "/api/admin/locks/force-release", { resourceId: lock.resourceId, reason: reason.value.trim() });
        m.close();
        banner(`Released ${lock.resourceId}.`, "ok");
        await refresh();
      } catch (e) { error.textContent = e.message; }
    } },
    { label: "Cancel", onClick: (m) => m.close() }] });
}

const alerts = [];
function addAlert(a) {
  if (!alerts.some((x) => x.kind === a.kind && x.resourceId === a.resourceId)) alerts.unshift(a);
  renderAlerts();
}
function renderAlerts() {
  document.getElementById("alerts").replaceChildren(...(alerts.length ? alerts.map((a) => el("div", { class: "alert", "data-kind": a.kind },
    el("strong", {}, a.kind.replaceAll("_", " ").toLowerCase()), " · ", a.message, " ", el("span", { class: "muted" }, fmtTime(a.since || a.at))))
    : [el("p", { class: "muted" }, "No alerts.")]));
}

function auditQuery(format) {
  const form = new FormData(document.getElementById("audit-filters"));
  const q = new URLSearchParams();
  for (const [key, value] of form) {
    if (!value) continue;
    q.set(key, key === "from" || key === "to" ? new Date(value).toISOString() : value);
  }
  q.set("format", format);
  if (format === "json") q.set("limit", "50");
  return `/api/admin/audit?${q}`;
}

async function renderAudit() {
  const { body } = await api("GET", auditQuery("json"));
  document.querySelector("#audit tbody").replaceChildren(...body.entries.map((e) => el("tr", {},
    el("td", {}, e.seq), el("td", {}, fmtDateTime(e.at)), el("td", {}, e.actor.name || e.actor.userId), el("td", {}, e.action),
    el("td", {}, e.resourceId || ""), el("td", {}, e.reason || ""))));
}

async function exportAudit(format) {
  const response = await fetch(auditQuery(format), { headers: { Authorization: `Bearer ${auth.token()}` } });
  const blob = await response.blob();
  const link = el("a", { href: URL.createObjectURL(blob), download: `baton-audit.${format === "csv" ? "csv" : "json"}` });
  document.body.append(link);
  link.click();
  link.remove();
}

document.getElementById("audit-filters").addEventListener("submit", (e) => { e.preventDefault(); renderAudit(); });
for (const button of document.querySelectorAll("[data-export]")) button.addEventListener("click", () => exportAudit(button.dataset.export));
document.getElementById("verify").addEventListener("click", async () => {
  const out = document.getElementById("verify-result");
  try {
    const { body } = await api("GET", "/api/admin/audit/verify");
    out.textContent = `Chain intact: ${body.entries} entries verified.`;
    out.className = "banner ok";
    await renderHealth();
  } catch (e) {
    out.textContent = `Chain broken at entry ${e.body?.firstBadSeq}: ${e.body?.problem || e.message}`;
    out.className = "banner danger";
  }
});

let pending = null;
async function refresh() {
  if (pending) return pending;
  pending = Promise.all([renderLocks(), renderMetrics()]).finally(() => { pending = null; });
  return pending;
}

locks.on("admin:lock_changed", () => { refresh(); renderAudit(); });
locks.on("admin:alert", (a) => addAlert(a));
for (const a of (await api("GET", "/api/admin/alerts")).body.alerts) alerts.push(a);
renderAlerts();
await Promise.all([refresh(), renderAudit(), startAnalytics()]);
setInterval(refresh, 15000);
await locks.connect().catch(() => {});
document.body.dataset.ready = "true";
