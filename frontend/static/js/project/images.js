// The image list: paged on the server, filtered and sorted; selection for assigning, taking
// back and deleting; uploads.
import { apiGet, apiGetAll, apiPost, el, uploadFile } from "../api.js";
import { rememberExportImages } from "../export_choice.js";

const PAGE_SIZE = 50;

export class ImageTable {
  constructor(project, { changed }) {
    this.project = project;
    this.changed = changed;
    this.page = 1;
    this.selected = new Set();
    this.body = document.querySelector("#image-table tbody");
    this.filters = document.getElementById("image-filters");
    this.pageInfo = document.getElementById("page-info");
    this.prev = document.getElementById("page-prev");
    this.next = document.getElementById("page-next");
    this.bulkStatus = document.getElementById("bulk-status");
    this.selectable = project.can.assign || project.can.delete || project.can.export;
    this.filters.addEventListener("change", () => this.goTo(1));
    this.filters.addEventListener("submit", (event) => { event.preventDefault(); this.goTo(1); });
    this.prev.addEventListener("click", () => this.goTo(this.page - 1));
    this.next.addEventListener("click", () => this.goTo(this.page + 1));
    this.wireBulk();
    this.wireUpload();
  }

  async start() {
    if (this.project.can.assign) await this.loadMembers();
    await this.goTo(1);
  }

  filterStatus(status) {
    this.filters.elements.status.value = status;
    return this.goTo(1);
  }

  setClasses(classes) {
    const select = document.getElementById("assign-classes");
    if (!select) return;
    select.replaceChildren(...classes.map((c) => new Option(c.name, String(c.id))));
    select.size = Math.min(4, Math.max(1, classes.length));
  }

  async loadMembers() {
    const members = await apiGetAll(`/api/projects/${this.project.id}/members/`);
    const select = document.getElementById("member-select");
    select.replaceChildren(...members.map((m) => new Option(`${m.username} (${m.role})`, String(m.user))));
    const assigneeFilter = this.filters.elements.assignee;
    for (const m of members) assigneeFilter.append(new Option(m.username, String(m.user)));
  }

  query() {
    const params = new URLSearchParams({ page: String(this.page), page_size: String(PAGE_SIZE) });
    for (const [key, value] of new FormData(this.filters)) if (value) params.set(key, String(value));
    return params;
  }

  async goTo(page) {
    this.page = Math.max(1, page);
    const result = await apiGet(`/api/projects/${this.project.id}/images/?${this.query()}`);
    const pages = Math.max(1, Math.ceil(result.count / PAGE_SIZE));
    this.pageInfo.textContent = `${result.count} image${result.count === 1 ? "" : "s"} · page ${this.page} of ${pages}`;
    this.prev.disabled = !result.previous;
    this.next.disabled = !result.next;
    this.render(result.results);
  }

  render(images) {
    this.body.replaceChildren();
    if (!images.length) {
      this.body.append(el("tr", {}, el("td", { colspan: "6", class: "muted" }, "No image matches.")));
      return;
    }
    for (const image of images) {
      const href = `/projects/${this.project.id}/images/${image.id}/annotate/`;
      const cells = [];
      if (this.selectable) {
        const box = el("input", { type: "checkbox", class: "select", "aria-label": `Select ${image.original_name}`, "data-id": String(image.id) });
        box.checked = this.selected.has(image.id);
        box.addEventListener("change", () => this.select(image.id, box.checked));
        cells.push(el("td", {}, box));
      }
      const assignees = image.assignees.map((a) => `${a.username}${a.done ? " ✓" : ""}`).join(", ") || "—";
      cells.push(
        el("td", {}, el("a", { href }, el("img", { src: image.url, alt: "", loading: "lazy", class: "thumb" }))),
        el("td", { class: "name" }, el("a", { href, title: image.original_name }, image.original_name),
          el("div", { class: "muted small" }, `${image.width}×${image.height}`)),
        el("td", {}, el("span", { class: `status ${image.status}` }, image.status.replace("_", " ")), ...this.verdicts(image)),
        el("td", { class: "assignees" }, assignees),
        el("td", {}, String(image.annotation_count)),
      );
      this.body.append(el("tr", { "data-image-id": String(image.id) }, ...cells));
    }
  }

