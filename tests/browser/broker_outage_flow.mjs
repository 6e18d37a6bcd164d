// A click whose step the server could not start (its broker away): the page says the server
// cannot reach its workers, keeps the click, sends it again after its back-off, and shows the
// mask once it is applied. Prints what it saw as JSON on the last line of stdout; pytest
// (test_broker_outage_page.py) makes the data, has the broker refuse once and checks it.
import { openAnnotation, routeSocket, runPageFlow, toPage } from "./pages.mjs";

const env = process.env;
const [width, height] = [Number(env.IMAGE_WIDTH), Number(env.IMAGE_HEIGHT)];
const [x, y] = JSON.parse(env.CLICK);
const status = () => document.getElementById("status").textContent;

const result = { errors: [], masks: [] };
await runPageFlow(env, result, async (page) => {
  await routeSocket(page, result, (frame, text, toPageSocket) => {
    if (frame.type === "error") result.errors.push({ code: frame.code, event_id: frame.event_id });
    if (frame.type === "mask") result.masks.push(frame.event_id);
    toPageSocket(text);
  });
  await openAnnotation(page, env);
  const target = await toPage(page, x, y, width, height);
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction(() => /cannot reach its workers/.test(
    document.getElementById("status").textContent), null, { timeout: 20000 });
  result.outageStatus = await page.evaluate(status);
  await page.waitForFunction(() => /^click: \d+ ms/.test(
    document.getElementById("status").textContent), null, { timeout: 20000 });
  result.finalStatus = await page.evaluate(status);
  await page.waitForTimeout(1500); // a second answer, were the click applied twice, comes here
});
