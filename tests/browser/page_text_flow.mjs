// Open one page (PAGE_PATH) as the user, wait until SELECTOR is on it, and print the text of
// every element it matches as JSON on the last line.
import { logIn, runPageFlow } from "./pages.mjs";

const env = process.env;
const result = {};

await runPageFlow(env, result, async (page) => {
  await logIn(page, env.BASE_URL, env.LOGIN_USER, env.LOGIN_PASSWORD);
  await page.goto(`${env.BASE_URL}${env.PAGE_PATH}`);
  await page.waitForSelector(env.SELECTOR, { timeout: 15000 });
  result.texts = await page.$$eval(env.SELECTOR, (nodes) => nodes.map((n) => n.textContent));
});
