// What every browser flow does: start Chromium, log in, and compare canvas snapshots.
import { chromium } from "playwright-core";

export function launch(env) {
  return chromium.launch({
    executablePath: env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

// Run a flow: `body(page)` on a new page of a new browser, the page's errors collected in
// `result.pageErrors`, a failure in `result.failure`; then print `result` as JSON on one line.
export async function runPageFlow(env, result, body) {
  const browser = await launch(env);
  result.pageErrors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on("pageerror", (error) => result.pageErrors.push(String(error)));
    page.on("console", (m) => { if (m.type() === "error") result.pageErrors.push(m.text()); });
    await body(page);
  } catch (error) {
    result.failure = String(error && error.stack ? error.stack : error);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result));
}

// The page's WebSocket through a route to the server. What the page sends goes on as it is;
// each frame from the server goes to `onServerFrame(frame, text, toPage)`, which decides what
// the page gets (`toPage(text)` sends it). `seen.fromPage` and `seen.fromServer` record each
// frame's type.
export async function routeSocket(page, seen, onServerFrame) {
  seen.fromPage = [];
  seen.fromServer = [];
  await page.routeWebSocket(/\/ws\/projects\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((text) => {
      seen.fromPage.push(JSON.parse(text).type);
      server.send(text);
    });
    server.onMessage((text) => {
      const frame = JSON.parse(text);
      seen.fromServer.push(frame.type);
      return onServerFrame(frame, text, (out) => ws.send(out));
    });
  });
}

// Log in and open the annotation page of an image; returns once the page says it is ready.
export async function openAnnotation(page, env) {
  await logIn(page, env.BASE_URL, env.LOGIN_USER, env.LOGIN_PASSWORD);
  await page.goto(`${env.BASE_URL}/projects/${env.PROJECT_ID}/images/${env.IMAGE_ID}/annotate/`);
  await page.waitForFunction(() => /^ready/.test(document.getElementById("status").textContent),
    null, { timeout: 20000 });
}

export async function logIn(page, base, user, password) {
  await page.goto(`${base}/login/`);
  await page.fill("input[name=username]", user);
  await page.fill("input[name=password]", password);
  await Promise.all([page.waitForURL(`${base}/projects/`), page.click("button[type=submit]")]);
}

// Canvas snapshots live in the page; only the counts of differing pixels come back.
export function canvasSnapshots(page) {
  const snap = (name) => page.evaluate((key) => {
    const c = document.getElementById("canvas");
    window.__snaps = window.__snaps || {};
    window.__snaps[key] = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  }, name);
  const differing = (a, b) => page.evaluate(([x, y]) => {
    const p = window.__snaps[x];
    const q = window.__snaps[y];
    let n = 0;
    for (let i = 0; i < p.length; i += 4) {
      if (p[i] !== q[i] || p[i + 1] !== q[i + 1] || p[i + 2] !== q[i + 2]) n += 1;
    }
    return n;
  }, [a, b]);
  return { snap, differing };
}

// An image pixel's page coordinates in the fitted view the annotation page opens with.
export function toPage(page, x, y, width, height) {
  return page.evaluate(([px, py, w, h]) => {
    const c = document.getElementById("canvas");
    const rect = c.getBoundingClientRect();
    const scale = Math.min(c.width / w, c.height / h);
    const tx = (c.width - w * scale) / 2;
    const ty = (c.height - h * scale) / 2;
    return { x: rect.left + tx + (px + 0.5) * scale, y: rect.top + ty + (py + 0.5) * scale, scale };
  }, [x, y, width, height]);
}

// Enter saves the object; returns the page's "saved" line and the image's annotations from the API.
export async function saveAndList(page, projectId, imageId) {
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /saved annotation #\d+/.test(document.getElementById("saved").textContent),
    null, { timeout: 20000 });
  const saved = await page.locator("#saved").textContent();
  const annotations = await page.evaluate(async ([p, i]) => {
    const response = await fetch(`/api/projects/${p}/annotations/?image=${i}`);
    return (await response.json()).results;
  }, [projectId, imageId]);
  return { saved, annotations };
}
