// The project's settings: name, engine, pipeline, how images are handed out; the archive; and
// what was deleted, to bring back.
import { apiDelete, apiGetAll, apiPatch, apiPost, el } from "./api.js";

const page = document.getElementById("settings-page");
const base = `/api/projects/${page.dataset.projectId}`;
const error = document.getElementById("settings-error");

const form = document.getElementById("settings-form");
form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.textContent = "";
  const data = new FormData(form);
  const status = document.getElementById("settings-status");
  try {
    const settings = Object.fromEntries(data.entries());
    settings.annotators_correct_others = form.elements.annotators_correct_others.checked;
    settings.noc_limit = Number(settings.noc_limit);
    await apiPatch(`${base}/`, settings);
    status.textContent = "saved";
  } catch (e) {
    error.textContent = e.message;
  }
});

document.getElementById("archive-toggle")?.addEventListener("click", async () => {
  const archived = Boolean(page.dataset.archived);
  if (!archived && !window.confirm("Archive the project? It becomes read-only until it is brought back.")) return;
  try {
    await (archived ? apiDelete(`${base}/archive/`) : apiPost(`${base}/archive/`));
    window.location.reload();
  } catch (e) {
    error.textContent = e.message;
  }
});

const trashError = document.getElementById("trash-error");

function trashList(id, items, label, restoreUrl, canRestore) {
  const list = document.getElementById(id);
  list.replaceChildren(...items.map((item) => {
    const row = el("li", {}, label(item));
    if (canRestore) {
      const button = el("button", { type: "button" }, "Bring back");
      button.addEventListener("click", async () => {
        trashError.textContent = "";
        try { await apiPost(restoreUrl(item)); } catch (e) { trashError.textContent = e.message; }
        await refreshTrash();
      });
      row.append(" ", button);
    }
    return row;
  }));
  if (!items.length) list.append(el("li", { class: "muted" }, "Nothing."));
}

async function refreshTrash() {
  if (!document.getElementById("deleted-images")) return;
  const [images, objects] = await Promise.all([
    apiGetAll(`${base}/images/?deleted=1`), apiGetAll(`${base}/annotations/?deleted=1`),
  ]);
  const when = (iso) => new Date(iso).toLocaleString();
  trashList("deleted-images", images, (i) => `${i.original_name} (deleted ${when(i.deleted_at)})`,
    (i) => `/api/images/${i.id}/restore/`, Boolean(page.dataset.canRestoreImages));
  trashList("deleted-objects", objects,
    (a) => `#${a.id} ${a.class_name} by ${a.author} on image ${a.image} (deleted by ${a.deleted_by}, ${when(a.deleted_at)})`,
    (a) => `${base}/annotations/${a.id}/restore/`, Boolean(page.dataset.canRestoreObjects));
  const classes = page.dataset.canRestoreClasses ? await apiGetAll(`${base}/classes/?deleted=1`) : [];
  trashList("deleted-classes", classes, (c) => `${c.name} (deleted ${when(c.deleted_at)})`,
    (c) => `${base}/classes/${c.id}/restore/`, Boolean(page.dataset.canRestoreClasses));
}

await refreshTrash();
