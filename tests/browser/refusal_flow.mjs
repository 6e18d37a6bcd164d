// A connection the server refuses for who the user is: the annotation page says why in words,
// offers where to go instead, and does not reconnect. The page's socket drops (closed from the
// page's side, as a network blip would) after the user was logged out, or after another user
// logged in in the same browser; its reconnect is refused with 4401 or 4404. Prints what it saw
// as JSON on the last line of stdout; pytest (test_socket_refusal.py) makes the data and checks it.
import { openAnnotation, runPageFlow } from "./pages.mjs";

const env = process.env;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Every WebSocket the page makes, so the test can drop one and count the reconnects.
function recordSockets() {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__sockets.push(this);
    }
  };
}

// Drop the page's socket, wait for its status to match `expected`, then long enough for a few
// reconnects; returns what the page shows and how many sockets it made.
async function dropAndWatch(page, expected) {
  await page.evaluate(() => window.__sockets[window.__sockets.length - 1].close());
  await page.waitForFunction((pattern) => new RegExp(pattern).test(document.getElementById("status").textContent),
    expected, { timeout: 20000 });
  await sleep(3000); // the page's first retries come after 0.5, 1 and 2 s
  return page.evaluate(() => {
    const status = document.getElementById("status");
    const link = status.querySelector("a");
    return { status: status.textContent, link: link && link.getAttribute("href"), sockets: window.__sockets.length };
  });
}

// Log in as another user from the page, as another tab of the same browser would.
async function logInAs([user, password]) {
  const form = await (await fetch("/login/")).text();
  const token = form.match(/name="csrfmiddlewaretoken" value="([^"]+)"/)[1];
  const body = new URLSearchParams({ csrfmiddlewaretoken: token, username: user, password });
  const response = await fetch("/login/", { method: "POST", body, redirect: "manual" });
  if (response.type !== "opaqueredirect") throw new Error(`logging in as ${user} failed: ${response.status}`);
}

const result = {};
await runPageFlow(env, result, async (page) => {
  const context = page.context();
  await context.addInitScript(recordSockets);

  await openAnnotation(page, env);
  await context.clearCookies(); // logged out (as when the session expired)
  result.loggedOut = await dropAndWatch(page, "logged out");

  await openAnnotation(page, env); // logged in again, a new page
  await page.evaluate(logInAs, [env.OUTSIDER, env.LOGIN_PASSWORD]); // the browser's cookie is now theirs
  result.notMember = await dropAndWatch(page, "not a member");
});
