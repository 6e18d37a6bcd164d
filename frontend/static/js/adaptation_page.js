// The adaptation page: the project's variant, and per class its decoder versions, the
// switch, rollback, reset and replay checks (current against a candidate version).
import { apiGet, apiGetAll, apiPatch, apiPost, el } from "./api.js";

const page = document.getElementById("adaptation-page");
const projectId = page.dataset.projectId;
const form = document.getElementById("variant-form");
const decoders = document.getElementById("class-decoders");
const POLL_MS = 1500;
// Whether anything can learn: the project runs SAM (GrabCut learns nothing), and learning is
// on for the project (set when the settings load).
const engineLearns = page.dataset.engineLearns === "yes";
let projectLearns = true;

function state(history) {
  if (!history.enabled) return "switched off for this class (uses the base model)";
  if (!engineLearns) return "not learning: this project runs GrabCut";
  if (!projectLearns) return "not learning: learning is off for this project";
  return "learning while annotators work";
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}

function size(bytes) {
  if (!bytes) return "—";
  return bytes < 1e5 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

async function loadVariant() {
  const variant = await apiGet(`/api/projects/${projectId}/adaptation/`);
  form.elements.enabled.checked = variant.enabled;
  projectLearns = variant.enabled;
  form.elements.click.value = variant.click;
  form.elements.result.value = variant.result;
  form.elements.click_mask.checked = variant.click_mask;
  form.elements.lr.value = variant.lr;
  form.elements.erosions.value = variant.erosions;
  document.getElementById("variant-status").textContent = variant.chosen ? "" : "(the server's defaults)";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("variant-error");
  error.textContent = "";
  try {
    await apiPatch(`/api/projects/${projectId}/adaptation/`, {
      enabled: form.elements.enabled.checked,
      click: form.elements.click.value,
      result: form.elements.result.value,
      click_mask: form.elements.click_mask.checked,
      lr: Number(form.elements.lr.value),
      erosions: Number(form.elements.erosions.value),
    });
    await loadVariant();
    document.getElementById("variant-status").textContent = "Saved.";
  } catch (e) {
    error.textContent = e.body && typeof e.body === "object" && !e.body.detail ? JSON.stringify(e.body) : e.message;
  }
});

// One metric, current against candidate: lower is better for NoC and FR.
function compared(current, candidate, digits) {
  const show = (v) => (v === null || v === undefined ? "n/a" : Number(v).toFixed(digits));
  const cells = [el("td", {}, show(current)), el("td", {}, show(candidate))];
  if (current !== null && candidate !== null && current !== candidate) {
    cells[1].className = candidate < current ? "better" : "worse";
  }
  return cells;
}

function replayTable(check) {
  const head = el("tr", {}, el("th", {}, "replay"), el("th", {}, `current v${check.current_version}`),
    el("th", {}, `candidate v${check.candidate_version}`));
  if (check.status !== "done") {
    const state = check.status === "failed" ? `failed: ${check.error}` : `${check.status}…`;
    return el("table", { class: "versions replay", "data-check": check.id }, head,
      el("tr", {}, el("td", { colspan: "3", class: check.status === "failed" ? "error" : "muted" }, state)));
  }
  const { current, candidate, objects, max_clicks: cap } = check.result;
  const rows = [
    ["clicks to 85 % IoU (NoC@85)", "noc85", 2], ["clicks to 90 % IoU (NoC@90)", "noc90", 2],
    [`% never at 85 % in ${cap} clicks`, "fr_85", 1], [`% never at 90 % in ${cap} clicks`, "fr_90", 1],
  ].map(([name, key, digits]) => el("tr", {}, el("td", {}, name), ...compared(current[key], candidate[key], digits)));
  return el("table", { class: "versions replay", "data-check": check.id }, head, ...rows,
    el("tr", {}, el("td", { colspan: "3", class: "muted" }, `the ${objects} latest saved objects, outlined again by a simulated annotator; lower is better`)));
}

