// The object's mask: a byte per pixel, drawn onto an offscreen canvas in the class colour.
import { paintRle } from "./rle.js";

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export class MaskLayer {
  constructor(width, height, colour) {
    this.width = width;
    this.height = height;
    this.bits = new Uint8Array(width * height);
    this.canvas = document.createElement("canvas");
    this.canvas.width = width;
    this.canvas.height = height;
    this.ctx = this.canvas.getContext("2d");
    this.setColour(colour);
  }

  setColour(colour) {
    this.colour = rgb(colour);
    this.redraw(0, 0, this.width, this.height);
  }

  clear() {
    this.bits.fill(0);
    this.redraw(0, 0, this.width, this.height);
  }

  // A whole-image RLE (or null for an empty mask).
  setMask(rle) {
    this.bits.fill(0);
    if (rle) paintRle(rle, this.bits, this.width, 0, 0);
    this.redraw(0, 0, this.width, this.height);
  }

  // A server patch: set the pixels of its box to its "after" values.
  applyPatch(patch) {
    const [x, y, w, h] = patch.bbox;
    if (!w || !h) return;
    paintRle(patch.after, this.bits, this.width, x, y);
    this.redraw(x, y, w, h);
  }

  // Undo a patch applied before: set the pixels of its box back to its "before" values.
  revertPatch(patch) {
    const [x, y, w, h] = patch.bbox;
    if (!w || !h) return;
    paintRle(patch.before, this.bits, this.width, x, y);
    this.redraw(x, y, w, h);
  }

  redraw(x, y, w, h) {
    if (!w || !h) return;
    const image = this.ctx.createImageData(w, h);
    const [r, g, b] = this.colour;
    const data = image.data;
    for (let row = 0; row < h; row += 1) {
      const src = (y + row) * this.width + x;
      for (let col = 0; col < w; col += 1) {
        if (this.bits[src + col]) {
          const o = (row * w + col) * 4;
          data[o] = r; data[o + 1] = g; data[o + 2] = b; data[o + 3] = 255;
        }
      }
    }
    this.ctx.putImageData(image, x, y);
  }

  area() {
    let n = 0;
    for (const v of this.bits) n += v;
    return n;
  }
}
