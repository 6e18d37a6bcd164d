// An admin edits the project's classes from the project page: renames one (click its name,
// type, Enter), recolours it, and moves another first. Prints what the page shows after each
// step as JSON on the last line (test_class_edits_page.py makes and checks).
import { logIn, runPageFlow } from "./pages.mjs";

const env = process.env;
const result = {};
const chips = (page) => page.$$eval("#class-list li", (items) => items.map((li) => ({
  name: li.querySelector(".chip-name")?.textContent, colour: li.querySelector(".chip-colour")?.value,
})));
const settled = (page, check) => page.waitForFunction(check, null, { timeout: 10000 });

await runPageFlow(env, result, async (page) => {
  await logIn(page, env.BASE_URL, env.LOGIN_USER, env.LOGIN_PASSWORD);
  await page.goto(`${env.BASE_URL}/projects/${env.PROJECT_ID}/`);
  await settled(page, () => document.querySelectorAll("#class-list .chip-name").length === 2);
  result.before = await chips(page);
  await page.click("#class-list li:first-child .chip-name");
  await page.fill("#class-list .chip-rename", "automobile");
  await page.keyboard.press("Enter");
  await settled(page, () => document.querySelector("#class-list li:first-child .chip-name")?.textContent === "automobile");
  await page.$eval("#class-list li:first-child .chip-colour", (input) => {
    input.value = "#00ff88";
    input.dispatchEvent(new Event("change"));
  });
  await settled(page, () => document.querySelector("#class-list li:first-child .chip-colour")?.value === "#00ff88");
  await page.click("#class-list li:nth-child(2) button[title='Move earlier']");
  await settled(page, () => document.querySelector("#class-list li:first-child .chip-name")?.textContent !== "automobile");
  result.after = await chips(page);
});
