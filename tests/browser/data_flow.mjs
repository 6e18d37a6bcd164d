// The data page as an admin uses it: import a COCO zip, export the project as COCO, download
// the zip, then export only an image selected on the project page. Prints what it saw as JSON on the last line (test_data_page.py makes and checks).
import { readFileSync } from "node:fs";
import { logIn, runPageFlow } from "./pages.mjs";

const env = process.env;
const result = {};
await runPageFlow(env, result, async (page) => {
  await logIn(page, env.BASE_URL, env.LOGIN_USER, env.LOGIN_PASSWORD);
  await page.goto(`${env.BASE_URL}/projects/${env.PROJECT_ID}/data/`);
  await page.selectOption("#import-form select[name=format]", "coco");
  await page.setInputFiles("#import-form input[name=file]", env.IMPORT_ZIP);
  await page.click("#import-form button[type=submit]");
  const imported = page.locator("#import-table tbody tr").first();
  await page.waitForFunction(() => /images added/.test(document.querySelector("#import-table tbody tr .report")?.textContent || ""), null, { timeout: 30000 });
  result.importReport = await imported.locator(".report").textContent();
  await page.selectOption("#export-form select[name=format]", "coco");
  await page.click("#export-form button[type=submit]");
  await page.waitForSelector("#export-table tbody tr a.button", { timeout: 30000 });
  result.exportReport = await page.locator("#export-table tbody tr .report").first().textContent();
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-table tbody tr a.button")]);
  const path = `${env.DOWNLOAD_DIR}/export.zip`;
  await download.saveAs(path);
  result.downloaded = readFileSync(path).length;
  result.suggestedName = download.suggestedFilename();
  // Export only the image ticked on the project page.
  await page.goto(`${env.BASE_URL}/projects/${env.PROJECT_ID}/`);
  await page.locator("#image-table tbody input.select").first().check();
  await Promise.all([page.waitForURL(/\/data\/\?selected=1$/), page.click("#export-selected")]);
  result.chosenNote = await page.locator("#export-chosen").textContent();
  await page.selectOption("#export-form select[name=format]", "coco");
  await page.click("#export-form button[type=submit]");
  await page.waitForFunction(() => document.querySelectorAll("#export-table tbody tr a.button").length === 2, null, { timeout: 30000 });
  result.chosenReport = await page.locator("#export-table tbody tr .report").first().textContent();
});
