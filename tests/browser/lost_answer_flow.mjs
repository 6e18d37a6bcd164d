// An answer lost on its way to the page, the socket staying open: the page's WebSocket passes
// through a route that drops the first `mask` frame from the server. The annotator clicks; the
// page gets no answer, asks for its session's state again (its resync), and shows the mask the
// server applied. A second click then gets its answer as usual. Prints what it saw as JSON on
// the last line of stdout; pytest (test_page_resync.py) makes the data and checks it.
import { canvasSnapshots, launch, logIn, toPage } from "./pages.mjs";

const env = process.env;
const base = env.BASE_URL;
const [projectId, imageId] = [Number(env.PROJECT_ID), Number(env.IMAGE_ID)];
const [width, height] = [Number(env.IMAGE_WIDTH), Number(env.IMAGE_HEIGHT)];
const clicks = JSON.parse(env.CLICKS);

const browser = await launch(env);
const result = { pageErrors: [], fromPage: [], fromServer: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on("pageerror", (error) => result.pageErrors.push(String(error)));
  page.on("console", (m) => { if (m.type() === "error") result.pageErrors.push(m.text()); });

  let dropped = null;
  await page.routeWebSocket(/\/ws\/projects\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      result.fromPage.push(JSON.parse(message).type);
      server.send(message);
    });
    server.onMessage((message) => {
      const frame = JSON.parse(message);
      result.fromServer.push(frame.type);
      if (frame.type === "mask" && dropped === null) {
        dropped = frame.event_id;
        return;
      }
      ws.send(message);
    });
  });

  await logIn(page, base, env.LOGIN_USER, env.LOGIN_PASSWORD);
  await page.goto(`${base}/projects/${projectId}/images/${imageId}/annotate/`);
  await page.waitForFunction(() => /^ready/.test(document.getElementById("status").textContent),
    null, { timeout: 20000 });
  const { snap, differing } = canvasSnapshots(page);
  await snap("before");

  const [first, second] = clicks;
  let target = await toPage(page, first[0], first[1], width, height);
  result.scale = target.scale;
  const clickedAt = Date.now();
  await page.mouse.click(target.x, target.y);
  // No answer comes; the page must not stay "computing…" for ever.
  await page.waitForFunction(() => !/computing/.test(document.getElementById("status").textContent),
    null, { timeout: 20000 });
  result.settledAfterMs = Date.now() - clickedAt;
  result.droppedMask = dropped;
  await snap("resynced");
  result.changedByFirst = await differing("before", "resynced");

  target = await toPage(page, second[0], second[1], width, height);
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction(() => /^click: \d+ ms/.test(document.getElementById("status").textContent),
    null, { timeout: 20000 });
  await snap("second");
  result.changedBySecond = await differing("resynced", "second");
  result.steps = await page.locator("#steps").textContent();
} catch (error) {
  result.failure = String(error && error.stack ? error.stack : error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
