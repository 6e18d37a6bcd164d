// What the annotation page says and asks for when a tool has nothing obvious to do: Tab with an
// engine that proposes one mask (after a click on the image, and not while a button has the
// focus), and the matte of an older saved object chosen on the canvas (T with the pointer on
// it) and in the object list (its row's download link). Prints what it saw as JSON on the last
// line (test_annotate_tool_feedback.py makes and checks).
import { logIn, runPageFlow, toPage } from "./pages.mjs";

const env = process.env;
const result = { matteRequests: [] };
const W = Number(env.IMAGE_WIDTH);
const H = Number(env.IMAGE_HEIGHT);
const status = (page) => page.locator("#status").textContent();

await runPageFlow(env, result, async (page) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith("/matte.png")) result.matteRequests.push(url.pathname + url.search);
  });
  await logIn(page, env.BASE_URL, env.LOGIN_USER, env.LOGIN_PASSWORD);
  await page.goto(`${env.BASE_URL}/projects/${env.PROJECT_ID}/images/${env.IMAGE_ID}/annotate/`);
  await page.waitForFunction(() => /^ready/.test(document.getElementById("status").textContent), null, { timeout: 20000 });
  await page.waitForSelector("#object-list li.object");

  // A click on the image (off the saved objects), its mask, then Tab.
  const empty = await toPage(page, Number(env.CLICK_X), Number(env.CLICK_Y), W, H);
  await page.mouse.click(empty.x, empty.y);
  await page.waitForFunction(() => /^click: \d+ ms/.test(document.getElementById("status").textContent), null, { timeout: 20000 });
  // With a button focused, Tab moves the focus on and the page says nothing.
  await page.focus("#fit");
  await page.keyboard.press("Tab");
  result.tabOnButton = { status: await status(page), focused: await page.evaluate(() => document.activeElement.id) };
  await page.focus("#stage");
  await page.keyboard.press("Tab");
  result.afterTab = await status(page);

  // T with the pointer on the older object: its matte, not the newest one's.
  const older = await toPage(page, Number(env.OLDER_X), Number(env.OLDER_Y), W, H);
  await page.mouse.move(older.x, older.y);
  await page.keyboard.press("t");
  await page.waitForFunction((id) => {
    const text = document.getElementById("status").textContent;
    return text === "computing the matte…" || text.startsWith(`matte of annotation #${id}`);
  }, env.OLDER_ID, { timeout: 20000 });
  result.afterT = await status(page);
  result.requestsAfterT = [...result.matteRequests];
  await page.screenshot({ path: env.SCREENSHOT });

  // The older object chosen in the list: its row's matte link.
  await page.mouse.move(5, 5);
  await page.click(`#object-list li.object[data-id="${env.OLDER_ID}"] .title`);
  const link = page.locator(`#object-list li.object[data-id="${env.OLDER_ID}"] a.matte-download`);
  result.downloadHref = await link.getAttribute("href");
  result.requestsBeforeLink = result.matteRequests.length;
  await link.click();
  for (let i = 0; i < 50 && result.matteRequests.length === result.requestsBeforeLink; i += 1) await page.waitForTimeout(100);
  result.requestsAfterLink = result.matteRequests.slice(result.requestsBeforeLink);
  result.afterLink = await status(page);
});
