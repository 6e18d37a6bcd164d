// The account page: make, renew or revoke the API token used by scripts.
import { apiDelete, apiGet, apiPost } from "./api.js";

const state = document.getElementById("token-state");
const shown = document.getElementById("token-shown");
const error = document.getElementById("token-error");
const revoke = document.getElementById("token-revoke");

async function refresh() {
  const me = await apiGet("/api/me/");
  state.textContent = me.has_token ? "You have a token." : "You have no token yet.";
  revoke.disabled = !me.has_token;
}

async function run(action) {
  error.textContent = "";
  try { await action(); } catch (e) { error.textContent = e.message; }
  await refresh();
}

document.getElementById("token-new").addEventListener("click", () => run(async () => {
  const { token } = await apiPost("/api/me/token/");
  const value = document.getElementById("token-value");
  value.value = token;
  shown.hidden = false;
  value.select();
}));
revoke.addEventListener("click", () => run(async () => {
  await apiDelete("/api/me/token/");
  shown.hidden = true;
}));

await refresh();
