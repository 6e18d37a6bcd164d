// The site's accounts, for its staff: search them, create one, lift a login lockout.
import { apiDelete, apiGet, apiPost, el } from "./api.js";

const table = document.querySelector("#user-table tbody");
const search = document.getElementById("user-search");
const form = document.getElementById("user-form");
const day = (iso) => (iso ? new Date(iso).toLocaleDateString() : "never");

async function refresh() {
  const query = new URLSearchParams({ search: new FormData(search).get("search") || "", page_size: "200" });
  const page = await apiGet(`/api/users/?${query}`);
  table.replaceChildren(...page.results.map((u) => el("tr", {}, el("td", {}, u.username), el("td", {}, u.email || "—"),
    el("td", {}, u.is_staff ? "yes" : ""), el("td", {}, day(u.date_joined)), el("td", {}, day(u.last_login)))));
  if (page.count > page.results.length) table.append(el("tr", {}, el("td", { colspan: "5", class: "muted" }, `${page.count - page.results.length} more: search to narrow`)));
}

const lockouts = document.querySelector("#lockout-table tbody");
const time = (iso) => new Date(iso).toLocaleString();

async function refreshLockouts() {
  const locked = (await apiGet("/api/lockouts/?page_size=500")).results;
  lockouts.replaceChildren(...locked.map((l) => {
    const lift = el("button", { type: "button" }, "Lift");
    lift.addEventListener("click", async () => { await apiDelete(`/api/lockouts/${l.id}/`); await refreshLockouts(); });
    return el("tr", {}, el("td", {}, l.username), el("td", {}, l.ip_address || "—"), el("td", {}, String(l.failures)),
      el("td", {}, time(l.last_attempt)), el("td", {}, time(l.until)), el("td", {}, lift));
  }));
  if (!locked.length) lockouts.append(el("tr", {}, el("td", { colspan: "6", class: "muted" }, "Nobody is locked out.")));
}

search.addEventListener("submit", (event) => { event.preventDefault(); refresh(); });
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("user-error");
  const status = document.getElementById("user-status");
  error.textContent = "";
  const data = new FormData(form);
  try {
    const user = await apiPost("/api/users/", {
      username: data.get("username"), email: data.get("email") || "", password: data.get("password"),
      is_staff: data.get("is_staff") === "on",
    });
    status.textContent = `Created ${user.username}.`;
    form.reset();
    await Promise.all([refresh(), refreshLockouts()]);
  } catch (e) {
    error.textContent = e.message;
  }
});

await Promise.all([refresh(), refreshLockouts()]);
