// The review loop in two browsers: the reviewer rejects an object with a comment pinned on the
// image and accepts the other; the annotator finds the image first in their work with the pin
// on the canvas, corrects the rejected object and says it is done; the reviewer sees only that
// object as changed, shows what it was, accepts it, and the image is accepted. Prints what each
// saw as JSON on the last line of stdout (test_review_flow.py makes the data and checks it).
import { launch, logIn, toPage } from "./pages.mjs";

const env = process.env;
const base = env.BASE_URL;
const projectId = Number(env.PROJECT_ID);
const imageId = Number(env.IMAGE_ID);
const [width, height] = [Number(env.IMAGE_WIDTH), Number(env.IMAGE_HEIGHT)];
const [goodId, badId] = [Number(env.GOOD_ID), Number(env.BAD_ID)];
const [pinX, pinY] = [Number(env.PIN_X), Number(env.PIN_Y)];
const annotateUrl = `${base}/projects/${projectId}/images/${imageId}/annotate/`;

async function newPage(browser, result, who) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.on("pageerror", (error) => result.pageErrors.push(`${who}: ${error}`));
  page.on("console", (m) => { if (m.type() === "error") result.pageErrors.push(`${who}: ${m.text()}`); });
  return page;
}

const ready = (page) => page.waitForFunction(() => /^ready/.test(document.getElementById("status").textContent), null, { timeout: 20000 });
const rows = (page) => page.locator("#object-panel li.object").evaluateAll((items) => items.map((li) => ({
  id: Number(li.dataset.id), state: li.dataset.state, text: li.textContent,
})));
const savedSays = (page, pattern) => page.waitForFunction((source) => new RegExp(source).test(document.getElementById("saved").textContent), pattern.source, { timeout: 20000 });
const select = (page, id) => page.click(`#object-panel li.object[data-id="${id}"] .title`);

// Canvas pixels of one colour family, counted in the page.
function countPixels(page, kind) {
  return page.evaluate((which) => {
    const c = document.getElementById("canvas");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
      if (which === "magenta" ? r > 200 && g < 90 && b > 150 : r > 220 && g > 130 && g < 180 && b < 60) n += 1;
    }
    return n;
  }, kind);
}

const browser = await launch(env);
const result = { pageErrors: [] };
try {
  const reviewer = await newPage(browser, result, "reviewer");
  await logIn(reviewer, base, env.REVIEWER, env.PASSWORD);
  await reviewer.goto(`${base}/projects/${projectId}/`);
  await reviewer.waitForSelector("#review-list li a");
  result.reviewQueue = await reviewer.locator("#review-list li a").allTextContents();
  await reviewer.goto(annotateUrl);
  await ready(reviewer);
  await reviewer.waitForSelector("#object-panel li.object");
  result.firstRows = await rows(reviewer);

  // Reject one object with a comment pinned on the image, accept the other, finish.
  await select(reviewer, badId);
  const rejecting = reviewer.locator(`#object-panel li.object[data-id="${badId}"]`);
  await rejecting.locator(".verdict input[type=text]").fill("misses the top");
  await rejecting.locator(".verdict input[type=checkbox]").check();
  await rejecting.locator("button[data-verdict=rejected]").click();
  await reviewer.waitForFunction(() => /where the comment belongs/.test(document.getElementById("status").textContent));
  const pin = await toPage(reviewer, pinX, pinY, width, height);
  await reviewer.mouse.click(pin.x, pin.y);
  await savedSays(reviewer, new RegExp(`#${badId} rejected`));
  await select(reviewer, goodId);
  await reviewer.locator(`#object-panel li.object[data-id="${goodId}"] button[data-verdict=accepted]`).click();
  await savedSays(reviewer, new RegExp(`#${goodId} accepted`));
  result.pinPixelsReviewer = await countPixels(reviewer, "pin");
  await reviewer.click("#finish-review");
  await savedSays(reviewer, /back to the annotator for fixes/);
  result.statusAfterReview = await reviewer.locator("#image-status").textContent();

  // The annotator: first in My work, the pin on the canvas, the comment in the list.
  const annotator = await newPage(browser, result, "annotator");
  await logIn(annotator, base, env.ANNOTATOR, env.PASSWORD);
  await annotator.goto(`${base}/projects/${projectId}/`);
  await annotator.waitForSelector("#work-list li a");
  result.myWork = await annotator.locator("#work-list li a").evaluateAll((links) => links.map((a) => a.pathname));
  await Promise.all([annotator.waitForURL(annotateUrl), annotator.click("#work-start")]);
  await ready(annotator);
  await annotator.waitForSelector("#object-panel .comments li");
  result.comments = await annotator.locator("#object-panel .comments li").allTextContents();
  result.pinPixelsAnnotator = await countPixels(annotator, "pin");
  await annotator.screenshot({ path: env.SCREENSHOT_ANNOTATOR });

  // Correct the rejected object from the list: a brush stroke across its top, accept.
  await select(annotator, badId);
  await annotator.click(`#object-panel li.object[data-id="${badId}"] .object-tools button:text("Correct")`);
  await annotator.waitForFunction(() => !document.getElementById("cancel").hidden, null, { timeout: 20000 });
  await annotator.keyboard.press("p");
  const [from, to] = [await toPage(annotator, Number(env.FIX_X0), Number(env.FIX_Y), width, height),
    await toPage(annotator, Number(env.FIX_X1), Number(env.FIX_Y), width, height)];
  await annotator.mouse.move(from.x, from.y);
  await annotator.mouse.down();
  await annotator.mouse.move(to.x, to.y, { steps: 8 });
  await annotator.mouse.up();
  await annotator.waitForFunction(() => /^brush: \d+ ms/.test(document.getElementById("status").textContent), null, { timeout: 20000 });
  await annotator.keyboard.press("Enter");
  await savedSays(annotator, new RegExp(`saved annotation #${badId} `));
  await annotator.keyboard.press("Shift+Enter");
  await annotator.waitForFunction(() => /done|in progress/.test(document.getElementById("image-status").textContent), null, { timeout: 20000 });
  await annotator.waitForTimeout(500);

  // The reviewer again: only what changed, what it was, accepted, finished.
  await reviewer.goto(annotateUrl);
  await ready(reviewer);
  await reviewer.waitForSelector("#only-changed");
  await reviewer.check("#only-changed");
  result.changedRows = await rows(reviewer);
  await select(reviewer, badId);
  const magentaBefore = await countPixels(reviewer, "magenta");
  await reviewer.click(`#object-panel li.object[data-id="${badId}"] .object-tools button:text("Show rev 1")`);
  result.magentaShown = (await countPixels(reviewer, "magenta")) - magentaBefore;
  await reviewer.screenshot({ path: env.SCREENSHOT_REVIEWER });
  await reviewer.locator(`#object-panel li.object[data-id="${badId}"] button[data-verdict=accepted]`).click();
  await savedSays(reviewer, new RegExp(`#${badId} accepted`));
  await reviewer.click("#finish-review");
  await savedSays(reviewer, /the image is accepted/);
  result.finalStatus = await reviewer.locator("#image-status").textContent();
  result.reviewRounds = await reviewer.locator("#object-panel .rounds li").allTextContents();
} catch (error) {
  result.failure = String(error && error.stack ? error.stack : error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
