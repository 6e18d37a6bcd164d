// The annotation tools: what a press, drag and release on the image mean for each of them.
//
//   click     short left press: object, right or Shift: background; a left drag pans
//   box       left drag: a box around the object
//   scribble  left drag: object ink, right drag or Shift: background ink
//   brush     left drag: paint the object by hand, right drag or Shift: erase
//   eraser    left drag: erase by hand
//   correct   short left press on a saved object: correct that object's mask; a left drag pans
//   delete    short left press on a saved object: delete it; a left drag pans
// A middle drag pans with every tool. Strokes are sent on release, in image pixels (thinned to
// the server's limit on the way: live_session.js).

export class Tools {
  // actions: { click(x, y, positive), box(x0, y0, x1, y1), scribble(points, thickness, positive),
  //            brush(points, size, erase), pick(x, y), remove(x, y), outside() }
  constructor(viewport, stage, width, height, actions) {
    this.viewport = viewport;
    this.width = width;
    this.height = height;
    this.actions = actions;
    this.tool = "click";
    this.size = 9;
    this.drag = null;
    this.hover = null;
    this.colour = "#1e90ff";
    stage.addEventListener("contextmenu", (event) => event.preventDefault());
    stage.addEventListener("mousedown", (event) => { stage.focus(); this.down(event); });
    window.addEventListener("mousemove", (event) => this.move(event));
    window.addEventListener("mouseup", (event) => this.up(event));
    viewport.setOverlay((ctx) => this.preview(ctx));
  }

  setTool(name) {
    this.tool = name;
    this.drag = null;
    this.viewport.draw();
  }

  setSize(size) { this.size = size; this.viewport.draw(); }

  setColour(colour) { this.colour = colour; }

  inside(p) { return p.x >= 0 && p.y >= 0 && p.x < this.width && p.y < this.height; }

  // The image pixel under the mouse, or null when it is off the image.
  pointed() {
    return this.hover && this.inside(this.hover) ? [Math.floor(this.hover.x), Math.floor(this.hover.y)] : null;
  }

  clamp(p) {
    return [Math.min(Math.max(p.x, 0), this.width - 0.001), Math.min(Math.max(p.y, 0), this.height - 0.001)];
  }

  down(event) {
    const p = this.viewport.toImage(event);
    const panning = event.button === 1 || (["click", "correct", "delete"].includes(this.tool) && event.button === 0);
    const drawing = !panning && ["box", "scribble", "brush", "eraser"].includes(this.tool);
    if (drawing && !this.inside(p)) {
      this.actions.outside();
      return;
    }
    this.drag = {
      x: event.clientX, y: event.clientY, button: event.button, shift: event.shiftKey,
      moved: false, panning, start: p, points: drawing ? [this.clamp(p)] : null,
    };
  }

  move(event) {
    this.hover = this.viewport.toImage(event);
    const drag = this.drag;
    if (!drag) {
      if (["brush", "eraser", "scribble"].includes(this.tool)) this.viewport.draw();
      return;
    }
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) <= 4) return;
    drag.moved = true;
    if (drag.points === null) {
      if (drag.panning || drag.button === 2) this.viewport.panBy(dx, dy);
      drag.x = event.clientX;
      drag.y = event.clientY;
      return;
    }
    const [x, y] = this.clamp(this.hover);
    const [lx, ly] = drag.points[drag.points.length - 1];
    if (this.tool === "box" || Math.hypot(x - lx, y - ly) >= 1) drag.points.push([x, y]);
    this.viewport.draw();
  }

  up(event) {
    const drag = this.drag;
    if (!drag) return;
    this.drag = null;
    const negative = drag.button === 2 || drag.shift;
    if (drag.points !== null) {
      const points = drag.points;
      if (this.tool === "box") {
        const [x1, y1] = points[points.length - 1];
        const [x0, y0] = points[0];
        if (Math.abs(x1 - x0) >= 1 && Math.abs(y1 - y0) >= 1) this.actions.box(x0, y0, x1, y1);
      } else if (this.tool === "scribble") {
        this.actions.scribble(points, Math.max(1, this.size / 3), !negative);
      } else {
        this.actions.brush(points, this.size, this.tool === "eraser" || negative);
      }
      this.viewport.draw();
      return;
    }
    if (drag.moved || event.target !== this.viewport.canvas) return;
    const p = this.viewport.toImage(event);
    if (!this.inside(p)) {
      this.actions.outside();
      return;
    }
    if (this.tool === "correct" && drag.button === 0) this.actions.pick(Math.floor(p.x), Math.floor(p.y));
    else if (this.tool === "delete" && drag.button === 0) this.actions.remove(Math.floor(p.x), Math.floor(p.y));
    else if (this.tool === "click" && drag.button === 0) this.actions.click(Math.floor(p.x), Math.floor(p.y), !drag.shift);
    else if (this.tool === "click" && drag.button === 2) this.actions.click(Math.floor(p.x), Math.floor(p.y), false);
  }

  // The tool's preview in canvas pixels: the box being dragged, the stroke being drawn, and
  // the brush's footprint under the cursor.
  preview(ctx) {
    const drag = this.drag;
    if (drag && drag.points) {
      if (this.tool === "box") {
        const [x0, y0] = drag.points[0];
        const [x1, y1] = drag.points[drag.points.length - 1];
        const a = this.viewport.toCanvas(Math.min(x0, x1) - 0.5, Math.min(y0, y1) - 0.5);
        const b = this.viewport.toCanvas(Math.max(x0, x1) - 0.5, Math.max(y0, y1) - 0.5);
        ctx.save();
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 2;
        ctx.strokeStyle = "#facc15";
        ctx.strokeRect(a.cx, a.cy, b.cx - a.cx, b.cy - a.cy);
        ctx.restore();
        return;
      }
      const negative = drag.button === 2 || drag.shift;
      if (this.tool === "scribble") {
        this.viewport.strokePath(drag.points, Math.max(1, this.size / 3), negative ? "#ef4444" : "#22c55e", 0.9);
      } else {
        const erase = this.tool === "eraser" || negative;
        this.viewport.strokePath(drag.points, this.size, erase ? "#ffffff" : this.colour, 0.6);
      }
    }
    if (this.hover && ["brush", "eraser"].includes(this.tool) && this.inside(this.hover)) {
      const c = this.viewport.toCanvas(this.hover.x - 0.5, this.hover.y - 0.5);
      ctx.save();
      ctx.beginPath();
      ctx.arc(c.cx, c.cy, Math.max(2, (this.size * this.viewport.scale) / 2), 0, Math.PI * 2);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = this.tool === "eraser" ? "#ffffff" : this.colour;
      ctx.stroke();
      ctx.restore();
    }
  }
}
