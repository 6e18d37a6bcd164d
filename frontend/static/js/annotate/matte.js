// The alpha matte of a saved object, viewed as a white layer whose opacity is alpha
// (closed-form matting on the server, GET .../annotations/<id>/matte.png), and downloaded as
// a PNG. Which object: the one chosen by the page (under the cursor, selected in the list, or
// saved last). The server computes
// it once per revision on its batch queue: until it is ready it answers 202 matte_pending with
// Retry-After, and the page asks again meanwhile; a failed one (409 matte_failed) is asked for
// again with ?retry=1 when the annotator tries once more.
export class Matte {
  // target(): the id of the object the Matte button and T are for, or null.
  constructor({ projectId, width, height, loadImage, onLayers, setStatus, target }) {
    this.projectId = projectId;
    this.width = width;
    this.height = height;
    this.loadImage = loadImage;
    this.onLayers = onLayers;
    this.setStatus = setStatus;
    this.button = document.getElementById("matte");
    this.target = target;
    this.button.addEventListener("click", () => this.toggle());
    this.layer = null;
    this.shownId = null; // the object whose matte is shown or being computed to be shown
    this.lastSaved = null;
    this.failed = new Set(); // objects whose matte failed: the next ask retries
  }

  url(id) { return `/api/projects/${this.projectId}/annotations/${id}/matte.png`; }

  // A newly saved object: the matte shown (of an object as it was) is taken away.
  saved(annotationId) {
    this.lastSaved = annotationId;
    this.available(true);
    if (this.layer) this.hide();
  }

  // Whether the image has saved objects to show the matte of.
  available(any) { this.button.disabled = !any && this.layer === null; }

  // The server's answer once the matte is ready (a 200 with the PNG), asking again after each
  // Retry-After while it is being computed; null when it is no longer wanted meanwhile.
  async ready(id, wanted = () => id === this.shownId) {
    let retry = this.failed.has(id);
    for (;;) {
      const response = await fetch(this.url(id) + (retry ? "?retry=1" : ""), { credentials: "same-origin" });
      retry = false;
      if (response.ok && response.status !== 202) {
        this.failed.delete(id);
        return response;
      }
      let body = null;
      try { body = await response.json(); } catch { body = null; }
      if (response.status !== 202) {
        if (body && body.code === "matte_failed") {
          this.failed.add(id);
          throw new Error("the matte could not be computed (T: try again)");
        }
        throw new Error((body && body.detail) || `the matte could not be loaded (${response.status})`);
      }
      this.setStatus("computing the matte…");
      const seconds = Number(response.headers.get("Retry-After")) || 2;
      await new Promise((resolve) => { setTimeout(resolve, seconds * 1000); });
      if (!wanted()) return null;
    }
  }

  // The "matte PNG" link: wait for the matte, then download it.
  async download(id) {
    this.setStatus("computing the matte…");
    try {
      await this.ready(id, () => true);
    } catch (error) {
      this.setStatus(error.message);
      return;
    }
    this.setStatus(`matte of annotation #${id} downloaded`);
    window.location.href = `${this.url(id)}?download=1`;
  }

  hide() {
    this.layer = null;
    this.shownId = null;
    this.button.setAttribute("aria-pressed", "false");
    this.onLayers();
  }

  // The Matte button and T: hide the matte shown, or show the chosen object's.
  toggle() {
    if (this.layer) this.hide();
    else this.show(this.target());
  }

  // Show the matte of object `id`; hide it when it is the one shown, and wait on when it is
  // the one being computed. A later choice of another object supersedes it.
  async show(id) {
    if (id === null || id === undefined) {
      this.setStatus("no saved object to show the matte of");
      return;
    }
    if (this.shownId === id) {
      if (this.layer) this.hide();
      return;
    }
    this.layer = null;
    this.shownId = id;
    this.button.setAttribute("aria-pressed", "true");
    this.onLayers();
    this.setStatus("computing the matte…");
    let matte = null;
    try {
      const response = await this.ready(id);
      if (response !== null) {
        const source = URL.createObjectURL(await response.blob());
        try { matte = await this.loadImage(source); } finally { URL.revokeObjectURL(source); }
      }
    } catch (error) {
      if (id === this.shownId) {
        this.setStatus(error.message);
        this.hide();
      }
      return;
    }
    if (matte === null || id !== this.shownId) return;
    const canvas = document.createElement("canvas");
    canvas.width = this.width;
    canvas.height = this.height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(matte, 0, 0);
    const pixels = ctx.getImageData(0, 0, this.width, this.height);
    for (let i = 0; i < pixels.data.length; i += 4) {
      pixels.data[i + 3] = pixels.data[i];
      pixels.data[i] = pixels.data[i + 1] = pixels.data[i + 2] = 255;
    }
    ctx.putImageData(pixels, 0, 0);
    this.layer = { canvas, alpha: 0.85 };
    this.setStatus(`matte of annotation #${id} (T: hide)`);
    this.onLayers();
  }
}
