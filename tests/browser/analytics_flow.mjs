// The analytics page as a manager and as an annotator use it: every plot draws, the tables
// fill, a class filter changes the numbers; the annotator sees their own figures only.
// Prints what it saw as JSON on the last line (test_analytics_page.py makes and checks).
import { logIn, runPageFlow } from "./pages.mjs";

const env = process.env;
const result = {};

async function loaded(page, after = 0) {
  await page.waitForFunction((t) => Number(document.getElementById("analytics-page").dataset.loaded || 0) > t, after, { timeout: 20000 });
  return page.evaluate(() => Number(document.getElementById("analytics-page").dataset.loaded));
}

// How many pixels of each canvas are painted (not transparent).
function painted(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll("canvas")].map((c) => {
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
    return [c.id, n];
  })));
}

const seen = (page) => page.evaluate(() => ({
  objects: document.querySelector("#headline .figure .value").textContent,
  classRows: [...document.querySelectorAll("#table-classes tbody tr")].map((r) => [...r.cells].map((c) => c.textContent)),
  annotatorRows: [...document.querySelectorAll("#table-annotators tbody tr")].map((r) => r.cells[0].textContent),
  trends: [...document.querySelectorAll("#learning .trend")].map((p) => p.textContent),
}));

await runPageFlow(env, result, async (page) => {
  await logIn(page, env.BASE_URL, env.LOGIN_USER, env.LOGIN_PASSWORD);
  await page.goto(`${env.BASE_URL}/projects/${env.PROJECT_ID}/analytics/`);
  let at = await loaded(page);
  result.painted = await painted(page);
  result.before = await seen(page);
  // Sorting by NoC mean puts the class with the most clicks first.
  await page.click("#table-classes th button[data-key=noc_mean]");
  result.sortedFirst = await page.locator("#table-classes tbody tr td").first().textContent();
  await page.selectOption("#analytics-filters select[name=class]", env.FEW_CLICKS_CLASS);
  await page.click("#analytics-filters button[type=submit]");
  at = await loaded(page, at);
  result.filtered = await seen(page);
  result.address = page.url();
  await page.screenshot({ path: env.SCREENSHOT, fullPage: true });
  await page.context().clearCookies();
  await logIn(page, env.BASE_URL, env.ANNOTATOR, env.LOGIN_PASSWORD);
  await page.goto(`${env.BASE_URL}/projects/${env.PROJECT_ID}/analytics/`);
  await loaded(page);
  result.own = await seen(page);
  result.ownNote = await page.locator("#analytics-page .muted").first().textContent();
  result.annotatorSection = await page.locator("#table-annotators").count();
});
