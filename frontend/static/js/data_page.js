// The data page: ask for exports and imports, follow them while they run, download exports.
import { apiGet, apiPost, counted, el, uploadForm } from "./api.js";
import { chosenExportImages, forgetExportImages } from "./export_choice.js";

const page = document.getElementById("data-page");
const base = `/api/projects/${page.dataset.projectId}`;
const when = (iso) => new Date(iso).toLocaleString();
const running = (job) => job.state === "queued" || job.state === "running";

function progress(job) {
  if (job.state === "failed") return el("span", { class: "error" }, `failed: ${job.error}`);
  if (!running(job)) return el("span", {}, job.state);
  const bar = el("progress", { max: String(job.total || 1), value: String(job.done) });
  return el("span", {}, bar, ` ${job.done} / ${job.total || "?"} images`);
}

function exportReport(job) {
  const r = job.report || {};
  if (!r.images && r.images !== 0) return "";
  const notes = r.noted ? ` · ${r.noted} note(s): ${r.notes.slice(0, 3).map((n) => n.message).join("; ")}` : "";
  const iou = r.polygon_iou ? ` · polygons keep IoU ${r.polygon_iou.mean} (worst ${r.polygon_iou.worst})` : "";
  return `${counted(r.images, "image")}, ${counted(r.objects, "object")}${iou}${notes}`;
}

function importReport(job) {
  const r = job.report || {};
  if (r.images_added === undefined) return "";
  const refused = (r.refused || []).slice(0, 5).map((x) => `${x.image ?? `object ${x.object}`}: ${x.reason}`).join("; ");
  return `${r.images_added} images added, ${r.images_already_there} already there, ${r.images_refused} refused · `
    + `${r.objects_added} objects added, ${r.objects_already_there} already there, ${r.objects_refused} refused`
    + (refused ? ` · ${refused}` : "");
}

async function refresh() {
  const exports = (await apiGet(`${base}/exports/?page_size=20`)).results;
  document.querySelector("#export-table tbody").replaceChildren(...exports.map((job) => el("tr", { "data-job": String(job.id) },
    el("td", {}, when(job.created_at)), el("td", {}, job.format), el("td", { class: "state" }, progress(job)),
    el("td", { class: "report small" }, exportReport(job)),
    el("td", {}, job.download ? el("a", { href: job.download, class: "button" }, `Download (${(job.size_bytes / 1e6).toFixed(1)} MB)`) : ""))));
  let imports = [];
  if (page.dataset.canImport) {
    imports = (await apiGet(`${base}/imports/?page_size=20`)).results;
    document.querySelector("#import-table tbody").replaceChildren(...imports.map((job) => el("tr", { "data-job": String(job.id) },
      el("td", {}, when(job.created_at)), el("td", {}, job.format), el("td", { class: "state" }, progress(job)),
      el("td", { class: "report small" }, importReport(job)))));
  }
  if ([...exports, ...imports].some(running)) setTimeout(refresh, 1000);
}

// Images chosen on the project page ("Export selected"), until the user lets them go.
let chosen = new URLSearchParams(window.location.search).has("selected") ? chosenExportImages(page.dataset.projectId) : null;
const chosenNote = document.getElementById("export-chosen");
if (chosen) {
  chosenNote.querySelector("span").textContent = `Only the ${counted(chosen.length, "image")} selected on the project page.`;
  chosenNote.hidden = false;
}
document.getElementById("export-every-image").addEventListener("click", () => {
  chosen = null;
  forgetExportImages(page.dataset.projectId);
  chosenNote.hidden = true;
});

const exportForm = document.getElementById("export-form");
exportForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("export-error");
  error.textContent = "";
  const data = new FormData(exportForm);
  try {
    await apiPost(`${base}/exports/`, {
      format: data.get("format"),
      statuses: data.getAll("statuses"),
      classes: data.getAll("classes").map(Number),
      images: chosen || [],
      val_fraction: Number(data.get("val_fraction")),
      seed: Number(data.get("seed")),
    });
  } catch (e) {
    error.textContent = e.message;
  }
  await refresh();
});

const importForm = document.getElementById("import-form");
importForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("import-error");
  error.textContent = "";
  const data = new FormData(importForm);
  if (!data.get("annotations")?.size) data.delete("annotations");
  try {
    await uploadForm(`${base}/imports/`, data);
    importForm.reset();
  } catch (e) {
    error.textContent = e.message;
  }
  await refresh();
});

await refresh();
