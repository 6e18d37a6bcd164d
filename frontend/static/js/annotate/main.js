// The annotation page: clicks, boxes, scribbles and strokes in, masks out; undo/redo/accept,
// correcting saved objects, zoom, pan and the magnifier.
import { apiGetAll } from "../api.js";
import { Deletions } from "./deletions.js";
import { LiveSession } from "./live_session.js";
import { Magnifier } from "./magnifier.js";
import { AnnotationsLayer, MaskLayer } from "./mask_layer.js";
import { Tools } from "./tools.js";
import { Viewport } from "./viewport.js";
import { WorkNav } from "./work_nav.js";

const page = document.getElementById("annotate-page");
const projectId = Number(page.dataset.projectId);
const imageId = Number(page.dataset.imageId);
const width = Number(page.dataset.width);
const height = Number(page.dataset.height);
const statusEl = document.getElementById("status");
const stepsEl = document.getElementById("steps");
const savedEl = document.getElementById("saved");
const classSelect = document.getElementById("class-select");
const stage = document.getElementById("stage");

let lastRoundTrip = "";
function setStatus(text) { statusEl.textContent = text; }

function loadImage(url) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error("The image could not be loaded."));
    image.src = url;
  });
}

const [image, classes, annotations] = await Promise.all([
  loadImage(page.dataset.imageUrl),
  apiGetAll(`/api/projects/${projectId}/classes/`),
  apiGetAll(`/api/projects/${projectId}/annotations/?image=${imageId}`),
]);

if (!classes.length) {
  setStatus("This project has no classes yet: an admin or manager adds them on the project page.");
  throw new Error("no label classes");
}
const colours = new Map(classes.map((c) => [c.id, c.colour]));
// The classes this image was assigned for, where the assignment names some.
const outlined = page.dataset.classes ? new Set(page.dataset.classes.split(",").map(Number)) : null;
for (const c of classes) if (!outlined || outlined.has(c.id)) classSelect.append(new Option(c.name, String(c.id)));
const remembered = localStorage.getItem(`maskloop.class.${projectId}`);
if (remembered && [...classSelect.options].some((o) => o.value === remembered)) classSelect.value = remembered;
const currentClass = () => Number(classSelect.value);

const viewport = new Viewport(document.getElementById("canvas"), image);
const mask = new MaskLayer(width, height, colours.get(currentClass()) || "#1e90ff");
const done = new AnnotationsLayer(width, height);
const showSaved = (list) => done.load(list.map((a) => ({ id: a.id, mask: a.mask, colour: colours.get(a.label_class) || "#888888" })));
showSaved(annotations);
const reloadSaved = async () => {
  showSaved(await apiGetAll(`/api/projects/${projectId}/annotations/?image=${imageId}`));
  viewport.draw();
};
// Saved objects, the live mask, and the matte when shown.
let matteLayer = null;
const showLayers = () => viewport.setLayers([
  { canvas: done.canvas, alpha: 0.3 }, { canvas: mask.canvas, alpha: 0.5 }, ...(matteLayer ? [matteLayer] : []),
]);
showLayers();
const magnifier = new Magnifier(stage, viewport);

// The masks the engine proposed for the current step (SAM: three on a first click); Tab cycles.
let proposed = { candidates: 0, choice: 0 };
let currentStep = 0;
function showSteps(frame) {
  proposed = { candidates: frame.candidates || 0, choice: frame.choice || 0 };
  currentStep = frame.step;
  const choice = proposed.candidates > 1 ? ` · mask ${proposed.choice + 1} of ${proposed.candidates} (Tab: next)` : "";
  stepsEl.textContent = `step ${frame.step}/${frame.steps}${choice}`;
}

