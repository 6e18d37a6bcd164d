// The project's engine and pipeline changed on its settings page, through the form, then the
// annotation page opened: what it says it uses. Prints what it saw as JSON on the last line
// (test_settings_used_by_annotate.py makes and checks).
import { logIn, runPageFlow } from "./pages.mjs";

const env = process.env;
const result = {};
const labels = (page) => page.evaluate(() => ({
  engine: document.getElementById("engine").textContent.trim(),
  pipeline: document.getElementById("pipeline").textContent.trim(),
  status: document.getElementById("status").textContent,
}));
const annotate = async (page) => {
  await page.goto(`${env.BASE_URL}/projects/${env.PROJECT_ID}/images/${env.IMAGE_ID}/annotate/`);
  await page.waitForFunction(() => /^ready/.test(document.getElementById("status").textContent), null, { timeout: 20000 });
  return labels(page);
};

await runPageFlow(env, result, async (page) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await logIn(page, env.BASE_URL, env.LOGIN_USER, env.LOGIN_PASSWORD);
  result.before = await annotate(page);

  await page.goto(`${env.BASE_URL}/projects/${env.PROJECT_ID}/settings/`);
  const form = page.locator("#settings-form");
  result.engine = await form.locator("select[name=engine] option").evaluateAll(
    (options) => options.map((o) => o.value).find((v) => v !== "grabcut"));
  await form.locator("select[name=engine]").selectOption(result.engine);
  await form.locator("select[name=pipeline]").selectOption(env.PIPELINE);
  await form.locator("button[type=submit]").click();
  await page.waitForFunction(() => document.getElementById("settings-status").textContent === "saved", null, { timeout: 10000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: env.SCREENSHOT });

  result.after = await annotate(page);
});
