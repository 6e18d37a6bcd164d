// A click answered twice: a step whose answer went out before its commit, then failed to
// commit, is applied again, and the engine's second answer may differ. The page's WebSocket
// passes through a route that forwards the first `mask` frame and then a second answer to the
// same event whose patch takes the step back (its `after` is its `before`). The page must then
// ask for its session's state and show what the server holds. The route holds that `session`
// frame back a moment, so the forged answer's effect can be seen first. Prints what it saw as
// JSON on the last line of stdout; pytest (test_page_resync.py) makes the data and checks it.
import { canvasSnapshots, openAnnotation, routeSocket, runPageFlow, toPage } from "./pages.mjs";

const env = process.env;
const [width, height] = [Number(env.IMAGE_WIDTH), Number(env.IMAGE_HEIGHT)];
const [clickX, clickY] = [Number(env.CLICK_X), Number(env.CLICK_Y)];
const HOLD_MS = 800;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const whenClickAnswered = () => /^click: \d+ ms/.test(document.getElementById("status").textContent);

const result = { forgedEvent: null };
let sessionFrames = 0;
let resynced = null;
const resyncedShown = new Promise((resolve) => { resynced = resolve; });

await runPageFlow(env, result, async (page) => {
  await routeSocket(page, result, async (frame, text, toPageSocket) => {
    if (frame.type === "session" && ++sessionFrames === 2) {
      await sleep(HOLD_MS);
      toPageSocket(text);
      resynced();
      return;
    }
    toPageSocket(text);
    if (frame.type === "mask" && result.forgedEvent === null) {
      result.forgedEvent = frame.event_id;
      await sleep(HOLD_MS);
      toPageSocket(JSON.stringify({ ...frame, patch: { ...frame.patch, after: frame.patch.before } }));
    }
  });
  await openAnnotation(page, env);
  const { snap, differing } = canvasSnapshots(page);
  await snap("before");

  const target = await toPage(page, clickX, clickY, width, height);
  result.scale = target.scale;
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction(whenClickAnswered, null, { timeout: 20000 });
  await snap("answered");
  result.changedByClick = await differing("before", "answered");

  await sleep(HOLD_MS + HOLD_MS / 2); // the forged answer is shown, the session frame held back
  await snap("forged");
  result.forgedDiffersFromAnswer = await differing("answered", "forged");

  await Promise.race([resyncedShown, sleep(15000)]);
  await sleep(200);
  await snap("resynced");
  result.resyncedDiffersFromAnswer = await differing("answered", "resynced");
  result.steps = await page.locator("#steps").textContent();
});
