import { apiGetAll, apiPost, el, uploadFile } from "./api.js";

const page = document.getElementById("project-page");
const projectId = page.dataset.projectId;
const classList = document.getElementById("class-list");
const imageList = document.getElementById("image-list");

async function refreshClasses() {
  const classes = await apiGetAll(`/api/projects/${projectId}/classes/`);
  classList.replaceChildren(...classes.map((c) => el("li", { style: `background:${c.colour}` }, c.name)));
  if (!classes.length) classList.append(el("li", { class: "muted" }, "No classes yet."));
}

async function refreshImages() {
  const images = await apiGetAll(`/api/projects/${projectId}/images/`);
  imageList.replaceChildren();
  if (!images.length) imageList.append(el("li", { class: "muted" }, "No images yet."));
  for (const image of images) {
    const link = el("a", { href: `/projects/${projectId}/images/${image.id}/annotate/` },
      el("img", { src: image.url, alt: image.original_name, loading: "lazy" }),
      `${image.original_name} · ${image.width}×${image.height} · ${image.annotation_count} objects`);
    imageList.append(el("li", {}, link));
  }
}

const classForm = document.getElementById("class-form");
if (classForm) {
  classForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = document.getElementById("class-error");
    error.textContent = "";
    const data = new FormData(classForm);
    try {
      await apiPost(`/api/projects/${projectId}/classes/`, { name: data.get("name"), colour: data.get("colour") });
      classForm.reset();
      await refreshClasses();
    } catch (e) {
      error.textContent = e.message;
    }
  });
}

const uploadForm = document.getElementById("upload-form");
if (uploadForm) {
  uploadForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const files = Array.from(uploadForm.elements.files.files);
    const uploads = document.getElementById("upload-list");
    for (const file of files) {
      const bar = el("progress", { max: "1", value: "0" });
      const note = el("span", {}, "uploading…");
      uploads.append(el("li", {}, el("span", {}, file.name), bar, note));
      try {
        await uploadFile(`/api/projects/${projectId}/images/`, file, (fraction) => { bar.value = fraction; });
        bar.value = 1;
        note.textContent = "done";
      } catch (e) {
        note.textContent = e.message;
        note.className = "error";
      }
    }
    uploadForm.reset();
    await refreshImages();
  });
}

Promise.all([refreshClasses(), refreshImages()]).catch((e) => {
  imageList.replaceChildren(el("li", { class: "error" }, e.message));
});
