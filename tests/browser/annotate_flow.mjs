// Drives the annotation page in headless Chromium, as a person would, and prints what it saw
// as JSON on the last line of stdout. pytest (test_annotate_flow.py) starts the server, makes
// the data, runs this script and checks the result.
import { canvasSnapshots, launch, logIn, saveAndList, toPage as pageAt } from "./pages.mjs";

const env = process.env;
const base = env.BASE_URL;
const [projectId, imageId] = [Number(env.PROJECT_ID), Number(env.IMAGE_ID)];
const [clickX, clickY] = [Number(env.CLICK_X), Number(env.CLICK_Y)];
const [width, height] = [Number(env.IMAGE_WIDTH), Number(env.IMAGE_HEIGHT)];

const browser = await launch(env);
const result = { pageErrors: [], statuses: {} };
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on("pageerror", (error) => result.pageErrors.push(String(error)));
  page.on("console", (m) => { if (m.type() === "error") result.pageErrors.push(m.text()); });

  await logIn(page, base, env.LOGIN_USER, env.LOGIN_PASSWORD);

  await page.goto(`${base}/projects/${projectId}/images/${imageId}/annotate/`);
  const status = page.locator("#status");
  const waitStatus = async (pattern, name) => {
    await page.waitForFunction((source) => new RegExp(source).test(document.getElementById("status").textContent),
      pattern.source, { timeout: 20000 });
    result.statuses[name] = await status.textContent();
  };
  await waitStatus(/^ready/, "opened");

  const { snap, differing } = canvasSnapshots(page);

  await snap("before");
  const toPage = (x, y) => pageAt(page, x, y, width, height);
  const target = await toPage(clickX, clickY);
  result.scale = target.scale;

  await page.mouse.click(target.x, target.y);
  await waitStatus(/^click: \d+ ms/, "click");
  await snap("click");
  result.changedByClick = await differing("before", "click");

  await page.keyboard.press("Control+z");
  await waitStatus(/^undo: /, "undo");
  await snap("undo");
  result.changedAfterUndo = await differing("before", "undo");

  await page.keyboard.press("Control+Shift+Z");
  await waitStatus(/^redo: /, "redo");
  await snap("redo");
  result.redoDiffersFromClick = await differing("click", "redo");

  // The magnifier shows the view under the cursor, enlarged.
  await page.keyboard.press("m");
  await page.mouse.move(target.x + 3, target.y + 3);
  result.magnifier = await page.evaluate(() => {
    const m = document.getElementById("magnifier");
    const data = m.getContext("2d").getImageData(0, 0, m.width, m.height).data;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4 * 97) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return { visible: getComputedStyle(m).display !== "none" && m.getBoundingClientRect().width > 0, colours: colours.size };
  });
  await page.keyboard.press("m");
  result.magnifierAfterToggle = await page.evaluate(() => getComputedStyle(document.getElementById("magnifier")).display);

  // A brush stroke in the background, then a click on the other object, then undo: the
  // canvas is exactly as the brush left it, and the brushed pixels are saved with the object.
  const [bx0, by0, bx1, by1] = env.BRUSH.split(",").map(Number);
  await page.keyboard.press("p");
  const from = await toPage(bx0, by0);
  const to = await toPage(bx1, by1);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
  await waitStatus(/^brush: /, "brush");
  await page.keyboard.press("c"); // back to clicks: the brush's footprint under the cursor goes
  await snap("brush");
  result.changedByBrush = await differing("redo", "brush");
  const second = await toPage(Number(env.CLICK2_X), Number(env.CLICK2_Y));
  await page.mouse.click(second.x, second.y);
  await waitStatus(/^click: \d+ ms/, "click2");
  await snap("click2");
  result.changedBySecondClick = await differing("brush", "click2");
  await page.keyboard.press("Control+z");
  await waitStatus(/^undo: /, "undo2");
  await snap("undo2");
  result.undoDiffersFromBrush = await differing("brush", "undo2");

  Object.assign(result, await saveAndList(page, projectId, imageId));
  // The saved object's alpha matte, shown over the image and hidden again; the page asks again
  // while the server computes it (each answer and status kept), and the "matte PNG" link
  // downloads it.
  await snap("saved");
  result.matteAnswers = [];
  page.on("response", (r) => { if (r.url().includes("/matte.png")) result.matteAnswers.push(r.status()); });
  await page.evaluate(() => {
    const line = document.getElementById("status");
    window.__statuses = [];
    new MutationObserver(() => window.__statuses.push(line.textContent))
      .observe(line, { childList: true, characterData: true, subtree: true });
  });
  await page.keyboard.press("t");
  await waitStatus(/^matte of annotation #\d+/, "matte");
  result.matteStatuses = await page.evaluate(() => window.__statuses);
  await snap("matte");
  result.changedByMatte = await differing("saved", "matte");
  await page.keyboard.press("t");
  result.matteLink = await page.locator("#saved a").getAttribute("href");
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#saved a").click()]);
  result.matteDownload = download.suggestedFilename();

  // Correct the saved object: pick it with the correct tool, erase a stripe across it, accept.
  await page.keyboard.press("o");
  await page.mouse.click(target.x, target.y);
  await waitStatus(/^start: /, "start");
  await page.keyboard.press("e");
  const left = await toPage(clickX - 30, clickY);
  const right = await toPage(clickX + 30, clickY);
  await page.mouse.move(left.x, left.y);
  await page.mouse.down();
  await page.mouse.move(right.x, right.y, { steps: 12 });
  await page.mouse.up();
  await waitStatus(/^brush: /, "erase");
  const savedBefore = result.saved;
  await page.keyboard.press("Enter");
  await page.waitForFunction((before) => {
    const text = document.getElementById("saved").textContent;
    return /saved annotation #\d+/.test(text) && text !== before;
  }, savedBefore, { timeout: 20000 });
  result.savedAfterCorrect = await page.locator("#saved").textContent();
  await page.screenshot({ path: env.SCREENSHOT || "/tmp/maskloop-annotate.png" });
} catch (error) {
  result.failure = String(error && error.stack ? error.stack : error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
