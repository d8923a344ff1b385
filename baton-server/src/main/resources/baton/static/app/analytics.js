// The dashboard's statistics (issue 15): every figure and chart is counted by the server from the durable audit
// trail (GET /api/admin/analytics/*), for the range and filters of the form, in this browser's time zone; each chart
// has its CSV. The health panel (GET /api/admin/health) shows the store, the bus, instances and the last verification.
// Charts are drawn by Apache ECharts, served from Baton's jar (/vendor/echarts.min.js, loaded before this module).
import { auth, api, el, fmtDateTime } from "/app/ui.js";

const echarts = window.echarts;
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
const COLORS = ["#0b6e6e", "#b42318", "#d97706", "#4f46e5", "#65a30d", "#7c3aed"];
const charts = new Map();
const form = document.getElementById("stats-filters");

const minutes = (s) => (s === null || s === undefined ? null : Math.round((s / 60) * 10) / 10);
const human = (s) => (s === null || s === undefined ? "—" : s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min`
  : `${Math.round((s / 3600) * 10) / 10} h`);
const pct = (v) => (v === null || v === undefined ? "—" : `${Math.round(v * 1000) / 10}%`);
const label = (code) => code.replaceAll("_", " ").toLowerCase();

function query(format) {
  const data = new FormData(form);
  const q = new URLSearchParams();
  for (const [key, value] of data) {
    if (!value || key === "range" || key === "from" || key === "to") continue;
    q.set(key, value);
  }
  if (data.get("range") === "custom" && data.get("from") && data.get("to")) {
    q.set("from", new Date(`${data.get("from")}T00:00:00`).toISOString());
    const to = new Date(`${data.get("to")}T00:00:00`);
    to.setDate(to.getDate() + 1);
    q.set("to", to.toISOString());
  } else {
    q.set("range", data.get("range") === "custom" ? "7d" : data.get("range"));
  }
  q.set("zone", zone);
  if (format) q.set("format", format);
  return q;
}

function chart(name, option, description) {
  const plot = document.querySelector(`[data-chart='${name}'] .plot`);
  plot.setAttribute("aria-label", description);
  let c = charts.get(name);
  if (!c) {
    c = echarts.init(plot, null, { renderer: "canvas" });
    charts.set(name, c);
  }
  c.setOption({ color: COLORS, animation: false, grid: { left: 48, right: 16, top: 36, bottom: 40 },
    tooltip: { trigger: "axis" }, ...option }, true);
}

function stackedPerDay(name, body, description) {
  const days = body.days.map((d) => d.day.slice(5));
  chart(name, {
    legend: { top: 0, textStyle: { fontSize: 11 } },
    xAxis: { type: "category", data: days },
    yAxis: { type: "value", minInterval: 1 },
    series: body.causes.map((cause) => ({ name: label(cause), type: "bar", stack: "all", data: body.days.map((d) => d.counts[cause] || 0) })),
  }, `${description}: ${body.causes.map((c) => `${label(c)} ${body.totals[c]}`).join(", ")}.`);
}

async function get(name) {
  return (await api("GET", `/api/admin/analytics/${name}?${query()}`)).body;
}

async function render() {
  const [summary, durations, waits, overrides, reasons, timeouts, recoveries, contention, patterns] = await Promise.all([
    get("summary"), get("lock-durations"), get("queue-waits"), get("overrides"), get("override-reasons"), get("timeouts"),
    get("draft-recoveries"), get("contentious-records"), get("edit-patterns")]);
  document.getElementById("stats-range").textContent =
    `${fmtDateTime(summary.from)} to ${fmtDateTime(summary.to)} (${summary.zone}), counted from the audit trail.`;
  const cards = [
    ["edits", "Editing sessions", summary.edits],
    ["averageHold", "Average lock duration", human(summary.averageHoldSeconds)],
    ["medianWait", "Queue wait, median", human(summary.medianWaitSeconds)],
    ["p90Wait", "Queue wait, 90th percentile", human(summary.p90WaitSeconds)],
    ["overrides", "Takeovers and overrides", `${summary.overrides} (${pct(summary.overrideRate)})`],
    ["timeouts", "Lock timeouts", summary.lockTimeouts],
    ["recoveries", "Autosave recoveries", `${summary.draftsRestored} (${pct(summary.recoveryRate)} restored)`],
  ];
  document.getElementById("summary").replaceChildren(...cards.map(([key, text, value]) => el("div", { class: "metric", "data-summary": key },
    el("div", { class: "value" }, String(value)), el("div", { class: "label" }, text))));

  const busiest = durations.bins.reduce((a, b) => (b.count > a.count ? b : a), durations.bins[0]);
  chart("lock-durations", {
    xAxis: { type: "category", data: durations.bins.map((b) => b.label), axisLabel: { fontSize: 10 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: "locks", type: "bar", data: durations.bins.map((b) => b.count) }],
  }, `${durations.count} locks ended; median ${human(durations.medianSeconds)}, 90th percentile ${human(durations.p90Seconds)}; `
    + `most often ${busiest.label}.`);
  chart("queue-waits", {
    legend: { top: 0 },
    xAxis: { type: "category", data: waits.days.map((d) => d.day.slice(5)) },
    yAxis: { type: "value", name: "min" },
    series: [
      { name: "median", type: "line", connectNulls: true, data: waits.days.map((d) => minutes(d.medianSeconds)) },
      { name: "90th percentile", type: "line", connectNulls: true, data: waits.days.map((d) => minutes(d.p90Seconds)) }],
  }, `Queue wait per day: ${waits.days.reduce((n, d) => n + d.waits, 0)} waits; median ${human(summary.medianWaitSeconds)} and 90th `
    + `percentile ${human(summary.p90WaitSeconds)} over the range.`);
  stackedPerDay("overrides", overrides, "Takeovers and overrides per day");
  stackedPerDay("timeouts", timeouts, "Timeouts per day");
  stackedPerDay("draft-recoveries", recoveries, "Drafts offered back per day");
  const hours = [...Array(24).keys()].map((h) => `${String(h).padStart(2, "0")}`);
  const cells = [];
  let most = 1;
  patterns.counts.forEach((row, r) => row.forEach((n, h) => { cells.push([h, r, n]); most = Math.max(most, n); }));
  chart("edit-patterns", {
    tooltip: { position: "top" },
    grid: { left: 72, right: 16, top: 16, bottom: 64 },
    xAxis: { type: "category", data: hours, splitArea: { show: true } },
    yAxis: { type: "category", data: patterns.roles, splitArea: { show: true } },
    visualMap: { min: 0, max: most, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120,
      inRange: { color: ["#f3f8f8", "#0b6e6e"] } },
    series: [{ name: "editing sessions", type: "heatmap", data: cells }],
  }, `Editing sessions by hour: ${patterns.roles.map((role, r) => {
    const row = patterns.counts[r];
    const peak = row.indexOf(Math.max(...row));
    return `${role} busiest at ${hours[peak]}:00`;
  }).join(", ")}.`);

  document.querySelector("#override-reasons tbody").replaceChildren(...(reasons.overrides.length ? reasons.overrides.slice(0, 10).map((o) => el("tr", {},
    el("td", {}, fmtDateTime(o.at)), el("td", {}, label(o.kind)), el("td", {}, o.resourceId || ""), el("td", {}, o.by || ""),
    el("td", {}, o.reason || "")))
    : [el("tr", {}, el("td", { colspan: 5, class: "muted" }, "No takeover or override in this range."))]));
  document.querySelector("#contentious-records tbody").replaceChildren(...(contention.records.length ? contention.records.slice(0, 10).map((r) => el("tr",
    { "data-record": r.record },
    el("td", {}, el("a", { href: r.link }, r.record)), el("td", {}, String(r.waits)), el("td", {}, human(r.totalWaitSeconds)),
    el("td", {}, human(r.longestWaitSeconds)), el("td", {}, String(r.overrides)), el("td", {}, String(r.asks))))
    : [el("tr", {}, el("td", { colspan: 6, class: "muted" }, "Nobody waited for a record in this range."))]));
}

export async function renderHealth() {
  const { body: h } = await api("GET", "/api/admin/health");
  const ms = (v) => (v === null || v === undefined ? "—" : `${v} ms`);
  const v = h.lastAuditVerification;
  const figures = [
    ["store", "Store latency", ms(h.store.latencyMillis)],
    ["commit", "Commit (fsync), average", ms(h.store.averageCommitMillis)],
    ["commitLongest", "Commit, longest recent", ms(h.store.longestCommitMillis)],
    ["connections", "Open connections", `${h.connections} (${h.sessions} sessions)`],
    ["bus", "Event bus", h.bus.kind === "in-process" ? (h.bus.connected ? "in-process, up" : "down")
      : `${h.bus.connected ? "up" : "DOWN"}, lag ${ms(h.bus.lastLagMillis)}`],
    ["instances", "Live instances", h.instances.map((i) => i.name).join(", ") || "—"],
    ["housekeeping", "Last housekeeping", h.housekeeping.lastMinuteRound ? fmtDateTime(h.housekeeping.lastMinuteRound) : "not yet"],
    ["verification", "Last audit verification", v ? `${v.intact ? "intact" : "BROKEN"} · ${v.entries ?? "?"} entries · ${fmtDateTime(v.at)}` : "never"],
  ];
  document.getElementById("health").replaceChildren(...figures.map(([key, text, value]) => el("div", { class: "metric", "data-health": key },
    el("div", { class: "value small" }, value), el("div", { class: "label" }, text))));
}

async function download(name) {
  const response = await fetch(`/api/admin/analytics/${name}?${query("csv")}`, { headers: { Authorization: `Bearer ${auth.token()}` } });
  const link = el("a", { href: URL.createObjectURL(await response.blob()), download: `baton-${name}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}

export async function startAnalytics() {
  const types = (await api("GET", "/api/record-types")).body.types;
  const select = form.querySelector("select[name='type']");
  for (const [type, spec] of Object.entries(types)) select.append(el("option", { value: type }, spec.label || type));
  form.querySelector("select[name='range']").addEventListener("change", (e) => {
    for (const l of form.querySelectorAll(".custom-range")) l.hidden = e.target.value !== "custom";
  });
  form.addEventListener("submit", (e) => { e.preventDefault(); render(); });
  for (const button of document.querySelectorAll("[data-csv]")) button.addEventListener("click", () => download(button.dataset.csv));
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
  await Promise.all([render(), renderHealth()]);
  setInterval(renderHealth, 30000);
}
