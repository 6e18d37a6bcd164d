// The image's saved objects on the canvas: each filled with its own tint of its class colour
// and outlined, so touching objects of one class stay apart; the one pointed at in the list
// or selected drawn stronger; hidden ones left out; an earlier revision shown as a magenta
// edge. Each object is decoded once into a sprite of its bounding box (fill and edge),
// so redrawing costs a few drawImage calls, not a pass over the image per object.
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

// The object's pixels inside its box, and two canvases: the fill and the edge (pixels of the
// object with a 4-neighbour outside it, thickened by one), the edge darker than the fill
// unless `edgeColour` says otherwise.
function sprite(mask, bbox, colour, edgeColour = colour.map((v) => Math.round(v * 0.45))) {
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
        if (c > 0) edge[r * w + c - 1] = 1;
        if (r > 0) edge[(r - 1) * w + c] = 1;
      }
    }
  }
  return { x0, y0, w, h, bits, fill: paint(bits, w, h, colour), edge: paint(edge, w, h, edgeColour) };
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
  constructor(width, height) {
    this.width = width;
    this.height = height;
    this.fills = layerCanvas(width, height);
    this.edges = layerCanvas(width, height);
    this.focus = layerCanvas(width, height);
    this.objects = [];
    this.sprites = new Map(); // "id:revision" → sprite
    this.hidden = new Set();
    this.correcting = null; // the object a session corrects: drawn by the live mask instead
    this.pointed = null;
    this.selected = null;
    this.earlier = null; // { mask, bbox }: an earlier revision shown over the object
  }

  // The layers for the viewport, bottom to top.
  layers() {
    return [{ canvas: this.fills, alpha: 0.32 }, { canvas: this.edges, alpha: 0.9 }, { canvas: this.focus, alpha: 0.85 }];
  }

  // objects: [{ id, revision, mask, bbox, colour }], drawn in order (later ones on top).
  load(objects) {
    this.objects = objects;
    const keep = new Set(objects.map((o) => `${o.id}:${o.revision}`));
    for (const key of this.sprites.keys()) if (!keep.has(key)) this.sprites.delete(key);
    this.redraw();
  }

  spriteOf(object) {
    const key = `${object.id}:${object.revision}`;
    if (!this.sprites.has(key)) this.sprites.set(key, sprite(object.mask, object.bbox, tint(object.colour, object.id)));
    return this.sprites.get(key);
  }

  visible(object) { return !this.hidden.has(object.id) && object.id !== this.correcting; }

  setCorrecting(id) { this.correcting = id ?? null; this.redraw(); }

  toggleHidden(id) {
    if (this.hidden.has(id)) this.hidden.delete(id); else this.hidden.add(id);
    this.redraw();
    return this.hidden.has(id);
  }

  point(id) { if (this.pointed !== id) { this.pointed = id; this.redrawFocus(); } }

  select(id) { this.selected = id; this.redrawFocus(); }

  showEarlier(revision) { this.earlier = revision; this.redrawFocus(); }

  // The id of the topmost visible object covering image pixel (x, y), or null.
  at(x, y) {
    for (const object of [...this.objects].reverse()) {
      if (!this.visible(object)) continue;
      const s = this.spriteOf(object);
      const c = x - s.x0;
      const r = y - s.y0;
      if (c >= 0 && r >= 0 && c < s.w && r < s.h && s.bits[r * s.w + c]) return object.id;
    }
    return null;
  }

  redraw() {
    const fills = this.fills.getContext("2d");
    const edges = this.edges.getContext("2d");
    fills.clearRect(0, 0, this.width, this.height);
    edges.clearRect(0, 0, this.width, this.height);
    for (const object of this.objects) {
      if (!this.visible(object)) continue;
      const s = this.spriteOf(object);
      fills.drawImage(s.fill, s.x0, s.y0);
      edges.drawImage(s.edge, s.x0, s.y0);
    }
    this.redrawFocus();
  }

  // The pointed and selected objects again, strongly; an earlier revision's edge in magenta.
  redrawFocus() {
    const ctx = this.focus.getContext("2d");
    ctx.clearRect(0, 0, this.width, this.height);
    for (const id of new Set([this.pointed, this.selected])) {
      const object = this.objects.find((o) => o.id === id);
      if (!object || !this.visible(object)) continue;
      const s = this.spriteOf(object);
      ctx.globalAlpha = 0.45;
      ctx.drawImage(s.fill, s.x0, s.y0);
      ctx.globalAlpha = 1;
      ctx.drawImage(s.edge, s.x0, s.y0);
    }
    if (this.earlier) {
      const s = sprite(this.earlier.mask, this.earlier.bbox, [255, 0, 200], [255, 0, 200]);
      ctx.drawImage(s.edge, s.x0, s.y0);
    }
  }
}
