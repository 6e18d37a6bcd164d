// The alpha matte of the last saved object, viewed as a white layer whose opacity is alpha
// (closed-form matting on the server, GET .../annotations/<id>/matte.png).
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
  }

  url(id) { return `/api/projects/${this.projectId}/annotations/${id}/matte.png`; }

  // A newly saved object: its matte can be shown (and replaces one shown).
  saved(annotationId) {
    this.lastSaved = annotationId;
    this.button.disabled = false;
    if (this.layer) this.toggle();
  }

  async toggle() {
    if (this.layer) {
      this.layer = null;
    } else if (this.lastSaved !== null) {
      this.setStatus("computing the matte…");
      const matte = await this.loadImage(this.url(this.lastSaved));
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
      this.setStatus(`matte of annotation #${this.lastSaved} (T: hide)`);
    }
    this.button.setAttribute("aria-pressed", String(this.layer !== null));
    this.onLayers();
  }
}
