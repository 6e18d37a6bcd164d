// The object list beside the canvas: every saved object of the image with its class colour,
// id, author, area, review state and revisions. Pointing at a row highlights the object, a
// click selects it (objects under others are reached this way); the selected row relabels,
// hides, deletes, corrects, shows and restores revisions and, for reviewers, gives a verdict
// with a comment. Comments are listed under the objects, numbered as their pins on the image.
import { el } from "../api.js";

const STATE = { new: "new", changed: "changed since review", reviewed: "", deleted: "deleted since review" };

export class ObjectList {
  // me: { id, canReview, correctsOthers, deletesOthers }; colourOf(annotation) → [r, g, b], as
  // the canvas draws it; actions: { point(id), select(id), matteUrl(id), showMatte(id), downloadMatte(id),
  // relabel(object, classId), hide(id) → hidden, remove(object), correct(object),
  // history(object) → { revisions, reviews: { verdicts, comments } }, showRevision(revision|null), restoreRevision(object, revision),
  // verdict(object, verdict, comment, pin), comment(text, annotationId, pin), resolve(comment),
  // finish(note) }
  constructor(root, { classes, colourOf, me, actions }) {
    this.root = root;
    this.classes = classes;
    this.colourOf = colourOf;
    this.me = me;
    this.actions = actions;
    this.selected = null;
    this.state = { objects: [], comments: [], status: "" };
    this.onlyChanged = false;
    this.pinning = null; // a pending verdict or comment waiting for its point on the image
    root.addEventListener("mouseleave", () => actions.point(null));
  }

  get reviewing() { return this.me.canReview && this.state.status === "done"; }

  // state: the image's review (GET /api/images/<id>/review/).
  render(state) {
    this.state = state;
    const reviewedBefore = state.objects.some((o) => o.verdict);
    const list = el("ol", { class: "objects" });
    const rows = state.objects.filter((o) => !this.onlyChanged || ["new", "changed", "deleted"].includes(o.state));
    for (const object of rows) list.append(this.row(object));
    const header = el("div", { class: "panel-head" }, el("h2", {}, `Objects (${state.objects.filter((o) => o.state !== "deleted").length})`));
    if (reviewedBefore) {
      const only = el("input", { type: "checkbox", id: "only-changed" });
      only.checked = this.onlyChanged;
      only.addEventListener("change", () => { this.onlyChanged = only.checked; this.render(this.state); });
      header.append(el("label", { class: "radio small" }, only, "only what changed since the last review"));
    }
    const parts = [header, rows.length ? list : el("p", { class: "muted small" }, this.onlyChanged ? "Nothing changed since the last review." : "No saved objects yet.")];
    parts.push(this.comments());
    if (this.reviewing) parts.push(this.finishBox());
    if (state.rounds.length) parts.push(this.rounds());
    this.root.replaceChildren(...parts);
  }

  row(object) {
    const a = object.annotation;
    const [r, g, b] = this.colourOf(a);
    const badges = [];
    if (STATE[object.state]) badges.push(el("span", { class: `badge state-${object.state}` }, STATE[object.state]));
    if (object.verdict) badges.push(el("span", { class: `badge verdict-${object.verdict.verdict}` }, object.verdict.verdict));
    const open = this.state.comments.filter((c) => c.annotation === a.id && !c.resolved_at).length;
    if (open) badges.push(el("span", { class: "badge comments", title: "open comments" }, `${open} comment${open === 1 ? "" : "s"}`));
    const li = el("li", { class: "object", "data-id": String(a.id), "data-state": object.state },
      el("span", { class: "swatch", style: `background:rgb(${r},${g},${b})` }),
      el("span", { class: "title" }, `#${a.id} ${a.class_name}`),
      el("span", { class: "meta muted" }, `${a.author} · ${a.area.toLocaleString()} px · rev ${a.revision}`),
      ...badges);
    li.addEventListener("mouseenter", () => this.actions.point(a.id));
    li.addEventListener("click", (event) => { if (event.target === li || event.target.closest(".title,.meta,.swatch")) this.select(a.id); });
    if (a.id === this.selected && object.state !== "deleted") li.append(this.tools(object));
    if (a.id === this.selected) li.classList.add("selected");
    return li;
  }

