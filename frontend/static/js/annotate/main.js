// The annotation page: clicks, boxes, scribbles and strokes in, masks out; undo/redo/accept,
// correcting saved objects (held while corrected), the object list and review beside the
// canvas, how saved objects are shown, zoom, pan, the magnifier and the matte.
import { apiGet, apiGetAll } from "../api.js";
import { DisplayControls } from "./display.js";
import { LiveSession } from "./live_session.js";
import { Magnifier } from "./magnifier.js";
import { MaskLayer } from "./mask_layer.js";
import { Matte } from "./matte.js";
import { SavedObjects } from "./saved_objects.js";
import { fillOverlay, listenForShortcuts, shortcutTable } from "./shortcuts.js";
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
const cancelButton = document.getElementById("cancel");

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

const [image, classes] = await Promise.all([
  loadImage(page.dataset.imageUrl),
  apiGetAll(`/api/projects/${projectId}/classes/`),
]);

if (!classes.length) {
  setStatus("This project has no classes yet: an admin or manager adds them on the project page.");
  throw new Error("no label classes");
}
const colours = new Map(classes.map((c) => [c.id, c.colour]));
// The classes this image was assigned for, where the assignment names some.
const outlined = page.dataset.classes ? new Set(page.dataset.classes.split(",").map(Number)) : null;
for (const c of classes) if (!outlined || outlined.has(c.id)) classSelect.append(new Option(c.name, String(c.id)));
// Each image starts with the project's first class, unless the user pinned one (kept per
// project in this browser), which the next images then start with.
const pinKey = `maskloop.pinnedClass.${projectId}`;
const pinButton = document.getElementById("pin-class");
const pinned = localStorage.getItem(pinKey);
if (pinned && [...classSelect.options].some((o) => o.value === pinned)) {
  classSelect.value = pinned;
  pinButton.setAttribute("aria-pressed", "true");
}
const isPinned = () => pinButton.getAttribute("aria-pressed") === "true";
const currentClass = () => Number(classSelect.value);
const classChip = document.getElementById("class-chip");
function showClass() {
  const chosen = classes.find((c) => c.id === currentClass());
  classChip.textContent = chosen.name;
  classChip.title = `Objects are saved as ${chosen.name}`;
  classChip.style.backgroundColor = chosen.colour;
}
showClass();

const viewport = new Viewport(document.getElementById("canvas"), image);
const mask = new MaskLayer(width, height, colours.get(currentClass()) || "#1e90ff");
const imageStatus = document.getElementById("image-status");
function showImageStatus(status) {
  imageStatus.className = `status ${status}`;
  imageStatus.textContent = status.replace("_", " ");
}
const nav = new WorkNav({
  projectId, imageId, assignment: page.dataset.assignment, onStatus: showImageStatus, onMessage: setStatus,
});
nav.refresh();

// What the object being outlined corrects: the saved object (id, revision), or null.
let correcting = null;
function showCorrecting(frame) {
  correcting = frame.started_from ? { id: frame.started_from, revision: frame.started_revision } : null;
  saved.layer.setCorrecting(frame.started_from);
  live.hold(correcting !== null);
  cancelButton.hidden = correcting === null;
}

// Hovering over a saved object highlights it (in the list too, pointing at a row does).
let hovered = null;
const display = new DisplayControls((settings) => {
  saved.layer.setOpacity(settings.opacity);
  saved.layer.setShown(settings.shown);
  saved.setColourBy(settings.colourBy);
  showLayers();
});
const toggleSaved = () => {
  display.toggleShown();
  setStatus(display.settings.shown ? "saved objects shown" : "saved objects hidden (H: show them)");
};