const previews = new Map();
const live = new LiveSession(projectId, {
  onStatus: setStatus,
  onBusy: (n) => { if (n) setStatus("computing…"); else if (lastRoundTrip) setStatus(lastRoundTrip); },
  onSession: (frame) => {
    mask.setMask(frame.mask);
    done.hide(frame.started_from);
    viewport.setScribbles(frame.scribbles);
    viewport.setClicks(frame.clicks);
    showSteps(frame);
    setStatus(`preparing the image for ${frame.engine}…`);
  },
  onReady: (frame) => {
    if (!live.pending.size) setStatus(`ready · engine ${frame.engine} (image prepared in ${frame.prepare_ms.toFixed(0)} ms)`);
  },
  // A quick first answer while the engine refines it (the focus view): shown at once, and
  // taken back when the step's final mask arrives, whose patch starts from before the step.
  onPreview: (frame) => {
    mask.applyPatch(frame.patch);
    previews.set(frame.event_id, frame.patch);
    setStatus("refining…");
    viewport.draw();
  },
  onMask: (frame, roundTripMs) => {
    const shown = previews.get(frame.event_id);
    if (shown) {
      mask.revertPatch(shown);
      previews.delete(frame.event_id);
    }
    mask.applyPatch(frame.patch);
    done.hide(frame.started_from);
    viewport.setScribbles(frame.scribbles);
    viewport.setClicks(frame.clicks);
    showSteps(frame);
    if (roundTripMs !== null) {
      const engine = frame.engine_ms !== null ? ` (engine ${frame.engine_ms.toFixed(0)} ms)` : "";
      lastRoundTrip = `${frame.kind}: ${roundTripMs.toFixed(0)} ms${engine} · ${frame.area} px`;
      if (!live.pending.size) setStatus(lastRoundTrip);
    }
    viewport.draw();
    magnifier.refresh();
  },
  onAccepted: async (frame) => {
    mask.clear();
    viewport.setScribbles([]);
    viewport.setClicks([]);
    showSteps({ step: 0, steps: 0 });
    showSavedLinks(frame);
    if (imageStatus.textContent === "new") showImageStatus("in_progress"); // as the server did
    live.open(imageId, currentClass());
    done.hidden = null;
    await reloadSaved();
  },
  onError: (frame) => { setStatus(`error: ${frame.detail}`); },
}, { resyncMs: Number(page.dataset.resyncMs) });
live.open(imageId, currentClass());

classSelect.addEventListener("change", () => {
  localStorage.setItem(`maskloop.class.${projectId}`, classSelect.value);
  mask.setColour(colours.get(currentClass()));
  tools.setColour(colours.get(currentClass()));
  viewport.draw();
  live.open(imageId, currentClass());
});

const imageStatus = document.getElementById("image-status");
function showImageStatus(status) {
  imageStatus.className = `status ${status}`;
  imageStatus.textContent = status.replace("_", " ");
}
const nav = new WorkNav({
  projectId, imageId, assignment: page.dataset.assignment, onStatus: showImageStatus, onMessage: setStatus,
});
nav.refresh();
const deletions = new Deletions({ projectId, reload: reloadSaved, onMessage: (text) => { savedEl.textContent = text; } });
const removeAt = (x, y) => {
  const id = done.at(x, y);
  if (id === null) setStatus("press on a saved object to delete it");
  else deletions.remove(id);
};

// Undo steps back in the object being outlined; with no step there, it brings back the last
// object deleted on this page.
const undo = () => (currentStep === 0 && deletions.canUndo ? deletions.undo() : live.send("undo"));
const redo = () => live.send("redo");
const accept = () => live.send("accept", { class_id: currentClass() });
const nextProposal = () => {
  if (proposed.candidates > 1) live.send("choose", { index: (proposed.choice + 1) % proposed.candidates });
};
document.getElementById("undo").addEventListener("click", undo);
document.getElementById("redo").addEventListener("click", redo);
document.getElementById("accept").addEventListener("click", accept);
document.getElementById("fit").addEventListener("click", () => viewport.fit());

const tools = new Tools(viewport, stage, width, height, {
  click: (x, y, positive) => live.send("click", { x, y, positive }),
  box: (x0, y0, x1, y1) => live.send("box", { x0, y0, x1, y1 }),
  scribble: (points, thickness, positive) => live.send("scribble", { points, thickness, positive }),
  brush: (points, size, erase) => live.send("brush", { points, size, erase }),
  pick: (x, y) => {
    const id = done.at(x, y);
    if (id === null) setStatus("press on a saved object to correct it");
    else {
      live.send("start", { annotation_id: id });
      selectTool("click");
    }
  },
  remove: removeAt,
  outside: () => setStatus("click inside the image"),
});
tools.setColour(colours.get(currentClass()) || "#1e90ff");

const toolButtons = [...document.querySelectorAll(".tool")];
function selectTool(name) {
  tools.setTool(name);
  for (const b of toolButtons) b.setAttribute("aria-pressed", String(b.dataset.tool === name));
}
for (const b of toolButtons) b.addEventListener("click", () => selectTool(b.dataset.tool));

