// The image's saved objects on the canvas: each a tint (a lighter shade of its colour, at the
// chosen opacity) with a thin outline in its full colour, so touching objects of one class
// stay apart at any opacity. Coloured by class
// (shades of the class colour, different for neighbouring ids) or by object (a hue of its own);
// the one under the cursor, pointed at in the list or selected drawn with a thicker, brighter
// outline; all of them or single ones hidden; an earlier revision shown as a magenta edge.
// Each object is decoded once into a bitmap of its bounding box (pixels and edge) and painted
// into sprites, so redrawing costs a few drawImage calls, not a pass over the image per object.
import { paintRle } from "./rle.js";

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

// A tint of the class colour, different for neighbouring ids: lighter or darker by steps.
export function tint(hex, id) {
  const step = ((id * 7) % 5) - 2; // -2..2
  return rgb(hex).map((c) => Math.round(step >= 0 ? c + ((255 - c) * step) / 5 : c * (1 + step / 5)));
}

// A saturated hue of the object's own: ids one apart are ~137.5° apart on the colour wheel.
export function hue(id) {
  const h = (id * 137.508) % 360;
  const s = 0.75;
  const l = 0.5;
  const f = (n) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

// The object's colour in the display mode "class" or "object": [r, g, b].
export function objectColour(classHex, id, colourBy) {
  return colourBy === "object" ? hue(id) : tint(classHex, id);
}

const lighter = (colour, by) => colour.map((v) => Math.round(v + (255 - v) * by));

// The object's box in whole pixels, clipped to the image: { x0, y0, w, h }.
function bounds(mask, bbox) {
  const [h, w] = mask.size;
  const [x, y, bw, bh] = bbox || [0, 0, w, h];
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  return {
    x0, y0,
    w: Math.max(1, Math.min(w - x0, Math.ceil(bw) + 1)),
    h: Math.max(1, Math.min(h - y0, Math.ceil(bh) + 1)),
  };
}

// The object's pixels inside its box and its edge: the pixels of the object with a 4-neighbour
// outside it (one pixel wide, inside the object).
function shape(mask, bbox) {
  const [height, width] = mask.size;
  const full = new Uint8Array(width * height);
  paintRle(mask, full, width, 0, 0);
  const { x0, y0, w, h } = bounds(mask, bbox);
  const bits = new Uint8Array(w * h);
  for (let r = 0; r < h; r += 1) bits.set(full.subarray((y0 + r) * width + x0, (y0 + r) * width + x0 + w), r * w);
  const inside = (c, r) => c >= 0 && r >= 0 && c < w && r < h && bits[r * w + c] === 1;
  const edge = new Uint8Array(w * h);
  for (let r = 0; r < h; r += 1) {
    for (let c = 0; c < w; c += 1) {
      if (bits[r * w + c] && (!inside(c - 1, r) || !inside(c + 1, r) || !inside(c, r - 1) || !inside(c, r + 1))) {
        edge[r * w + c] = 1;
      }
    }
  }
  return { x0, y0, w, h, bits, edge };
}

function paint(bits, w, h, [r, g, b]) {
  const canvas = document.createElement("canvas");
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(w, h);
  for (let i = 0; i < bits.length; i += 1) {
    if (bits[i]) {
      const o = i * 4;
      image.data[o] = r; image.data[o + 1] = g; image.data[o + 2] = b; image.data[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

function layerCanvas(width, height) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

export class SavedLayer {
  constructor(width, height, { colourBy = "class", opacity = 0.3, shown = true } = {}) {
    this.width = width;
    this.height = height;
    this.fills = { canvas: layerCanvas(width, height), alpha: opacity };
    this.edges = { canvas: layerCanvas(width, height), alpha: 1, outline: true };
    this.focus = { canvas: layerCanvas(width, height), alpha: 1 };
    this.colourBy = colourBy;
    this.shown = shown;
    this.objects = [];
    this.sprites = new Map(); // "id:revision" → shape, with its paint for `colourBy`
    this.hidden = new Set();
    this.correcting = null; // the object a session corrects: drawn by the live mask instead
    this.pointed = null;
    this.selected = null;
    this.earlier = null; // { mask, bbox }: an earlier revision shown over the object
  }

  // The layers for the viewport, bottom to top (none while the saved objects are hidden).
  layers() { return this.shown ? [this.fills, this.edges, this.focus] : []; }

  // The tint's opacity, 0..1 (the outlines stay opaque).
  setOpacity(opacity) { this.fills.alpha = opacity; }

  setShown(shown) { this.shown = shown; this.redrawFocus(); }

  setColourBy(colourBy) {
    if (colourBy === this.colourBy) return;
    this.colourBy = colourBy;
    this.redraw();
  }

  colourOf(object) { return objectColour(object.colour, object.id, this.colourBy); }

  // objects: [{ id, revision, mask, bbox, colour }], drawn in order (later ones on top).
  load(objects) {
    this.objects = objects;
    const keep = new Set(objects.map((o) => `${o.id}:${o.revision}`));
    for (const key of this.sprites.keys()) if (!keep.has(key)) this.sprites.delete(key);
    this.redraw();
  }

  // The object's decoded shape and its paint in the current colours (made when first needed).
  spriteOf(object) {
    const key = `${object.id}:${object.revision}`;
    if (!this.sprites.has(key)) this.sprites.set(key, shape(object.mask, object.bbox));
    const s = this.sprites.get(key);
    const colour = this.colourOf(object);
    const painted = colour.join(",");
    if (s.painted !== painted) {
      s.painted = painted;
      s.fill = paint(s.bits, s.w, s.h, lighter(colour, 0.35));
      s.line = paint(s.edge, s.w, s.h, colour);
      s.bright = paint(s.edge, s.w, s.h, lighter(colour, 0.6));
    }
    return s;
  }

  visible(object) { return this.shown && !this.hidden.has(object.id) && object.id !== this.correcting; }

  setCorrecting(id) { this.correcting = id ?? null; this.redraw(); }

  toggleHidden(id) {
    if (this.hidden.has(id)) this.hidden.delete(id); else this.hidden.add(id);
    this.redraw();
    return this.hidden.has(id);
  }

  // The object under the cursor or pointed at in the list (null: none); true when it changed.
  point(id) {
    if (this.pointed === id) return false;
    this.pointed = id;
    this.redrawFocus();
    return true;
  }

  select(id) { this.selected = id; this.redrawFocus(); }

  showEarlier(revision) { this.earlier = revision; this.redrawFocus(); }

  // The id of the topmost visible object covering image pixel (x, y), or null.
  at(x, y) {
    for (let i = this.objects.length - 1; i >= 0; i -= 1) {
      const object = this.objects[i];
      if (!this.visible(object)) continue;
      const s = this.spriteOf(object);
      const c = x - s.x0;
      const r = y - s.y0;
      if (c >= 0 && r >= 0 && c < s.w && r < s.h && s.bits[r * s.w + c]) return object.id;
    }
    return null;
  }

  redraw() {
    const fills = this.fills.canvas.getContext("2d");
    const edges = this.edges.canvas.getContext("2d");
    fills.clearRect(0, 0, this.width, this.height);
    edges.clearRect(0, 0, this.width, this.height);
    for (const object of this.objects) {
      if (!this.visible(object)) continue;
      const s = this.spriteOf(object);
      fills.drawImage(s.fill, s.x0, s.y0);
      edges.drawImage(s.line, s.x0, s.y0);
    }
    this.redrawFocus();
  }

  // The pointed and selected objects again: a stronger tint and an outline three pixels wide,
  // brighter in its middle; an earlier revision's edge in magenta.
  redrawFocus() {
    const ctx = this.focus.canvas.getContext("2d");
    ctx.clearRect(0, 0, this.width, this.height);
    for (const id of new Set([this.pointed, this.selected])) {
      const object = this.objects.find((o) => o.id === id);
      if (!object || !this.visible(object)) continue;
      const s = this.spriteOf(object);
      ctx.globalAlpha = 0.3;
      ctx.drawImage(s.fill, s.x0, s.y0);
      ctx.globalAlpha = 1;
      for (const [dx, dy] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) ctx.drawImage(s.line, s.x0 + dx, s.y0 + dy);
      ctx.drawImage(s.bright, s.x0, s.y0);
    }
    if (this.earlier) {
      const s = shape(this.earlier.mask, this.earlier.bbox);
      ctx.drawImage(paint(s.edge, s.w, s.h, [255, 0, 200]), s.x0, s.y0);
    }
  }
}