const saved = new SavedObjects(
  {
    projectId, imageId, width, height, classes, colours, display: display.settings,
    me: {
      id: Number(page.dataset.userId),
      canReview: Boolean(page.dataset.canReview),
      correctsOthers: Boolean(page.dataset.correctsOthers),
      deletesOthers: Boolean(page.dataset.deletesOthers),
    },
  },
  {
    viewport,
    setStatus,
    setSaved: (text) => { savedEl.textContent = text; },
    correct: (annotation) => startCorrecting(annotation.id),
    imageStatus: showImageStatus,
    pinning: () => selectTool("click"),
    reloaded: (ids) => matte.available(ids.length > 0),
    matte: {
      url: (id) => matte.url(id),
      show: (id) => matte.show(id),
      download: (id) => matte.download(id),
    },
    finished: async () => {
      const next = (await apiGet(`/api/projects/${projectId}/review/?page_size=2`)).results.find((i) => i.id !== imageId);
      if (next) window.location.href = `/projects/${projectId}/images/${next.id}/annotate/`;
    },
  },
);
// The matte is for the saved object under the cursor, else the one selected in the list, else
// the one saved last on this page, else the newest.
const matte = new Matte({
  projectId, width, height, loadImage, onLayers: () => showLayers(), setStatus,
  target: () => hovered ?? saved.layer.selected ?? matte.lastSaved ?? saved.ids().at(-1) ?? null,
});
const liveMask = [{ canvas: mask.canvas, alpha: 0.5 }, { canvas: mask.edges, alpha: 1, outline: true }];
const showLayers = () => viewport.setLayers([
  ...saved.layer.layers(), ...liveMask, ...(matte.layer ? [matte.layer] : []),
]);
showLayers();
viewport.setMarks((ctx) => saved.drawPins(ctx));
await saved.reload();
stage.addEventListener("mousemove", (event) => {
  const p = viewport.toImage(event);
  const id = saved.at(Math.floor(p.x), Math.floor(p.y));
  if (id === hovered) return;
  hovered = id;
  if (saved.layer.point(id)) viewport.draw();
});
stage.addEventListener("mouseleave", () => {
  hovered = null;
  if (saved.layer.point(null)) viewport.draw();
});
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

// After an object is saved or given up: an empty object again, in a new session.
function nextObject() {
  mask.clear();
  viewport.setScribbles([]);
  viewport.setClicks([]);
  showSteps({ step: 0, steps: 0 });
  showCorrecting({ started_from: null });
  live.open(imageId, currentClass());
}

const previews = new Map();
const live = new LiveSession(projectId, {
  onStatus: setStatus,
  // The server refused the connection for who the user is: say why, with where to go instead.
  onRefused: (text, link) => {
    setStatus(`${text} `);
    const a = document.createElement("a");
    a.href = link.href;
    a.textContent = link.text;
    statusEl.append(a);
  },
  onBusy: (n) => {
    if (live.unreachable) return; // its words stay until answers come again
    if (n) setStatus("computing…"); else if (lastRoundTrip) setStatus(lastRoundTrip);
  },
  onSession: (frame) => {
    mask.setMask(frame.mask);
    showCorrecting(frame);
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
    showCorrecting(frame);
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
    if (imageStatus.textContent === "new") showImageStatus("in_progress"); // as the server did
    nextObject();
    // Said once the object is on the canvas with the others, where it can be pointed at.
    await saved.reload();
    savedEl.textContent = `saved annotation #${frame.annotation_id} (${frame.area} px) · `;
    const link = document.createElement("a");
    link.href = `${matte.url(frame.annotation_id)}?download=1`;
    link.textContent = "matte PNG";
    link.addEventListener("click", (event) => { event.preventDefault(); matte.download(frame.annotation_id); });
    savedEl.append(link);
    matte.saved(frame.annotation_id);
  },
  onCancelled: async () => {
    setStatus("correction cancelled: the object is as it was");
    nextObject();
    await saved.reload();
  },
  onError: (frame) => { setStatus(`error: ${frame.detail}`); },
}, { resyncMs: Number(page.dataset.resyncMs), holdMs: Number(page.dataset.holdMs) });
live.open(imageId, currentClass());

function classChosen() {
  if (isPinned()) localStorage.setItem(pinKey, classSelect.value);
  showClass();
  mask.setColour(colours.get(currentClass()));
  tools.setColour(colours.get(currentClass()));
  viewport.draw();
  live.open(imageId, currentClass());
}
// After a choice in the drop-down the keys go back to the page: Enter saves, letters pick tools.
classSelect.addEventListener("change", () => {
  classChosen();
  classSelect.blur();
  stage.focus();
});
function chooseClass(index) {
  const option = classSelect.options[index];
  if (!option || option.value === classSelect.value) return;
  classSelect.value = option.value;
  classChosen();
}
pinButton.addEventListener("click", () => {
  const pin = !isPinned();
  pinButton.setAttribute("aria-pressed", String(pin));
  if (pin) localStorage.setItem(pinKey, classSelect.value);
  else localStorage.removeItem(pinKey);
});

