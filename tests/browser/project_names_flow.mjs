// The project page with very long file names: in the image list, for each row, where the name's
// cell and its neighbours are, whether the name is cut short, and its tooltip; the same for the
// list of work; screenshots at 1280×720. Prints what it saw as JSON on the last line
// (test_project_image_names.py makes and checks).
import { logIn, runPageFlow } from "./pages.mjs";

const env = process.env;
const result = {};

await runPageFlow(env, result, async (page) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await logIn(page, env.BASE_URL, env.LOGIN_USER, env.LOGIN_PASSWORD);
  await page.goto(`${env.BASE_URL}/projects/${env.PROJECT_ID}/`);
  await page.waitForSelector("td.name a");
  result.rows = await page.locator("td.name").evaluateAll((cells) => cells.map((cell) => {
    const box = (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
    const link = cell.querySelector("a");
    return {
      cell: box(cell),
      before: box(cell.previousElementSibling),
      after: box(cell.nextElementSibling),
      clipped: cell.scrollWidth > cell.clientWidth,
      ellipsis: getComputedStyle(cell).textOverflow,
      title: link.title,
      text: link.textContent,
    };
  }));
  // The lists of work and of images to review: each name inside its list.
  result.listed = await page.locator(".work-list li > a").evaluateAll((links) => links.map((a) => {
    const list = a.closest("ol").getBoundingClientRect();
    const r = a.getBoundingClientRect();
    const after = a.nextElementSibling?.getBoundingClientRect();
    return {
      title: a.title, text: a.textContent, clipped: a.scrollWidth > a.clientWidth, inside: r.right <= list.right,
      afterInside: !after || (after.left >= r.right && after.right <= list.right),
    };
  }));
  result.pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: env.SCREENSHOT });
  await page.locator("td.name").first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: env.IMAGES_SCREENSHOT });
});
