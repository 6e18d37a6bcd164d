// An answer lost on its way to the page, the socket staying open: the page's WebSocket passes
// through a route that drops the first `mask` frame from the server. The annotator clicks; the
// page gets no answer, asks for its session's state again (its resync), and shows the mask the
// server applied. A second click then gets its answer as usual. Prints what it saw as JSON on
// the last line of stdout; pytest (test_page_resync.py) makes the data and checks it.
import { canvasSnapshots, openAnnotation, routeSocket, runPageFlow, toPage } from "./pages.mjs";

const env = process.env;
const [width, height] = [Number(env.IMAGE_WIDTH), Number(env.IMAGE_HEIGHT)];
const [first, second] = JSON.parse(env.CLICKS);
const whenNotComputing = () => !/computing/.test(document.getElementById("status").textContent);
const whenClickAnswered = () => /^click: \d+ ms/.test(document.getElementById("status").textContent);

const result = { droppedMask: null };
await runPageFlow(env, result, async (page) => {
  await routeSocket(page, result, (frame, text, toPageSocket) => {
    if (frame.type === "mask" && result.droppedMask === null) {
      result.droppedMask = frame.event_id;
      return;
    }
    toPageSocket(text);
  });
  await openAnnotation(page, env);
  const { snap, differing } = canvasSnapshots(page);
  await snap("before");

  let target = await toPage(page, first[0], first[1], width, height);
  result.scale = target.scale;
  const clickedAt = Date.now();
  await page.mouse.click(target.x, target.y);
  // No answer comes; the page must not stay "computing…" for ever.
  await page.waitForFunction(whenNotComputing, null, { timeout: 20000 });
  result.settledAfterMs = Date.now() - clickedAt;
  await snap("resynced");
  result.changedByFirst = await differing("before", "resynced");

  target = await toPage(page, second[0], second[1], width, height);
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction(whenClickAnswered, null, { timeout: 20000 });
  await snap("second");
  result.changedBySecond = await differing("resynced", "second");
  result.steps = await page.locator("#steps").textContent();
});
