// The project's label classes: add, rename, recolour, reorder, and delete (confirmed when
// saved objects use the class).
import { ApiError, apiDelete, apiGetAll, apiPatch, apiPost, el } from "../api.js";

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
    this.list.replaceChildren(...classes.map((c, index) => {
      if (!this.project.can.classes) return el("li", { style: `background:${c.colour}` }, c.name);
      return this.editable(c, index, classes);
    }));
    if (!classes.length) this.list.append(el("li", { class: "muted" }, "No classes yet."));
    this.changed(classes);
  }

  // A class chip an admin edits: its colour, its name (click to rename), its place, delete.
  editable(c, index, classes) {
    const chip = el("li", { style: `background:${c.colour}`, "data-class-id": String(c.id) });
    const colour = el("input", { type: "color", value: c.colour, class: "chip-colour", title: `Colour of ${c.name}`, "aria-label": `Colour of ${c.name}` });
    colour.addEventListener("change", () => this.change(c, { colour: colour.value }));
    const name = el("button", { type: "button", class: "chip-name", title: "Rename" }, c.name);
    name.addEventListener("click", () => this.rename(c, name));
    const move = (offset, label, symbol) => {
      const button = el("button", { type: "button", class: "chip-x", title: label, "aria-label": `${label}: ${c.name}` }, symbol);
      const to = index + offset;
      if (to < 0 || to >= classes.length) button.disabled = true;
      button.addEventListener("click", () => this.reorder(classes, index, to));
      return button;
    };
    const remove = el("button", { type: "button", class: "chip-x", title: `Delete the class ${c.name}`, "aria-label": `Delete ${c.name}` }, "×");
    remove.addEventListener("click", () => this.remove(c));
    chip.append(colour, name, move(-1, "Move earlier", "‹"), move(1, "Move later", "›"), remove);
    return chip;
  }

  rename(c, button) {
    const input = el("input", { value: c.name, maxlength: "100", class: "chip-rename", "aria-label": `New name for ${c.name}` });
    let done = false;
    const finish = async (save) => {
      if (done) return;
      done = true;
      const name = input.value.trim();
      if (save && name && name !== c.name) await this.change(c, { name });
      else input.replaceWith(button);
    };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") finish(true);
      if (event.key === "Escape") finish(false);
    });
    input.addEventListener("blur", () => finish(true));
    button.replaceWith(input);
    input.focus();
    input.select();
  }

  async change(c, fields) {
    this.error.textContent = "";
    try {
      await apiPatch(`/api/projects/${this.project.id}/classes/${c.id}/`, fields);
    } catch (e) {
      this.error.textContent = e.message;
    }
    await this.refresh();
  }

  async reorder(classes, from, to) {
    const ids = classes.map((c) => c.id);
    ids.splice(to, 0, ids.splice(from, 1)[0]);
    this.error.textContent = "";
    try {
      await apiPost(`/api/projects/${this.project.id}/classes/order/`, { class_ids: ids });
    } catch (e) {
      this.error.textContent = e.message;
    }
    await this.refresh();
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
