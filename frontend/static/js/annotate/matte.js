// The alpha matte of the last saved object, viewed as a white layer whose opacity is alpha
// (closed-form matting on the server, GET .../annotations/<id>/matte.png). The server computes
// it once per revision on its batch queue: until it is ready it answers 202 matte_pending with
// Retry-After, and the page asks again meanwhile; a failed one (409 matte_failed) is asked for
// again with ?retry=1 when the annotator tries once more.
export class Matte {
  constructor({ projectId, width, height, loadImage, onLayers, setStatus }) {
    this.projectId = projectId;
    this.width = width;
    this.height = height;
    this.loadImage = loadImage;
    this.onLayers = onLayers;
    this.setStatus = setStatus;
    this.button = document.getElementById("matte");
    this.button.addEventListener("click", () => this.toggle());
    this.layer = null;
    this.lastSaved = null;
    this.failed = new Set(); // objects whose matte failed: the next ask retries
    this.waiting = false;
  }

  url(id) { return `/api/projects/${this.projectId}/annotations/${id}/matte.png`; }

  // A newly saved object: its matte can be shown (and replaces one shown).
  saved(annotationId) {
    this.lastSaved = annotationId;
    this.button.disabled = false;
    if (this.layer) this.toggle();
  }

  // The server's answer once the matte is ready (a 200 with the PNG), asking again after each
  // Retry-After while it is being computed; null when it is no longer wanted meanwhile.
  async ready(id, wanted = () => id === this.lastSaved) {
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

  async toggle() {
    if (this.layer) {
      this.layer = null;
    } else if (this.lastSaved !== null && !this.waiting) {
      const id = this.lastSaved;
      this.setStatus("computing the matte…");
      this.waiting = true;
      let matte = null;
      try {
        const response = await this.ready(id);
        if (response !== null) {
          const source = URL.createObjectURL(await response.blob());
          try { matte = await this.loadImage(source); } finally { URL.revokeObjectURL(source); }
        }
      } catch (error) {
        this.setStatus(error.message);
      } finally {
        this.waiting = false;
      }
      if (matte === null || id !== this.lastSaved) return;
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
    }
    this.button.setAttribute("aria-pressed", String(this.layer !== null));
    this.onLayers();
  }
}
