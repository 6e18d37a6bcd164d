// The canvas view: the image, the mask overlays and the click markers, with zoom and pan.

export class Viewport {
  constructor(canvas, image) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.image = image;
    this.layers = [];
    this.clicks = [];
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

  // layers: [{ canvas, alpha }] drawn over the image in order.
  setLayers(layers) { this.layers = layers; this.draw(); }

  setClicks(clicks) { this.clicks = clicks; this.draw(); }

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
    }
    ctx.globalAlpha = 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    for (const [x, y, positive] of this.clicks) {
      const sx = (x + 0.5) * this.scale + this.tx;
      const sy = (y + 0.5) * this.scale + this.ty;
      ctx.beginPath();
      ctx.arc(sx, sy, 5, 0, Math.PI * 2);
      ctx.fillStyle = positive ? "#22c55e" : "#ef4444";
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = "#fff";
      ctx.stroke();
    }
  }
}
