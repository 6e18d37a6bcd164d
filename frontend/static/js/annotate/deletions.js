// Deleting saved objects from the annotation page, and bringing the last ones back (Ctrl+Z
// while the object being outlined has no steps). Deletes are soft on the server.
import { apiDelete, apiPost } from "../api.js";

export class Deletions {
  constructor({ projectId, reload, onMessage }) {
    this.base = `/api/projects/${projectId}/annotations`;
    this.reload = reload;
    this.onMessage = onMessage;
    this.deleted = [];
  }

  get canUndo() { return this.deleted.length > 0; }

  async remove(id) {
    try {
      await apiDelete(`${this.base}/${id}/`);
    } catch (e) {
      this.onMessage(`error: ${e.message}`);
      return;
    }
    this.deleted.push(id);
    await this.reload();
    this.onMessage(`deleted annotation #${id} · Ctrl+Z brings it back`);
  }

  async undo() {
    const id = this.deleted.pop();
    if (id === undefined) return;
    try {
      await apiPost(`${this.base}/${id}/restore/`);
    } catch (e) {
      this.onMessage(`error: ${e.message}`);
      return;
    }
    await this.reload();
    this.onMessage(`annotation #${id} is back`);
  }
}
