// Small helpers for the REST API: JSON with the CSRF token, and uploads with progress.

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `Request failed (${status})`);
    this.status = status;
    this.body = body;
  }
}

async function parse(response) {
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { detail: text.slice(0, 200) }; }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export async function apiGet(url) {
  return parse(await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }));
}

// Every page of a paginated list, as one array (lists under /api/ come in pages).
export async function apiGetAll(url) {
  const items = [];
  let next = url + (url.includes("?") ? "&" : "?") + "page_size=500";
  while (next) {
    const page = await apiGet(next);
    items.push(...page.results);
    next = page.next;
  }
  return items;
}

async function apiSend(method, url, data) {
  return parse(await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: data === undefined ? undefined : JSON.stringify(data),
  }));
}

export function apiPost(url, data) {
  return apiSend("POST", url, data);
}

export function apiPatch(url, data) {
  return apiSend("PATCH", url, data);
}

export function apiDelete(url) {
  return apiSend("DELETE", url);
}

// Upload one file as multipart field "file"; onProgress(fraction) as bytes go out.
export function uploadFile(url, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = { detail: xhr.responseText.slice(0, 200) }; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body); else reject(new ApiError(xhr.status, body));
    };
    xhr.onerror = () => reject(new ApiError(0, { detail: "Network error during upload." }));
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
}

// Post a form with files (multipart); the answer's JSON, or an ApiError.
export async function uploadForm(url, formData) {
  return parse(await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: formData,
  }));
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "style") node.style.cssText = value; else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

// "1 image", "3 images".
export function counted(n, noun) {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
