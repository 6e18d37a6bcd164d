// The magnifier: a small window by the cursor showing the view under it enlarged, with a
// crosshair on the pixel a click would hit, for precise clicks on thin parts and edges.

const SIZE = 180;
const ZOOM = 4;

export class Magnifier {
  constructor(stage, viewport) {
    this.viewport = viewport;
    this.canvas = document.createElement("canvas");
    this.canvas.id = "magnifier";
    this.canvas.className = "magnifier";
    this.canvas.width = SIZE;
    this.canvas.height = SIZE;
    this.canvas.hidden = true;
    stage.append(this.canvas);
    this.ctx = this.canvas.getContext("2d");
    this.enabled = false;
    this.last = null;
    stage.addEventListener("mousemove", (event) => this.follow(event));
    stage.addEventListener("mouseleave", () => { this.canvas.hidden = true; });
  }

  toggle() {
    this.enabled = !this.enabled;
    if (!this.enabled) this.canvas.hidden = true;
    return this.enabled;
  }

  follow(event) {
    if (!this.enabled) return;
    this.last = this.viewport.toImage(event);
    this.refresh();
  }

  // Redraw at the last cursor position (after the view or the mask changed).
  refresh() {
    if (!this.enabled || !this.last) return;
    const { cx, cy } = this.last;
    const source = this.viewport.canvas;
    const rect = source.getBoundingClientRect();
    const half = SIZE / ZOOM / 2;
    const { ctx } = this;
    ctx.imageSmoothingEnabled = false;
    ctx.fillStyle = "#2a2f3a";
    ctx.fillRect(0, 0, SIZE, SIZE);
    ctx.drawImage(source, cx - half, cy - half, 2 * half, 2 * half, 0, 0, SIZE, SIZE);
    ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(SIZE / 2, 0); ctx.lineTo(SIZE / 2, SIZE / 2 - 6);
    ctx.moveTo(SIZE / 2, SIZE / 2 + 6); ctx.lineTo(SIZE / 2, SIZE);
    ctx.moveTo(0, SIZE / 2); ctx.lineTo(SIZE / 2 - 6, SIZE / 2);
    ctx.moveTo(SIZE / 2 + 6, SIZE / 2); ctx.lineTo(SIZE, SIZE / 2);
    ctx.stroke();
    // Keep the window beside the cursor, on the side with room.
    const left = cx * (rect.width / source.width) + 24;
    const top = cy * (rect.height / source.height) + 24;
    this.canvas.style.left = `${left + SIZE > rect.width ? left - SIZE - 48 : left}px`;
    this.canvas.style.top = `${top + SIZE > rect.height ? top - SIZE - 48 : top}px`;
    this.canvas.hidden = false;
  }
}
