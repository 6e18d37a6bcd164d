import { apiGetAll, apiPost, el } from "./api.js";

const list = document.getElementById("project-list");
const archived = document.getElementById("archived");

function show(target, projects, empty) {
  target.replaceChildren();
  if (!projects.length) target.append(el("li", { class: "muted" }, empty));
  for (const project of projects) {
    const classes = project.label_classes.map((c) => c.name).join(", ") || "no classes";
    target.append(el("li", {}, el("a", { href: `/projects/${project.id}/` }, project.name), ` · ${classes} · ${project.role}`));
  }
}

async function refresh() {
  const [active, old] = await Promise.all([apiGetAll("/api/projects/"), apiGetAll("/api/projects/?archived=1")]);
  show(list, active, "No projects yet.");
  show(document.getElementById("archived-list"), old, "None.");
  archived.hidden = !old.length;
}

const form = document.getElementById("project-form");
form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("project-error");
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
