// The site's accounts, for its staff: search them, create one.
import { apiGet, apiPost, el } from "./api.js";

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
    await refresh();
  } catch (e) {
    error.textContent = e.message;
  }
});

await refresh();
