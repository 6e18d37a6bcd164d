// The members page: roles (changed by admins), removing members, adding accounts, invitations.
import { apiDelete, apiGetAll, apiPatch, apiPost, el } from "./api.js";

const page = document.getElementById("members-page");
const base = `/api/projects/${page.dataset.projectId}`;
const canManage = Boolean(page.dataset.canManage);
const me = Number(page.dataset.me);
const ROLES = ["annotator", "reviewer", "manager", "admin"];
const memberError = document.getElementById("member-error");
const date = (iso) => new Date(iso).toLocaleDateString();

async function act(errorEl, action) {
  errorEl.textContent = "";
  try {
    await action();
  } catch (e) {
    errorEl.textContent = e.message;
  }
  await refreshMembers();
}

function roleCell(member) {
  if (!canManage) return el("td", {}, member.role);
  const select = el("select", { "aria-label": `Role of ${member.username}` });
  for (const role of ROLES) select.append(new Option(role, role, false, role === member.role));
  select.addEventListener("change", () => act(memberError,
    () => apiPatch(`${base}/members/${member.user}/`, { role: select.value })));
  return el("td", {}, select);
}

function removeCell(member) {
  if (!canManage) return el("td", {});
  const button = el("button", { type: "button", class: "danger" }, member.user === me ? "Leave" : "Remove");
  button.addEventListener("click", () => {
    if (!window.confirm(`Remove ${member.username} from the project? What they saved stays theirs; the images they have not finished go back to be handed out.`)) return;
    act(memberError, () => apiDelete(`${base}/members/${member.user}/`));
  });
  return el("td", {}, button);
}

async function refreshMembers() {
  const members = await apiGetAll(`${base}/members/`);
  document.querySelector("#member-table tbody").replaceChildren(...members.map((m) =>
    el("tr", { "data-user": String(m.user) }, el("td", {}, m.username), el("td", {}, m.email || "—"),
      roleCell(m), el("td", {}, date(m.created_at)), removeCell(m))));
}

const memberForm = document.getElementById("member-form");
memberForm?.addEventListener("submit", (event) => {
  event.preventDefault();
  const data = new FormData(memberForm);
  act(memberError, async () => {
    await apiPost(`${base}/members/`, { user: data.get("user"), role: data.get("role") });
    memberForm.reset();
  });
});

const inviteTable = document.querySelector("#invitation-table tbody");
const inviteError = document.getElementById("invite-error");

async function refreshInvitations() {
  if (!inviteTable) return;
  const invitations = await apiGetAll(`${base}/invitations/`);
  inviteTable.replaceChildren(...invitations.map((inv) => {
    const cells = [el("td", {}, inv.role), el("td", {}, inv.email || "—"),
      el("td", {}, inv.state === "used" ? `used by ${inv.used_by}` : inv.state), el("td", {}, date(inv.expires_at)),
      el("td", {}, inv.created_by)];
    const revoke = el("button", { type: "button" }, "Revoke");
    revoke.hidden = inv.state !== "pending";
    revoke.addEventListener("click", async () => {
      inviteError.textContent = "";
      try { await apiDelete(`${base}/invitations/${inv.id}/`); } catch (e) { inviteError.textContent = e.message; }
      await refreshInvitations();
    });
    return el("tr", { "data-state": inv.state }, ...cells, el("td", {}, revoke));
  }));
  if (!invitations.length) inviteTable.append(el("tr", {}, el("td", { colspan: "6", class: "muted" }, "No invitations yet.")));
}

const inviteForm = document.getElementById("invite-form");
inviteForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  inviteError.textContent = "";
  const data = new FormData(inviteForm);
  try {
    const created = await apiPost(`${base}/invitations/`, {
      role: data.get("role"), email: data.get("email") || "", days: Number(data.get("days")),
    });
    document.getElementById("invite-result").hidden = false;
    const link = document.getElementById("invite-link");
    link.value = created.url;
    link.select();
    document.getElementById("invite-note").textContent =
      created.emailed ? `also sent to ${created.email}` : "copy it now: it is not shown again";
  } catch (e) {
    inviteError.textContent = e.message;
  }
  await refreshInvitations();
});
document.getElementById("invite-copy")?.addEventListener("click", async () => {
  const link = document.getElementById("invite-link");
  link.select();
  try { await navigator.clipboard.writeText(link.value); } catch { document.execCommand("copy"); }
});

await Promise.all([refreshMembers(), refreshInvitations()]);
