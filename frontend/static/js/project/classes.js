// The project's label classes: add, and delete (confirmed when saved objects use the class).
import { ApiError, apiDelete, apiGetAll, apiPost, el } from "../api.js";

export class ClassList {
  constructor(project) {
    this.project = project;
    this.list = document.getElementById("class-list");
    this.error = document.getElementById("class-error");
    this.changed = () => {};
    const form = document.getElementById("class-form");
    if (form) form.addEventListener("submit", (event) => { event.preventDefault(); this.add(form); });
  }

  onChange(callback) { this.changed = callback; }

  async refresh() {
    const classes = await apiGetAll(`/api/projects/${this.project.id}/classes/`);
    this.list.replaceChildren(...classes.map((c) => {
      const chip = el("li", { style: `background:${c.colour}` }, c.name);
      if (this.project.can.classes) {
        const remove = el("button", { type: "button", class: "chip-x", title: `Delete the class ${c.name}`, "aria-label": `Delete ${c.name}` }, "×");
        remove.addEventListener("click", () => this.remove(c));
        chip.append(remove);
      }
      return chip;
    }));
    if (!classes.length) this.list.append(el("li", { class: "muted" }, "No classes yet."));
    this.changed(classes);
  }

  async add(form) {
    this.error.textContent = "";
    const data = new FormData(form);
    try {
      await apiPost(`/api/projects/${this.project.id}/classes/`, { name: data.get("name"), colour: data.get("colour") });
      form.reset();
      await this.refresh();
    } catch (e) {
      this.error.textContent = e.message;
    }
  }

  async remove(labelClass) {
    this.error.textContent = "";
    const url = `/api/projects/${this.project.id}/classes/${labelClass.id}/`;
    try {
      await apiDelete(url);
    } catch (e) {
      if (!(e instanceof ApiError) || e.body?.code !== "class_in_use") {
        this.error.textContent = e.message;
        return;
      }
      if (!window.confirm(`${e.message}\n\nDelete the class and hide its objects?`)) return;
      try {
        await apiDelete(`${url}?confirm=1`);
      } catch (again) {
        this.error.textContent = again.message;
        return;
      }
    }
    await this.refresh();
  }
}
