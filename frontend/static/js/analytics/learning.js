// "Is the model learning?": per class, its curve with the trend in words, the NoC per decoder
// version (SAM) and the replay checks.
import { el } from "../api.js";
import { draw, learningCurve } from "./charts.js";
import { num, pct } from "./format.js";

function verdict(curve) {
  if (!curve.trend || curve.objects < 10) return "Too few objects for a trend yet.";
  const change = curve.trend.slope_per_100;
  const direction = change < -0.05 ? "falls" : change > 0.05 ? "rises" : "stays level";
  return `NoC ${direction}: ${num(Math.abs(change), 2)} per 100 objects, from ${num(curve.trend.start)} at the first object to ${num(curve.trend.end)} at the last.`;
}

function versions(curve) {
  if (!curve.by_version.length) return null;
  return el("table", { class: "grid compact" },
    el("thead", {}, el("tr", {}, el("th", {}, "decoder version"), el("th", {}, "objects"), el("th", {}, "mean NoC"))),
    el("tbody", {}, ...curve.by_version.map((v) => el("tr", {}, el("td", {}, String(v.version)), el("td", {}, String(v.objects)), el("td", {}, num(v.noc_mean))))));
}

function checks(curve) {
  if (!curve.replay_checks.length) return null;
  return el("ul", { class: "small" }, ...curve.replay_checks.map((c) => el("li", {},
    `Replay check on ${c.objects ?? "?"} objects: version ${c.current_version} NoC@90 ${num(c.current_noc90)} (FR ${pct(c.current_fr90)}), `
    + `version ${c.candidate_version} NoC@90 ${num(c.candidate_noc90)} (FR ${pct(c.candidate_fr90)})`)));
}

export function showLearning(container, classes) {
  if (!classes.length) {
    container.replaceChildren(el("p", { class: "muted" }, "No accepted objects in this range."));
    return;
  }
  container.replaceChildren(...classes.map((curve) => el("div", { class: "learning-class", "data-class": String(curve.class_id) },
    el("figure", { class: "wide" }, el("canvas", { id: `chart-learning-${curve.class_id}`, role: "img", "aria-label": `NoC over ${curve.name}'s objects` })),
    el("p", { class: "trend" }, verdict(curve)),
    versions(curve) || "", checks(curve) || "")));
  for (const curve of classes) draw(`chart-learning-${curve.class_id}`, learningCurve(curve));
}
