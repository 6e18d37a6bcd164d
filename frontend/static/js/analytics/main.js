// The analytics page: filters (kept in the address), headline figures, plots and sortable
// tables, each from the analytics API.
import { apiGet, apiGetAll, el } from "../api.js";
import { draw, healthOverDays, nocHistogram, overTime, perGroup } from "./charts.js";
import { duration, ms, num, pct } from "./format.js";
import { showLearning } from "./learning.js";
import { sortableTable } from "./tables.js";

const page = document.getElementById("analytics-page");
const projectId = page.dataset.projectId;
const base = `/api/projects/${projectId}/analytics`;
const everyone = Boolean(page.dataset.everyone);
const form = document.getElementById("analytics-filters");
const error = document.getElementById("analytics-error");
const FILTERS = ["from", "to", "class", "annotator", "engine"];

function query(extra = {}) {
  const params = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  for (const [key, value] of [...params]) if (!value) params.delete(key);
  return params.toString();
}

const get = (path, extra) => apiGet(`${base}/${path}/?${query(extra)}`);

async function fillChoices() {
  const project = await apiGet(`/api/projects/${projectId}/`);
  const classes = form.elements.class;
  classes.append(...project.label_classes.map((c) => el("option", { value: String(c.id) }, c.name)));
  const engines = form.elements.engine;
  for (const engine of new Set([project.engine_in_use, project.engine])) engines.append(el("option", { value: engine }, engine));
  if (form.elements.annotator && page.dataset.members) {
    const members = await apiGetAll(`/api/projects/${projectId}/members/`);
    form.elements.annotator.append(...members.map((m) => el("option", { value: String(m.user) }, m.username)));
  }
  const params = new URLSearchParams(window.location.search);
  for (const name of FILTERS) if (form.elements[name] && params.get(name)) form.elements[name].value = params.get(name);
}

function card(label, value, note = "") {
  return el("div", { class: "figure" }, el("span", { class: "value" }, value), el("span", { class: "label" }, label), note ? el("span", { class: "note muted" }, note) : "");
}

function headline(totals, weeks) {
  const [now, before] = weeks;
  const trend = now && before ? `this week ${num(now.noc_median)}, the week before ${num(before.noc_median)}` : "";
  document.querySelectorAll(".noc-limit").forEach((node) => { node.textContent = String(totals.noc_limit); });
  document.getElementById("headline").replaceChildren(
    card("objects", String(totals.objects), `${totals.accepted} accepted, ${totals.corrections} corrections`),
    card("NoC median", num(totals.noc_median), trend || `mean ${num(totals.noc_mean)}`),
    card("abandoned", pct(totals.abandoned_share), `${totals.abandoned} objects`),
    card(`over ${totals.noc_limit} interactions`, pct(totals.over_limit_share), `${totals.over_limit} objects`),
    card("rejected in review", pct(totals.rejected_share), `${totals.rejected} of ${totals.reviewed} verdicts`),
    card("active time", `${num(totals.active_hours)} h`, `${duration(totals.active_mean_seconds)} per object`),
  );
}

const FIGURE_COLUMNS = [
  { key: "objects", label: "Objects" },
  { key: "accepted", label: "Accepted" },
  { key: "abandoned_share", label: "Abandoned", show: pct },
  { key: "noc_mean", label: "NoC mean", show: (v) => num(v) },
  { key: "noc_median", label: "NoC median", show: (v) => num(v) },
  { key: "over_limit_share", label: "Over the limit", show: pct },
  { key: "rejected_share", label: "Rejected", show: pct, title: "of the verdicts on their revisions" },
  { key: "corrections", label: "Corrections" },
  { key: "active_mean_seconds", label: "Time per object", show: duration },
  { key: "active_hours", label: "Active hours", show: (v) => num(v, 2) },
];

async function showGroups(by, what, chartId, tableId) {
  const summary = await get("summary", { by });
  draw(chartId, perGroup(summary.groups, what));
  sortableTable(document.getElementById(tableId), [{ key: "name", label: what[0].toUpperCase() + what.slice(1) }, ...FIGURE_COLUMNS], summary.groups);
  return summary;
}

async function showTime() {
  const period = document.querySelector("input[name=period]:checked").value;
  const summary = await get("summary", { by: period });
  draw("chart-time", overTime(summary.groups, period));
}

async function showHealth() {
  const [days, workers] = await Promise.all([get("health", { by: "day" }), get("health", { by: "worker" })]);
  draw("chart-health", healthOverDays(days.groups));
  sortableTable(document.getElementById("table-workers"), [
    { key: "key", label: "Worker", show: (v) => v || "in the web process" },
    { key: "interactions", label: "Interactions" },
    { key: "rtt_p50_ms", label: "Round trip p50", show: ms },
    { key: "rtt_p95_ms", label: "Round trip p95", show: ms },
    { key: "over_one_second", label: "Over 1 s", show: pct },
    { key: "engine_p50_ms", label: "Engine p50", show: ms },
    { key: "engine_p95_ms", label: "Engine p95", show: ms },
  ], workers.groups);
}

async function refresh() {
  error.textContent = "";
  document.getElementById("csv-link").href = `${base}/objects/?${query({ format: "csv" })}`;
  try {
    const [byClass, weeks, distribution, learning] = await Promise.all([
      showGroups("class", "class", "chart-classes", "table-classes"),
      get("summary", { by: "week" }),
      get("noc"),
      get("learning"),
      showTime(),
      everyone ? showGroups("annotator", "annotator", "chart-annotators", "table-annotators") : null,
      showHealth(),
    ]);
    headline(byClass.totals, weeks.groups);
    draw("chart-noc", nocHistogram(distribution));
    showLearning(document.getElementById("learning"), learning.classes);
    page.dataset.loaded = String(Date.now());
  } catch (e) {
    error.textContent = e.message;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const params = new URLSearchParams();
  for (const name of FILTERS) if (form.elements[name]?.value) params.set(name, form.elements[name].value);
  window.history.replaceState(null, "", `?${params}`);
  refresh();
});
document.getElementById("filters-clear").addEventListener("click", () => {
  form.reset();
  window.history.replaceState(null, "", window.location.pathname);
  refresh();
});
document.querySelectorAll("input[name=period]").forEach((radio) => radio.addEventListener("change", () => showTime().catch((e) => { error.textContent = e.message; })));

await fillChoices();
await refresh();
