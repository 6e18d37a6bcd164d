// "My work": the images still to do that are mine, in order (sent back for fixes first), and
// taking the next one on demand; for reviewers, the images waiting for review.
import { ApiError, apiGet, apiPost, el } from "../api.js";

const SHOWN = 10;

export class WorkList {
  constructor(project) {
    this.project = project;
    this.summary = document.getElementById("work-summary");
    this.list = document.getElementById("work-list");
    this.start = document.getElementById("work-start");
    this.error = document.getElementById("work-error");
    const take = document.getElementById("work-take");
    if (take) take.addEventListener("click", () => this.take());
  }

  annotateUrl(imageId) { return `/projects/${this.project.id}/images/${imageId}/annotate/`; }

  async refresh() {
    await Promise.all([this.refreshWork(), this.refreshReview()]);
  }

  // Images marked done, waiting for review (for those who review).
  async refreshReview() {
    const list = document.getElementById("review-list");
    if (!list) return;
    const page = await apiGet(`/api/projects/${this.project.id}/review/?page_size=${SHOWN}`);
    document.getElementById("review-summary").textContent = page.count
      ? `${page.count} image${page.count === 1 ? "" : "s"} marked done, waiting for review.`
      : "Nothing waits for review.";
    list.replaceChildren(...page.results.map((image) => el("li", {},
      el("a", { href: this.annotateUrl(image.id), title: image.original_name }, image.original_name),
      el("span", { class: "muted small" }, ` ${image.annotation_count} objects`))));
    const start = document.getElementById("review-start");
    start.hidden = !page.count;
    if (page.count) start.href = this.annotateUrl(page.results[0].id);
  }

  async refreshWork() {
    const page = await apiGet(`/api/projects/${this.project.id}/work/?page_size=${SHOWN}`);
    const n = page.count;
    this.summary.textContent = n
      ? `${n} image${n === 1 ? "" : "s"} to do${this.project.assignment === "open" ? " in this project" : ", assigned to you"}.`
      : (this.project.assignment === "on_demand" ? "Nothing to do: take the next image." : "Nothing to do right now.");
    this.list.replaceChildren(...page.results.map((image) => el("li", {},
      el("a", { href: this.annotateUrl(image.id), title: image.original_name }, image.original_name),
      el("span", { class: `status ${image.status}` }, image.status.replace("_", " ")))));
    if (n > SHOWN) this.list.append(el("li", { class: "muted" }, `and ${n - SHOWN} more`));
    this.start.hidden = !n;
    if (n) this.start.href = this.annotateUrl(page.results[0].id);
  }

  async take() {
    this.error.textContent = "";
    try {
      const image = await apiPost(`/api/projects/${this.project.id}/work/take/`);
      window.location.href = this.annotateUrl(image.id);
    } catch (e) {
      this.error.textContent = e instanceof ApiError ? e.message : String(e);
    }
  }
}
