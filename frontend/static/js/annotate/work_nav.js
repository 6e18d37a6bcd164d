// Moving along my work from the annotation page: previous, next, and "done and next".
// The queue is the server's (GET .../work/around/): images someone else finished drop out.
import { ApiError, apiGet, apiPost } from "../api.js";

export class WorkNav {
  constructor({ projectId, imageId, assignment, onStatus, onMessage }) {
    this.projectId = projectId;
    this.imageId = imageId;
    this.assignment = assignment;
    this.onStatus = onStatus;
    this.onMessage = onMessage;
    this.prevButton = document.getElementById("prev-image");
    this.nextButton = document.getElementById("next-image");
    this.doneButton = document.getElementById("done-next");
    this.prevButton.addEventListener("click", () => this.previous());
    this.nextButton.addEventListener("click", () => this.next());
    this.doneButton.addEventListener("click", () => this.doneAndNext());
    this.around = null;
  }

  url(imageId) { return `/projects/${this.projectId}/images/${imageId}/annotate/`; }

  async refresh() {
    this.around = await apiGet(`/api/projects/${this.projectId}/work/around/?image=${this.imageId}`);
    const onDemand = this.assignment === "on_demand" && this.around.scope === "queue";
    this.prevButton.disabled = this.around.previous === null;
    this.nextButton.disabled = this.around.next === null && !onDemand;
    const what = this.around.scope === "queue" ? "in your work" : "in the project";
    this.nextButton.title = `Next image ${what} (F) · ${this.around.remaining} to do`;
  }

  previous() {
    if (this.around?.previous != null) window.location.href = this.url(this.around.previous);
  }

  async next() {
    await this.refresh();
    if (this.around.next !== null) {
      window.location.href = this.url(this.around.next);
      return;
    }
    if (this.assignment === "on_demand" && this.around.scope === "queue") {
      try {
        const image = await apiPost(`/api/projects/${this.projectId}/work/take/`);
        window.location.href = this.url(image.id);
      } catch (e) {
        this.onMessage(e instanceof ApiError ? e.message : String(e));
      }
      return;
    }
    this.onMessage("Nothing left in your work: every other image is done.");
  }

  async doneAndNext() {
    try {
      const image = await apiPost(`/api/images/${this.imageId}/status/`, { status: "done" });
      this.onStatus(image.status);
    } catch (e) {
      if (!(e instanceof ApiError) || e.body?.code !== "already_done") {
        this.onMessage(e.message);
        return;
      }
    }
    await this.next();
  }
}
