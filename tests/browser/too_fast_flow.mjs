// The page inside the socket's limits, with small limits set on the server: a long brush stroke
// goes out thinned to the points the server takes, and clicks made faster than the server's rate
// are held back and sent again when the server said, so every one is applied. Prints what it
// saw as JSON on the last line of stdout; pytest (test_socket_page.py) sets the limits and checks.
import { openAnnotation, runPageFlow, toPage } from "./pages.mjs";

const env = process.env;
const [width, height] = [Number(env.IMAGE_WIDTH), Number(env.IMAGE_HEIGHT)];
const [clickX, clickY] = [Number(env.CLICK_X), Number(env.CLICK_Y)];
const [bx0, by0, bx1, by1] = env.BRUSH.split(",").map(Number);

const result = { strokePoints: [], errors: [] };
await runPageFlow(env, result, async (page) => {
  await page.routeWebSocket(/\/ws\/projects\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((text) => {
      const frame = JSON.parse(text);
      if (frame.type === "brush") result.strokePoints.push(frame.points.length);
      server.send(text);
    });
    server.onMessage((text) => {
      const frame = JSON.parse(text);
      if (frame.type === "error") result.errors.push(frame.code);
      ws.send(text);
    });
  });
  await openAnnotation(page, env);

  await page.keyboard.press("p");
  const from = await toPage(page, bx0, by0, width, height);
  const to = await toPage(page, bx1, by1, width, height);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 150 });
  await page.mouse.up();
  await page.waitForFunction(() => /^brush: /.test(document.getElementById("status").textContent),
    null, { timeout: 20000 });

  await page.keyboard.press("c");
  const target = await toPage(page, clickX, clickY, width, height);
  for (let i = 0; i < 5; i += 1) await page.mouse.click(target.x, target.y);
  await page.waitForFunction(() => /^step 6\/6/.test(document.getElementById("steps").textContent),
    null, { timeout: 20000 });
  result.steps = await page.locator("#steps").textContent();
});