async function pollCheck(url, check, holder) {
  let current = check;
  while (current.status === "pending" || current.status === "running") {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    current = await apiGet(`${url}replay/${current.id}/`);
    holder.replaceChildren(replayTable(current));
  }
}

function classCard(labelClass, history) {
  const url = `/api/projects/${projectId}/classes/${labelClass.id}/decoder/`;
  const card = el("section", { class: "card", "data-class": labelClass.id });
  const error = el("p", { class: "error", role: "alert" });
  const checks = el("div", { class: "checks" });
  const act = async (run) => {
    error.textContent = "";
    try {
      await run();
    } catch (e) {
      error.textContent = e.message;
    }
  };
  const refresh = async () => card.replaceWith(classCard(labelClass, await apiGet(url)));

  const toggle = el("button", { type: "button", class: "switch" }, history.enabled ? "Switch off" : "Switch on");
  toggle.addEventListener("click", () => act(async () => {
    await apiPatch(url, { enabled: !history.enabled });
    await refresh();
  }));
  const reset = el("button", { type: "button", class: "reset" }, "Reset to the base decoder");
  reset.addEventListener("click", () => act(async () => {
    if (!window.confirm(`Reset ${labelClass.name} to the base decoder? Its versions stay in the history.`)) return;
    await apiPost(`${url}reset/`, {});
    await refresh();
  }));

  const rows = history.versions.map((v) => {
    const cells = [
      el("td", {}, `v${v.version}`), el("td", {}, v.reason), el("td", {}, String(v.images_seen)),
      el("td", {}, v.created_by || "—"), el("td", {}, when(v.created_at)), el("td", {}, size(v.state_bytes)),
    ];
    const actions = el("td", {});
    if (v.version !== history.version && v.can_roll_back) {
      const back = el("button", { type: "button", class: "rollback", "data-version": v.version }, "Roll back");
      back.addEventListener("click", () => act(async () => {
        await apiPost(`${url}rollback/`, { version: v.version });
        await refresh();
      }));
      const compare = el("button", { type: "button", class: "compare", "data-version": v.version }, "Compare");
      compare.addEventListener("click", () => act(async () => {
        const check = await apiPost(`${url}replay/`, { version: v.version });
        const holder = el("div", {}, replayTable(check));
        checks.prepend(holder);
        await pollCheck(url, check, holder);
      }));
      actions.append(back, " ", compare);
    } else if (!v.can_roll_back) {
      actions.append(el("span", { class: "muted" }, "not retained"));
    }
    return el("tr", { class: v.version === history.version ? "head" : "" }, ...cells, actions);
  });
  const table = el("table", { class: "versions" },
    el("tr", {}, ...["version", "why", "objects seen", "by", "when", "stored", ""].map((h) => el("th", {}, h))),
    ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: "7", class: "muted" }, "Never adapted: the base decoder."))]));
  for (const check of history.replay_checks) checks.append(el("div", {}, replayTable(check)));

  card.append(
    el("h2", {}, el("span", { class: "swatch", style: `color:${labelClass.colour}` }, "● "), labelClass.name),
    el("p", { class: "muted" },
      `Version ${history.version} · learnt from ${history.images_seen} object${history.images_seen === 1 ? "" : "s"} · `,
      el("strong", { class: "state" }, state(history))),
    el("p", {}, toggle, " ", reset),
    error, table, checks,
  );
  return card;
}

async function loadClasses() {
  const classes = await apiGetAll(`/api/projects/${projectId}/classes/`);
  const cards = [];
  for (const labelClass of classes) {
    const history = await apiGet(`/api/projects/${projectId}/classes/${labelClass.id}/decoder/`);
    cards.push(classCard(labelClass, history));
  }
  decoders.replaceChildren(...(cards.length ? cards : [el("p", { class: "muted card" }, "No classes yet.")]));
}

loadVariant().then(loadClasses).catch((e) => {
  decoders.replaceChildren(el("p", { class: "error" }, e.message));
});