const sizeInput = document.getElementById("size");
const sizeValue = document.getElementById("size-value");
function setSize(size) {
  const clamped = Math.min(Number(sizeInput.max), Math.max(Number(sizeInput.min), size));
  sizeInput.value = String(clamped);
  sizeValue.textContent = `${clamped} px`;
  tools.setSize(clamped);
}
sizeInput.addEventListener("input", () => setSize(Number(sizeInput.value)));
setSize(Number(sizeInput.value));

// The alpha matte of the last saved object: viewed as a white layer whose opacity is alpha.
const matteButton = document.getElementById("matte");
let lastSaved = null;
const matteUrl = (id) => `/api/projects/${projectId}/annotations/${id}/matte.png`;
function showSavedLinks(frame) {
  lastSaved = frame.annotation_id;
  savedEl.textContent = `saved annotation #${frame.annotation_id} (${frame.area} px) · `;
  const link = document.createElement("a");
  link.href = `${matteUrl(frame.annotation_id)}?download=1`;
  link.textContent = "matte PNG";
  savedEl.append(link);
  matteButton.disabled = false;
  if (matteLayer) toggleMatte();
}
async function toggleMatte() {
  if (matteLayer) {
    matteLayer = null;
  } else if (lastSaved !== null) {
    setStatus("computing the matte…");
    const matte = await loadImage(matteUrl(lastSaved));
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(matte, 0, 0);
    const pixels = ctx.getImageData(0, 0, width, height);
    for (let i = 0; i < pixels.data.length; i += 4) {
      pixels.data[i + 3] = pixels.data[i];
      pixels.data[i] = pixels.data[i + 1] = pixels.data[i + 2] = 255;
    }
    ctx.putImageData(pixels, 0, 0);
    matteLayer = { canvas, alpha: 0.85 };
    setStatus(`matte of annotation #${lastSaved} (T: hide)`);
  }
  matteButton.setAttribute("aria-pressed", String(matteLayer !== null));
  showLayers();
}
matteButton.addEventListener("click", toggleMatte);

const magnifyButton = document.getElementById("magnify");
const toggleMagnifier = () => magnifyButton.setAttribute("aria-pressed", String(magnifier.toggle()));
magnifyButton.addEventListener("click", toggleMagnifier);

const TOOL_KEYS = { c: "click", b: "box", s: "scribble", p: "brush", e: "eraser", o: "correct", x: "delete" };

stage.addEventListener("wheel", (event) => {
  event.preventDefault();
  const p = viewport.toImage(event);
  viewport.zoomAt(p.cx, p.cy, event.deltaY < 0 ? 1.15 : 1 / 1.15);
}, { passive: false });

window.addEventListener("keydown", (event) => {
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
  const key = event.key.toLowerCase();
  if ((event.ctrlKey || event.metaKey) && key === "z") {
    event.preventDefault();
    if (event.shiftKey) redo(); else undo();
  } else if ((event.ctrlKey || event.metaKey) && key === "y") {
    event.preventDefault();
    redo();
  } else if (event.key === "Tab" && proposed.candidates > 1) {
    event.preventDefault();
    nextProposal();
  } else if (event.key === "Enter" && event.shiftKey) {
    event.preventDefault();
    nav.doneAndNext();
  } else if (event.key === "Enter") {
    event.preventDefault();
    accept();
  } else if (event.key === "Delete") {
    const pointed = tools.pointed();
    if (pointed) removeAt(...pointed);
  } else if (event.ctrlKey || event.metaKey || event.altKey) {
    return;
  } else if (TOOL_KEYS[key]) {
    selectTool(TOOL_KEYS[key]);
  } else if (key === "m") {
    toggleMagnifier();
  } else if (key === "f") {
    nav.next();
  } else if (key === "d") {
    nav.previous();
  } else if (key === "t" && lastSaved !== null) {
    toggleMatte();
  } else if (key === "[" || key === "]") {
    setSize(Number(sizeInput.value) + (key === "]" ? 2 : -2));
  } else if (key === "0") {
    viewport.fit();
  } else if (key === "+" || key === "=") {
    viewport.zoomAt(viewport.canvas.width / 2, viewport.canvas.height / 2, 1.25);
  } else if (key === "-") {
    viewport.zoomAt(viewport.canvas.width / 2, viewport.canvas.height / 2, 1 / 1.25);
  }
});
