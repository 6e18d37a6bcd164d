// The object's mask: a byte per pixel, drawn onto two offscreen canvases: its pixels in the
// class colour, and its edge (the pixels with a 4-neighbour outside it) in white, which the
// page draws opaque above the saved objects so the live mask stays readable over them.
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
    this.edges = document.createElement("canvas");
    this.edges.width = width;
    this.edges.height = height;
    this.edgeCtx = this.edges.getContext("2d");
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

  // Repaint a box of the image, and the ring of pixels around it (their edges depend on it).
  redraw(bx, by, bw, bh) {
    if (!bw || !bh) return;
    const x = Math.max(0, bx - 1);
    const y = Math.max(0, by - 1);
    const w = Math.min(this.width, bx + bw + 1) - x;
    const h = Math.min(this.height, by + bh + 1) - y;
    const image = this.ctx.createImageData(w, h);
    const edge = this.edgeCtx.createImageData(w, h);
    const [r, g, b] = this.colour;
    const { bits, width, height } = this;
    const data = image.data;
    const line = edge.data;
    for (let row = 0; row < h; row += 1) {
      const iy = y + row;
      const src = iy * width + x;
      for (let col = 0; col < w; col += 1) {
        const i = src + col;
        if (!bits[i]) continue;
        const o = (row * w + col) * 4;
        data[o] = r; data[o + 1] = g; data[o + 2] = b; data[o + 3] = 255;
        const ix = x + col;
        if (ix === 0 || iy === 0 || ix === width - 1 || iy === height - 1
          || !bits[i - 1] || !bits[i + 1] || !bits[i - width] || !bits[i + width]) {
          line[o] = 255; line[o + 1] = 255; line[o + 2] = 255; line[o + 3] = 255;
        }
      }
    }
    this.ctx.putImageData(image, x, y);
    this.edgeCtx.putImageData(edge, x, y);
  }
}
