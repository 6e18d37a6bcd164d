// The annotation page at several window sizes: for each, where the toolbar's controls, the
// canvas, the status line and the `?` list of shortcuts are, with screenshots at 1280×720.
// Prints what it saw as JSON on the last line (test_annotate_layout.py makes and checks).
import { logIn, runPageFlow } from "./pages.mjs";

const env = process.env;
const result = { sizes: [] };
const SIZES = [[1024, 768], [1280, 720], [1920, 1080]];

await runPageFlow(env, result, async (page) => {
  await logIn(page, env.BASE_URL, env.LOGIN_USER, env.LOGIN_PASSWORD);
  for (const [width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    await page.goto(`${env.BASE_URL}/projects/${env.PROJECT_ID}/images/${env.IMAGE_ID}/annotate/`);
    await page.waitForFunction(() => /^ready/.test(document.getElementById("status").textContent),
      null, { timeout: 20000 });
    const seen = await page.evaluate(() => {
      const box = (e) => {
        const r = e.getBoundingClientRect();
        return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      };
      const controls = [...document.querySelectorAll(".toolbar button, .toolbar select, .toolbar input")]
        .filter((e) => !e.hidden)
        .map((e) => ({ name: e.id || e.dataset.tool || e.textContent.trim(), ...box(e) }));
      return {
        controls,
        status: box(document.getElementById("status")),
        statusbar: box(document.querySelector(".statusbar")),
        stage: box(document.getElementById("stage")),
        scrollHeight: document.documentElement.scrollHeight,
      };
    });
    await page.keyboard.press("?");
    seen.help = await page.evaluate(() => {
      const r = document.querySelector("#shortcuts .card").getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    });
    if (width === 1280) await page.screenshot({ path: env.HELP_SCREENSHOT });
    await page.keyboard.press("Escape");
    result.sizes.push({ width, height, ...seen });
    if (width === 1280) await page.screenshot({ path: env.SCREENSHOT });
  }
});
