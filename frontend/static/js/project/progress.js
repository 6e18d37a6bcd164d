// Progress: images per status (each a filter of the list below), a bar, and each assignee's share.
import { apiGet, el } from "../api.js";

export const STATUSES = [
  ["new", "new"], ["in_progress", "in progress"], ["done", "done"], ["needs_fixes", "needs fixes"], ["accepted", "accepted"],
];

export class Progress {
  constructor(project) {
    this.project = project;
    this.bar = document.getElementById("progress-bar");
    this.counts = document.getElementById("status-counts");
    this.assignees = document.querySelector("#assignee-table tbody");
    this.filter = () => {};
  }

  onFilter(callback) { this.filter = callback; }

  async refresh() {
    const p = await apiGet(`/api/projects/${this.project.id}/progress/`);
    const finished = p.by_status.done + p.by_status.accepted;
    const share = p.total ? Math.round((100 * finished) / p.total) : 0;
    this.bar.replaceChildren(...STATUSES.filter(([key]) => p.by_status[key]).map(([key, label]) =>
      el("span", { class: `status ${key}`, style: `flex:${p.by_status[key]}`, title: `${label}: ${p.by_status[key]}` })));
    this.bar.setAttribute("aria-label", `${finished} of ${p.total} images done or accepted (${share} %)`);
    this.counts.replaceChildren(
      el("li", {}, el("strong", {}, `${share} %`), ` done or accepted · ${p.total} images · ${p.unassigned} unassigned`),
      ...STATUSES.map(([key, label]) => {
        const button = el("button", { type: "button", class: `link status-filter`, "data-status": key },
          el("span", { class: `dot ${key}` }), `${label}: `, el("span", { class: "count" }, String(p.by_status[key])));
        button.addEventListener("click", () => this.filter(key));
        return el("li", {}, button);
      }));
    this.assignees.replaceChildren(...(p.by_assignee.length ? p.by_assignee.map((a) =>
      el("tr", {}, el("td", {}, a.username), el("td", {}, String(a.assigned)), el("td", {}, String(a.done))))
      : [el("tr", {}, el("td", { colspan: "3", class: "muted" }, "No image is assigned yet."))]));
  }
}
