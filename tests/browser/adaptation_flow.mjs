// Drives the adaptation page in headless Chromium as a manager would and prints what it saw
// as JSON on the last line of stdout (test_adaptation_page.py makes the data and checks).
import { launch, logIn } from "./pages.mjs";

const env = process.env;
const base = env.BASE_URL;
const projectId = Number(env.PROJECT_ID);

const browser = await launch(env);
const result = { pageErrors: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on("pageerror", (error) => result.pageErrors.push(String(error)));
  page.on("console", (m) => {
    // The refused comparison answers 400: expected, and shown on the page.
    if (m.type() === "error" && !/status of 400/.test(m.text())) result.pageErrors.push(m.text());
  });
  page.on("dialog", (dialog) => dialog.accept());

  await logIn(page, base, env.LOGIN_USER, env.LOGIN_PASSWORD);

  await page.goto(`${base}/projects/${projectId}/`);
  await Promise.all([page.waitForURL(`${base}/projects/${projectId}/adaptation/`), page.click("#adaptation-link")]);
  const card = page.locator("section[data-class]").first();
  await card.waitFor({ timeout: 20000 });
  result.engineNote = await page.locator("#adaptation-engine").textContent();
  result.summaryBefore = await card.locator("p.muted").first().textContent();
  result.versionsBefore = await card.locator("table.versions:not(.replay) tr").count();

  // A stored replay check is shown side by side, better and worse marked.
  const replay = card.locator("table.replay").first();
  result.replayRows = await replay.locator("tr").allTextContents();
  result.betterCells = await replay.locator("td.better").count();
  result.worseCells = await replay.locator("td.worse").count();

  // The project's variant.
  await page.selectOption("#variant-form select[name=click]", "continual");
  await page.fill("#variant-form input[name=lr]", "0.00001");
  await page.click("#variant-form button[type=submit]");
  await page.waitForFunction(() => document.getElementById("variant-status").textContent === "Saved.", null,
    { timeout: 20000 });

  // Roll back to version 1.
  await card.locator("button.rollback[data-version='1']").click();
  await page.waitForFunction(() => /Version 4/.test(document.querySelector("section[data-class] p.muted").textContent),
    null, { timeout: 20000 });
  result.summaryAfterRollback = await page.locator("section[data-class] p.muted").first().textContent();

  // Compare with a version: this project runs GrabCut, so the check is refused, and the page says why.
  await page.locator("section[data-class] button.compare").first().click();
  await page.waitForFunction(() => document.querySelector("section[data-class] p.error").textContent !== "", null,
    { timeout: 20000 });
  result.compareError = await page.locator("section[data-class] p.error").textContent();

  // Switch the class off.
  await page.locator("section[data-class] button.switch").click();
  await page.waitForFunction(() => /switched off/.test(document.querySelector("section[data-class] .state").textContent),
    null, { timeout: 20000 });
  result.stateAfterSwitch = await page.locator("section[data-class] .state").textContent();
  await page.screenshot({ path: env.SCREENSHOT || "/tmp/maskloop-adaptation.png", fullPage: true });
} catch (error) {
  result.failure = String(error && error.stack ? error.stack : error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