  select(id) {
    this.selected = this.selected === id ? null : id;
    this.actions.select(this.selected);
    this.actions.showRevision(null);
    this.render(this.state);
    this.root.querySelector(`li.object[data-id="${id}"]`)?.scrollIntoView({ block: "nearest" });
  }

  tools(object) {
    const a = object.annotation;
    const mine = a.author_id === this.me.id;
    const box = el("div", { class: "object-tools" });
    const stop = (node) => { node.addEventListener("click", (event) => event.stopPropagation()); return node; };
    if (mine || this.me.correctsOthers) {
      const relabel = stop(el("select", { "aria-label": `Class of #${a.id}` }));
      for (const c of this.classes) relabel.append(new Option(c.name, String(c.id), false, c.id === a.label_class));
      relabel.addEventListener("change", () => this.actions.relabel(object, Number(relabel.value)));
      const correct = stop(el("button", { type: "button", class: "small" }, "Correct"));
      correct.addEventListener("click", () => this.actions.correct(object));
      box.append(relabel, correct);
    }
    const hide = stop(el("button", { type: "button", class: "small" }, "Hide"));
    hide.addEventListener("click", () => { hide.textContent = this.actions.hide(a.id) ? "Show" : "Hide"; });
    box.append(hide);
    if (mine || this.me.deletesOthers) {
      const remove = stop(el("button", { type: "button", class: "small danger" }, "Delete"));
      remove.addEventListener("click", () => this.actions.remove(object));
      box.append(remove);
    }
    const matte = stop(el("button", { type: "button", class: "small matte-show", title: "Show or hide this object's alpha matte (soft edges)" }, "Matte"));
    matte.addEventListener("click", () => this.actions.showMatte(a.id));
    const download = stop(el("a", { class: "button small matte-download", href: this.actions.matteUrl(a.id), title: "Download this object's alpha matte as a PNG" }, "Matte PNG"));
    download.addEventListener("click", (event) => { event.preventDefault(); this.actions.downloadMatte(a.id); });
    box.append(matte, download);
    const history = stop(el("button", { type: "button", class: "small" }, "History"));
    const revisions = el("ol", { class: "revisions" });
    revisions.hidden = true;
    history.addEventListener("click", async () => {
      revisions.hidden = !revisions.hidden;
      if (revisions.hidden) return;
      const { revisions: changes, reviews } = await this.actions.history(object);
      const verdicts = reviews.verdicts.map((v) => el("li", { class: "muted" },
        `review of rev ${v.revision}: ${v.verdict} by ${v.reviewer} · ${new Date(v.created_at).toLocaleString()}`));
      revisions.replaceChildren(...changes.map((rev) => this.revision(object, rev)), ...verdicts);
    });
    box.append(history);
    if (object.before) {
      const before = stop(el("button", { type: "button", class: "small", title: "the revision reviewed last, in magenta" }, `Show rev ${object.before.number}`));
      before.addEventListener("click", () => this.actions.showRevision(object.before));
      box.append(before);
    }
    if (this.reviewing) box.append(this.verdictBox(object));
    box.append(revisions);
    return box;
  }

  revision(object, rev) {
    const when = new Date(rev.created_at).toLocaleString();
    const item = el("li", {}, `rev ${rev.number} ${rev.kind}${rev.reverted_to ? ` to ${rev.reverted_to}` : ""} · ${rev.class_name} · ${rev.user} · ${when} `);
    const show = el("button", { type: "button", class: "small" }, "Show");
    show.addEventListener("click", (event) => { event.stopPropagation(); this.actions.showRevision(rev); });
    item.append(show);
    const mine = object.annotation.author_id === this.me.id;
    if (rev.number !== object.annotation.revision && rev.kind !== "deleted" && (mine || this.me.correctsOthers)) {
      const restore = el("button", { type: "button", class: "small" }, "Restore");
      restore.addEventListener("click", (event) => { event.stopPropagation(); this.actions.restoreRevision(object, rev); });
      item.append(" ", restore);
    }
    return item;
  }

