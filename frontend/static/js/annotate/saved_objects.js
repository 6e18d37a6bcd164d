// The image's saved objects on the annotation page: drawn on the canvas (SavedLayer), listed
// beside it (ObjectList) with their review, comments pinned on the image, and what the list
// does through the API: relabel, delete and bring back, revisions, verdicts, finishing a review.
import { apiDelete, apiGet, apiGetAll, apiPatch, apiPost } from "../api.js";
import { ObjectList } from "./object_list.js";
import { SavedLayer } from "./saved_layer.js";

export class SavedObjects {
  // page: { projectId, imageId, width, height, classes, colours, me, display: { shown,
  // colourBy, opacity } }; ui: { viewport, setStatus(text), setSaved(text), correct(annotation),
  // imageStatus(status), finished(round), pinning() (the next click on the image places a pin),
  // reloaded(ids) (the objects shown now), matte: { url(id), show(id), download(id) } }
  constructor(page, ui) {
    this.page = page;
    this.ui = ui;
    this.base = `/api/projects/${page.projectId}/annotations`;
    this.layer = new SavedLayer(page.width, page.height, page.display);
    this.deleted = [];
    this.pending = null; // a verdict or comment waiting for its pin: (x, y) => Promise
    this.list = new ObjectList(document.getElementById("object-list"), {
      classes: page.classes, me: page.me, actions: this.actions(),
      colourOf: (a) => this.layer.colourOf({ id: a.id, colour: page.colours.get(a.label_class) || "#888888" }),
    });
  }

  async reload() {
    const state = await apiGet(`/api/images/${this.page.imageId}/review/`);
    this.state = state;
    const shown = state.objects.filter((o) => o.state !== "deleted").map((o) => o.annotation);
    this.layer.load(shown.map((a) => ({
      id: a.id, revision: a.revision, mask: a.mask, bbox: a.bbox, colour: this.page.colours.get(a.label_class) || "#888888",
    })));
    this.list.render(state);
    this.ui.reloaded(this.ids());
    this.ui.imageStatus(state.status);
    this.ui.viewport.draw();
  }

  at(x, y) { return this.layer.at(x, y); }

  // The ids of the objects shown in the list, oldest first.
  ids() { return this.layer.objects.map((o) => o.id); }

  // A new colouring (by class or by object): the canvas and the list's swatches again.
  setColourBy(colourBy) {
    this.layer.setColourBy(colourBy);
    if (this.state) this.list.render(this.state);
  }

  // An action on the server, then the list and canvas again, then what it did (``done``); a
  // refusal is shown, not thrown.
  async run(action, done) {
    let result;
    try {
      result = await action();
    } catch (e) {
      this.ui.setStatus(`error: ${e.message}`);
      await this.reload();
      return;
    }
    await this.reload();
    if (done) this.ui.setSaved(done(result));
  }

  get canUndoDelete() { return this.deleted.length > 0; }

  remove(id) {
    return this.run(async () => { await apiDelete(`${this.base}/${id}/`); this.deleted.push(id); },
      () => `deleted annotation #${id} · Ctrl+Z brings it back`);
  }

  undoDelete() {
    const id = this.deleted.pop();
    return this.run(() => apiPost(`${this.base}/${id}/restore/`), () => `annotation #${id} is back`);
  }

  // The pin of a verdict or comment that asked for one: true when this click placed it.
  placePin(x, y) {
    if (!this.pending) return false;
    const place = this.pending;
    this.pending = null;
    place(x, y);
    return true;
  }

  // Draw the open comments' pins, numbered as in the list (canvas pixels).
  drawPins(ctx) {
    this.list.pins().forEach((comment, i) => {
      const { cx, cy } = this.ui.viewport.toCanvas(comment.x, comment.y);
      ctx.beginPath();
      ctx.arc(cx, cy, 10, 0, Math.PI * 2);
      ctx.fillStyle = "#f59e0b";
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = "#fff";
      ctx.stroke();
      ctx.fillStyle = "#111";
      ctx.font = "bold 12px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(String(i + 1), cx, cy);
    });
  }

  withPin(pin, send) {
    if (!pin) return send(null, null);
    this.ui.pinning();
    this.ui.setStatus("click on the image where the comment belongs");
    this.pending = (x, y) => send(x, y);
    return undefined;
  }

  actions() {
    const draw = () => this.ui.viewport.draw();
    const image = `/api/images/${this.page.imageId}`;
    return {
      point: (id) => { this.layer.point(id); draw(); },
      select: (id) => { this.layer.select(id); draw(); },
      hide: (id) => { const hidden = this.layer.toggleHidden(id); draw(); return hidden; },
      relabel: (object, classId) => this.run(
        () => apiPatch(`${this.base}/${object.annotation.id}/`, { label_class: classId, revision: object.annotation.revision }),
        (a) => `#${a.id} is a ${a.class_name} now (revision ${a.revision})`),
      remove: (object) => this.remove(object.annotation.id),
      matteUrl: (id) => `${this.ui.matte.url(id)}?download=1`,
      showMatte: (id) => this.ui.matte.show(id),
      downloadMatte: (id) => this.ui.matte.download(id),
      correct: (object) => this.ui.correct(object.annotation),
      history: async (object) => {
        const [revisions, reviews] = await Promise.all([
          apiGetAll(`${this.base}/${object.annotation.id}/revisions/`), apiGet(`${this.base}/${object.annotation.id}/reviews/`),
        ]);
        return { revisions, reviews };
      },
      showRevision: (revision) => { this.layer.showEarlier(revision ? { mask: revision.mask, bbox: revision.bbox } : null); draw(); },
      restoreRevision: (object, revision) => this.run(
        () => apiPost(`${this.base}/${object.annotation.id}/revisions/${revision.id}/restore/`, { revision: object.annotation.revision }),
        (a) => `#${a.id} is back to revision ${revision.number} (as revision ${a.revision})`),
      verdict: (object, verdict, comment, pin) => this.withPin(pin && comment.trim(), (x, y) => this.run(
        () => apiPost(`${image}/review/objects/${object.annotation.id}/`, { verdict, comment, x, y }),
        () => `#${object.annotation.id} ${verdict}`)),
      comment: (text, annotationId, pin) => this.withPin(pin, (x, y) => this.run(
        () => apiPost(`${image}/comments/`, { text, annotation: annotationId, x, y }), () => "comment added")),
      resolve: (comment) => this.run(() => apiPost(`${image}/comments/${comment.id}/resolve/`), () => "comment resolved"),
      finish: (note) => this.run(async () => {
        const round = await apiPost(`${image}/review/finish/`, { note });
        this.ui.finished(round);
        return round;
      }, (round) => (round.outcome === "accepted" ? "review finished: the image is accepted"
        : `review finished: ${round.rejected} object(s) back to the annotator for fixes`)),
    };
  }
}
