// SAM's three masks on a first click, in headless Chromium: click, Tab through the proposals
// (the canvas changes each time, and comes back to the first after the third), pick the second
// and accept with Enter. Prints what it saw as JSON on the last line of stdout; pytest
// (test_candidates_flow.py) makes the data, runs this script and checks the saved annotation.
import { canvasSnapshots, launch, logIn, saveAndList, toPage } from "./pages.mjs";

const env = process.env;
const base = env.BASE_URL;
const [projectId, imageId] = [Number(env.PROJECT_ID), Number(env.IMAGE_ID)];
const [clickX, clickY] = [Number(env.CLICK_X), Number(env.CLICK_Y)];
const [width, height] = [Number(env.IMAGE_WIDTH), Number(env.IMAGE_HEIGHT)];

const browser = await launch(env);
const result = { pageErrors: [], steps: {}, changed: {} };
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on("pageerror", (error) => result.pageErrors.push(String(error)));
  page.on("console", (m) => { if (m.type() === "error") result.pageErrors.push(m.text()); });

  await logIn(page, base, env.LOGIN_USER, env.LOGIN_PASSWORD);
  await page.goto(`${base}/projects/${projectId}/images/${imageId}/annotate/`);
  await page.waitForFunction(() => /^ready/.test(document.getElementById("status").textContent),
    null, { timeout: 20000 });
  result.engineNote = await page.locator("body").textContent();

  const { snap, differing } = canvasSnapshots(page);
  // The steps line names the proposal on show: "step 1/1 · mask 2 of 3 (Tab: next)".
  const waitSteps = async (pattern, name) => {
    await page.waitForFunction((source) => new RegExp(source).test(document.getElementById("steps").textContent),
      pattern.source, { timeout: 20000 });
    await page.waitForFunction(() => !/computing/.test(document.getElementById("status").textContent),
      null, { timeout: 20000 });
    result.steps[name] = await page.locator("#steps").textContent();
    await snap(name);
  };

  const target = await toPage(page, clickX, clickY, width, height);
  await snap("before");
  await page.mouse.click(target.x, target.y);
  await waitSteps(/mask 1 of 3/, "first");
  result.changed.byClick = await differing("before", "first");
  await page.keyboard.press("Tab");
  await waitSteps(/mask 2 of 3/, "second");
  result.changed.firstToSecond = await differing("first", "second");
  await page.keyboard.press("Tab");
  await waitSteps(/mask 3 of 3/, "third");
  result.changed.secondToThird = await differing("second", "third");
  await page.keyboard.press("Tab");
  await waitSteps(/mask 1 of 3/, "backToFirst");
  result.changed.backToFirst = await differing("first", "backToFirst");
  await page.keyboard.press("Tab");
  await waitSteps(/mask 2 of 3/, "chosen");
  result.changed.chosenToSecond = await differing("second", "chosen");
  Object.assign(result, await saveAndList(page, projectId, imageId));
} catch (error) {
  result.failure = String(error && error.stack ? error.stack : error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
