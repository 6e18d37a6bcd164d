// A click answered twice: a step whose answer went out before its commit, then failed to
// commit, is applied again, and the engine's second answer may differ. The page's WebSocket
// passes through a route that forwards the first `mask` frame and then a second answer to the
// same event whose patch takes the step back (its `after` is its `before`). The page must then
// ask for its session's state and show what the server holds. The route holds that `session`
// frame back a moment, so the forged answer's effect can be seen first. Prints what it saw as
// JSON on the last line of stdout; pytest (test_page_resync.py) makes the data and checks it.
import { canvasSnapshots, launch, logIn, toPage } from "./pages.mjs";

const env = process.env;
const base = env.BASE_URL;
const [projectId, imageId] = [Number(env.PROJECT_ID), Number(env.IMAGE_ID)];
const [width, height] = [Number(env.IMAGE_WIDTH), Number(env.IMAGE_HEIGHT)];
const [clickX, clickY] = [Number(env.CLICK_X), Number(env.CLICK_Y)];
const HOLD_MS = 800;

const browser = await launch(env);
const result = { pageErrors: [], fromPage: [], fromServer: [] };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on("pageerror", (error) => result.pageErrors.push(String(error)));
  page.on("console", (m) => { if (m.type() === "error") result.pageErrors.push(m.text()); });

  let forged = null;
  let sessionFrames = 0;
  let resynced = null;
  const resyncedShown = new Promise((resolve) => { resynced = resolve; });
  await page.routeWebSocket(/\/ws\/projects\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      result.fromPage.push(JSON.parse(message).type);
      server.send(message);
    });
    server.onMessage(async (message) => {
      const frame = JSON.parse(message);
      result.fromServer.push(frame.type);
      if (frame.type === "session" && ++sessionFrames === 2) {
        await sleep(HOLD_MS);
        ws.send(message);
        resynced();
        return;
      }
      ws.send(message);
      if (frame.type === "mask" && forged === null) {
        forged = frame.event_id;
        await sleep(HOLD_MS);
        ws.send(JSON.stringify({ ...frame, patch: { ...frame.patch, after: frame.patch.before } }));
      }
    });
  });

  await logIn(page, base, env.LOGIN_USER, env.LOGIN_PASSWORD);
  await page.goto(`${base}/projects/${projectId}/images/${imageId}/annotate/`);
  await page.waitForFunction(() => /^ready/.test(document.getElementById("status").textContent),
    null, { timeout: 20000 });
  const { snap, differing } = canvasSnapshots(page);
  await snap("before");

  const target = await toPage(page, clickX, clickY, width, height);
  result.scale = target.scale;
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction(() => /^click: \d+ ms/.test(document.getElementById("status").textContent),
    null, { timeout: 20000 });
  await snap("answered");
  result.changedByClick = await differing("before", "answered");
  result.forgedEvent = forged;

  await sleep(HOLD_MS + HOLD_MS / 2); // the forged answer is shown, the session frame held back
  await snap("forged");
  result.forgedDiffersFromAnswer = await differing("answered", "forged");

  await Promise.race([resyncedShown, sleep(15000)]);
  await sleep(200);
  await snap("resynced");
  result.resyncedDiffersFromAnswer = await differing("answered", "resynced");
  result.steps = await page.locator("#steps").textContent();
} catch (error) {
  result.failure = String(error && error.stack ? error.stack : error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