function startCorrecting(annotationId) {
  if (currentStep) {
    setStatus("accept or undo the object you are outlining before correcting another");
    return;
  }
  live.send("start", { annotation_id: annotationId });
  selectTool("click");
}

const removeAt = (x, y) => {
  const id = saved.at(x, y);
  if (id === null) setStatus("press on a saved object to delete it");
  else saved.remove(id);
};

// Undo steps back in the object being outlined; with no step there, it brings back the last
// object deleted on this page.
const undo = () => (currentStep === 0 && saved.canUndoDelete ? saved.undoDelete() : live.send("undo"));
const redo = () => live.send("redo");
const accept = () => live.send("accept", {
  class_id: currentClass(), ...(correcting ? { revision: correcting.revision } : {}),
});
const cancel = () => { if (correcting) live.send("cancel"); };
// Tab cycles the masks the engine proposed; with none to cycle, it says why (by what the engine
// in use can do, from the page).
const engineInUse = document.getElementById("engine").dataset;
const nextProposal = () => {
  if (proposed.candidates > 1) live.send("choose", { index: (proposed.choice + 1) % proposed.candidates });
  else if (!engineInUse.candidates) setStatus(`${engineInUse.engineLabel} gives one mask: no alternatives to cycle with Tab`);
  else setStatus(`no alternative masks for this step: ${engineInUse.engineLabel} proposes them after the first click of an object`);
};
document.getElementById("undo").addEventListener("click", undo);
document.getElementById("redo").addEventListener("click", redo);
document.getElementById("accept").addEventListener("click", accept);
cancelButton.addEventListener("click", cancel);
document.getElementById("fit").addEventListener("click", () => viewport.fit());

const tools = new Tools(viewport, stage, width, height, {
  click: (x, y, positive) => { if (!saved.placePin(x, y)) live.send("click", { x, y, positive }); },
  box: (x0, y0, x1, y1) => live.send("box", { x0, y0, x1, y1 }),
  scribble: (points, thickness, positive) => live.send("scribble", { points, thickness, positive }),
  brush: (points, size, erase) => live.send("brush", { points, size, erase }),
  pick: (x, y) => {
    const id = saved.at(x, y);
    if (id === null) setStatus("press on a saved object to correct it");
    else startCorrecting(id);
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

const magnifyButton = document.getElementById("magnify");
const toggleMagnifier = () => magnifyButton.setAttribute("aria-pressed", String(magnifier.toggle()));
magnifyButton.addEventListener("click", toggleMagnifier);

stage.addEventListener("wheel", (event) => {
  event.preventDefault();
  const p = viewport.toImage(event);
  viewport.zoomAt(p.cx, p.cy, event.deltaY < 0 ? 1.15 : 1 / 1.15);
}, { passive: false });

const overlay = document.getElementById("shortcuts");
const toggleHelp = () => { overlay.hidden = !overlay.hidden; };
const shortcuts = shortcutTable({
  help: toggleHelp,
  escape: () => { if (!overlay.hidden) overlay.hidden = true; else cancel(); },
  undo, redo, accept,
  doneAndNext: () => nav.doneAndNext(),
  hasProposals: () => proposed.candidates > 1,
  toggleSaved,
  nextProposal,
  chooseClass,
  tool: selectTool,
  removePointed: () => {
    const pointed = tools.pointed();
    if (pointed) removeAt(...pointed);
  },
  magnifier: toggleMagnifier,
  matte: () => matte.toggle(),
  next: () => nav.next(),
  previous: () => nav.previous(),
  size: (delta) => setSize(Number(sizeInput.value) + delta),
  fit: () => viewport.fit(),
  zoom: (factor) => viewport.zoomAt(viewport.canvas.width / 2, viewport.canvas.height / 2, factor),
});
fillOverlay(shortcuts, document.getElementById("shortcut-list"));
listenForShortcuts(shortcuts, overlay);
document.getElementById("show-shortcuts").addEventListener("click", toggleHelp);
document.getElementById("close-shortcuts").addEventListener("click", toggleHelp);
