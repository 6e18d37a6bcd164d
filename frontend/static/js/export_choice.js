// The images chosen on the project page for an export, handed to the data page in this tab's
// session storage (a URL would not hold thousands of ids).
const key = (projectId) => `maskloop.export-images.${projectId}`;

export function rememberExportImages(projectId, ids) {
  sessionStorage.setItem(key(projectId), JSON.stringify(ids));
}

export function chosenExportImages(projectId) {
  try {
    const ids = JSON.parse(sessionStorage.getItem(key(projectId)) || "null");
    return Array.isArray(ids) && ids.length ? ids.map(Number) : null;
  } catch {
    return null;
  }
}

export function forgetExportImages(projectId) {
  sessionStorage.removeItem(key(projectId));
}