  verdictBox(object) {
    const comment = el("input", { type: "text", placeholder: "comment (optional)", maxlength: "2000", "aria-label": "Comment" });
    const pin = el("input", { type: "checkbox" });
    const give = (verdict) => {
      const button = el("button", { type: "button", class: `small verdict-${verdict}`, "data-verdict": verdict }, verdict === "accepted" ? "Accept" : "Reject");
      button.addEventListener("click", (event) => {
        event.stopPropagation();
        this.actions.verdict(object, verdict, comment.value, pin.checked);
      });
      return button;
    };
    const box = el("div", { class: "verdict" }, give("accepted"), give("rejected"), comment,
      el("label", { class: "radio small" }, pin, "pin it on the image"));
    box.addEventListener("click", (event) => event.stopPropagation());
    return box;
  }

  comments() {
    const open = this.state.comments.filter((c) => !c.resolved_at);
    const section = el("div", { class: "comments" }, el("h3", {}, `Comments (${open.length})`));
    const list = el("ol", {});
    for (const c of open) {
      const pinned = c.x !== null ? ` (pin ${this.pinNumber(c)})` : "";
      const about = c.annotation ? ` on #${c.annotation}` : "";
      const item = el("li", { "data-comment": String(c.id) }, el("strong", {}, c.author), `${about}${pinned}: ${c.text}`);
      if (this.me.canReview) {
        const resolve = el("button", { type: "button", class: "small" }, "Resolve");
        resolve.addEventListener("click", () => this.actions.resolve(c));
        item.append(" ", resolve);
      }
      list.append(item);
    }
    section.append(open.length ? list : el("p", { class: "muted small" }, "None open."));
    if (this.me.canReview) section.append(this.commentForm());
    return section;
  }

  // A comment on the image, about the selected object if one is, pinned or not.
  commentForm() {
    const text = el("input", { type: "text", placeholder: "a comment on the image", maxlength: "2000", "aria-label": "New comment" });
    const pin = el("input", { type: "checkbox" });
    const add = el("button", { type: "button", class: "small" }, "Comment");
    add.addEventListener("click", () => {
      if (text.value.trim()) this.actions.comment(text.value, this.selected, pin.checked);
    });
    return el("div", { class: "comment-form" }, text, add, el("label", { class: "radio small" }, pin, "pin it"));
  }

  // Pins are numbered in the order of the open comments that have one.
  pinNumber(comment) {
    return this.pins().findIndex((c) => c.id === comment.id) + 1;
  }

  pins() { return this.state.comments.filter((c) => !c.resolved_at && c.x !== null); }

  // The finished reviews of the image, oldest first.
  rounds() {
    const items = this.state.rounds.map((r) => el("li", {},
      `${new Date(r.created_at).toLocaleString()}: ${r.reviewer} · ${r.outcome.replace("_", " ")} `
      + `(${r.accepted} accepted, ${r.rejected} rejected)${r.note ? ` · ${r.note}` : ""}`));
    return el("div", { class: "rounds" }, el("h3", {}, "Reviews"), el("ol", {}, ...items));
  }

  finishBox() {
    const note = el("input", { type: "text", placeholder: "note for the annotators (optional)", maxlength: "500", "aria-label": "Review note" });
    const finish = el("button", { type: "button", class: "primary", id: "finish-review" }, "Finish review");
    finish.addEventListener("click", () => this.actions.finish(note.value));
    return el("div", { class: "finish" }, note, finish);
  }
}
