// The canvas view: the image, the mask overlays, the click and scribble markers and the active
// tool's preview, with zoom and pan.

export class Viewport {
  constructor(canvas, image) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.image = image;
    this.layers = [];
    this.clicks = [];
    this.scribbles = [];
    this.overlay = null;
    this.marks = null;
    this.scale = 1;
    this.tx = 0;
    this.ty = 0;
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
    this.fit();
  }

  resize() {
    const rect = this.canvas.getBoundingClientRect();
    this.canvas.width = Math.max(1, Math.round(rect.width));
    this.canvas.height = Math.max(1, Math.round(rect.height));
    this.draw();
  }

  fit() {
    const { width, height } = this.canvas;
    this.scale = Math.min(width / this.image.naturalWidth, height / this.image.naturalHeight);
    this.tx = (width - this.image.naturalWidth * this.scale) / 2;
    this.ty = (height - this.image.naturalHeight * this.scale) / 2;
    this.draw();
  }

  // Canvas pixel (from a mouse event) to image pixel (x = column, y = row).
  toImage(event) {
    const rect = this.canvas.getBoundingClientRect();
    const cx = (event.clientX - rect.left) * (this.canvas.width / rect.width);
    const cy = (event.clientY - rect.top) * (this.canvas.height / rect.height);
    return { x: (cx - this.tx) / this.scale, y: (cy - this.ty) / this.scale, cx, cy };
  }

  // Image pixel (x = column, y = row) to canvas pixel: the centre of that pixel.
  toCanvas(x, y) {
    return { cx: (x + 0.5) * this.scale + this.tx, cy: (y + 0.5) * this.scale + this.ty };
  }

  zoomAt(cx, cy, factor) {
    const next = Math.min(40, Math.max(0.05, this.scale * factor));
    this.tx = cx - ((cx - this.tx) * next) / this.scale;
    this.ty = cy - ((cy - this.ty) * next) / this.scale;
    this.scale = next;
    this.draw();
  }

  panBy(dx, dy) {
    this.tx += dx;
    this.ty += dy;
    this.draw();
  }

  // layers: [{ canvas, alpha, outline }] drawn over the image in order. An `outline` layer (one
  // image pixel wide lines) is drawn spread to about a screen pixel each way when zoomed out,
  // so its lines stay visible.
  setLayers(layers) { this.layers = layers; this.draw(); }

  setClicks(clicks) { this.clicks = clicks; this.draw(); }

  // scribbles: [{ points: [[x, y], ...], thickness, positive }] in image pixels.
  setScribbles(scribbles) { this.scribbles = scribbles || []; this.draw(); }

  // overlay(ctx): drawn last, in canvas pixels (a tool's preview); null for none.
  setOverlay(overlay) { this.overlay = overlay; this.draw(); }

  // marks(ctx): drawn under the overlay, in canvas pixels (comment pins); null for none.
  setMarks(marks) { this.marks = marks; this.draw(); }

  // A polyline through image points, `width` image pixels wide, in canvas pixels.
  strokePath(points, width, colour, alpha = 1) {
    const { ctx } = this;
    if (!points.length) return;
    ctx.save();
    ctx.globalAlpha = alpha;
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = Math.max(1.5, width * this.scale);
    ctx.beginPath();
    const first = this.toCanvas(points[0][0], points[0][1]);
    ctx.moveTo(first.cx, first.cy);
    for (const [x, y] of points.slice(1)) {
      const p = this.toCanvas(x, y);
      ctx.lineTo(p.cx, p.cy);
    }
    if (points.length === 1) {
      ctx.arc(first.cx, first.cy, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fill();
    } else {
      ctx.stroke();
    }
    ctx.restore();
  }

  draw() {
    const { ctx } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(this.scale, 0, 0, this.scale, this.tx, this.ty);
    ctx.imageSmoothingEnabled = this.scale < 2;
    ctx.drawImage(this.image, 0, 0);
    for (const layer of this.layers) {
      ctx.globalAlpha = layer.alpha;
      ctx.drawImage(layer.canvas, 0, 0);
      if (layer.outline && this.scale < 1) {
        const d = 0.5 / this.scale;
        for (const [dx, dy] of [[-d, 0], [d, 0], [0, -d], [0, d]]) ctx.drawImage(layer.canvas, dx, dy);
      }
    }
    ctx.globalAlpha = 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    for (const s of this.scribbles) this.strokePath(s.points, s.thickness, s.positive ? "#22c55e" : "#ef4444", 0.8);
    for (const [x, y, positive] of this.clicks) {
      const { cx: sx, cy: sy } = this.toCanvas(x, y);
      ctx.beginPath();
      ctx.arc(sx, sy, 5, 0, Math.PI * 2);
      ctx.fillStyle = positive ? "#22c55e" : "#ef4444";
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = "#fff";
      ctx.stroke();
    }
    if (this.marks) this.marks(ctx);
    if (this.overlay) this.overlay(ctx);
  }
}