  // Reviewers accept a done image or send it back for fixes (with a note) from the list.
  verdicts(image) {
    if (!this.project.can.review || image.status !== "done") return [];
    const verdict = (status, label, done) => {
      const button = el("button", { type: "button", class: "small verdict", "data-verdict": status }, label);
      button.addEventListener("click", () => this.bulk("reviewing", async () => {
        const note = status === "needs_fixes" ? window.prompt("What needs fixing?") : "";
        if (note === null) return "Nothing changed.";
        await apiPost(`/api/images/${image.id}/status/`, { status, note });
        return `${image.original_name} ${done}.`;
      }));
      return button;
    };
    return [" ", verdict("accepted", "Accept", "accepted"), " ", verdict("needs_fixes", "Send back", "sent back for fixes")];
  }

  select(id, on) {
    if (on) this.selected.add(id); else this.selected.delete(id);
    this.showCount();
  }

  showCount() {
    const count = document.getElementById("selection-count");
    if (count) count.textContent = `${this.selected.size} selected`;
  }

  async bulk(label, request) {
    this.bulkStatus.textContent = `${label}…`;
    try {
      this.bulkStatus.textContent = await request();
      this.selected.clear();
      this.showCount();
      await Promise.all([this.goTo(this.page), this.changed()]);
    } catch (e) {
      this.bulkStatus.textContent = e.message;
    }
  }

  wireBulk() {
    const base = `/api/projects/${this.project.id}`;
    const selectAll = document.getElementById("select-all");
    if (selectAll) {
      selectAll.addEventListener("change", () => {
        for (const box of this.body.querySelectorAll("input.select")) {
          box.checked = selectAll.checked;
          this.select(Number(box.dataset.id), box.checked);
        }
      });
    }
    const form = document.getElementById("bulk-form");
    if (!form) return;
    const member = () => Number(form.elements.member.value);
    const memberName = () => form.elements.member.selectedOptions[0]?.textContent || "";
    const classes = () => [...form.elements.classes.selectedOptions].map((o) => Number(o.value));
    const need = (action) => {
      if (!this.selected.size) throw new Error(`Select the images to ${action} first.`);
      return [...this.selected];
    };
    const on = (id, handler) => document.getElementById(id)?.addEventListener("click", handler);
    on("assign-selected", () => this.bulk("assigning", async () => {
      const body = { user: member(), images: need("assign"), classes: classes() };
      const { assigned } = await apiPost(`${base}/assignments/`, body);
      return `${assigned.length} image(s) assigned to ${memberName()}.`;
    }));
    on("unassign-selected", () => this.bulk("taking back", async () => {
      const { count } = await apiPost(`${base}/assignments/remove/`, { user: member(), images: need("take back") });
      return `${count} assignment(s) of ${memberName()} ended; what they saved stays.`;
    }));
    on("assign-next", () => this.bulk("assigning", async () => {
      const body = { user: member(), count: Number(form.elements.count.value), classes: classes() };
      const { assigned } = await apiPost(`${base}/assignments/`, body);
      return `${assigned.length} unassigned image(s) given to ${memberName()}.`;
    }));
    on("export-selected", () => {
      try {
        rememberExportImages(this.project.id, need("export"));
        window.location.assign(`/projects/${this.project.id}/data/?selected=1`);
      } catch (e) {
        this.bulkStatus.textContent = e.message;
      }
    });
    on("delete-selected", () => this.bulk("deleting", async () => {
      const images = need("delete");
      if (!window.confirm(`Delete ${images.length} image(s) with their objects? An admin can bring them back.`)) return "Nothing deleted.";
      const { count } = await apiPost(`${base}/images/delete/`, { images });
      return `${count} image(s) deleted; an admin can bring them back in Settings.`;
    }));
  }

  wireUpload() {
    const form = document.getElementById("upload-form");
    if (!form) return;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const uploads = document.getElementById("upload-list");
      for (const file of Array.from(form.elements.files.files)) {
        const bar = el("progress", { max: "1", value: "0" });
        const note = el("span", {}, "uploading…");
        uploads.append(el("li", {}, el("span", {}, file.name), bar, note));
        try {
          await uploadFile(`/api/projects/${this.project.id}/images/`, file, (fraction) => { bar.value = fraction; });
          bar.value = 1;
          note.textContent = "done";
        } catch (e) {
          note.textContent = e.message;
          note.className = "error";
        }
      }
      form.reset();
      await Promise.all([this.goTo(this.page), this.changed()]);
    });
  }
}
