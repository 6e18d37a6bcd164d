import { apiGetAll, apiPost, el } from "./api.js";

const list = document.getElementById("project-list");
const form = document.getElementById("project-form");
const error = document.getElementById("project-error");

async function refresh() {
  const projects = await apiGetAll("/api/projects/");
  list.replaceChildren();
  if (!projects.length) list.append(el("li", { class: "muted" }, "No projects yet: create one below."));
  for (const project of projects) {
    const classes = project.label_classes.map((c) => c.name).join(", ") || "no classes";
    list.append(el("li", {}, el("a", { href: `/projects/${project.id}/` }, project.name), ` · ${classes} · ${project.role}`));
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.textContent = "";
  const data = new FormData(form);
  const classes = String(data.get("classes") || "").split(",").map((s) => s.trim()).filter(Boolean);
  try {
    const project = await apiPost("/api/projects/", { name: data.get("name"), classes });
    window.location.href = `/projects/${project.id}/`;
  } catch (e) {
    error.textContent = e.message;
  }
});

refresh().catch((e) => { list.replaceChildren(el("li", { class: "error" }, e.message)); });
