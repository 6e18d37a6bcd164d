// A small team run from the browser alone: the admin hands work out through an invitation and
// the image list; the newcomer joins, finds their work, annotates and moves on; the admin
// sees it. Prints what each of them saw as JSON on the last line of stdout
// (test_team_flow.py makes the data and checks it).
import { canvasSnapshots, launch, logIn, toPage } from "./pages.mjs";

const env = process.env;
const base = env.BASE_URL;
const projectId = Number(env.PROJECT_ID);
const assignIds = env.ASSIGN_IDS.split(",").map(Number);
const [clickX, clickY] = [Number(env.CLICK_X), Number(env.CLICK_Y)];
const [width, height] = [Number(env.IMAGE_WIDTH), Number(env.IMAGE_HEIGHT)];
const statusText = (page) => page.locator("#status").textContent();
const workSummary = async (page) => {
  await page.waitForFunction(() => document.getElementById("work-summary").textContent !== "Loading…");
  return page.locator("#work-summary").textContent();
};
const counts = (page) => page.evaluate(() => Object.fromEntries([...document.querySelectorAll(".status-filter")]
  .map((b) => [b.dataset.status, Number(b.querySelector(".count").textContent)])));

async function newPage(browser, result, who) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.on("pageerror", (error) => result.pageErrors.push(`${who}: ${error}`));
  page.on("console", (m) => { if (m.type() === "error") result.pageErrors.push(`${who}: ${m.text()}`); });
  page.on("dialog", (dialog) => dialog.accept());
  return page;
}

const browser = await launch(env);
const result = { pageErrors: [] };
try {
  const admin = await newPage(browser, result, "admin");
  await logIn(admin, base, env.LOGIN_USER, env.LOGIN_PASSWORD);

  // Hand images out by assignment (the settings page), then invite someone.
  await admin.goto(`${base}/projects/${projectId}/settings/`);
  await admin.check("input[name=assignment][value=assigned]");
  await admin.click("#settings-form button[type=submit]");
  await admin.waitForFunction(() => document.getElementById("settings-status").textContent === "saved");
  await admin.goto(`${base}/projects/${projectId}/members/`);
  await admin.selectOption("#invite-form select[name=role]", "annotator");
  await admin.click("#invite-form button[type=submit]");
  await admin.waitForFunction(() => document.getElementById("invite-link").value.includes("/invite/"));
  result.inviteLink = await admin.inputValue("#invite-link");

  // The newcomer opens the link and joins with a username and a password of their own.
  const newcomer = await newPage(browser, result, "newcomer");
  await newcomer.goto(result.inviteLink);
  result.invitationPage = await newcomer.locator("#invitation-page p").first().textContent();
  await newcomer.fill("input[name=username]", env.NEW_USER);
  await newcomer.fill("input[name=password]", env.NEW_PASSWORD);
  await newcomer.fill("input[name=password_again]", env.NEW_PASSWORD);
  await Promise.all([newcomer.waitForURL(`${base}/projects/${projectId}/`), newcomer.click("button[type=submit]")]);
  result.workBefore = await workSummary(newcomer);

  // The admin gives them five images, chosen in the image list.
  await admin.goto(`${base}/projects/${projectId}/`);
  await admin.waitForSelector("#image-table tbody tr[data-image-id]");
  result.countsBefore = await counts(admin);
  result.adminWork = [await workSummary(admin), await admin.locator("#work-start").isVisible()];
  for (const id of assignIds) await admin.check(`tr[data-image-id="${id}"] input.select`);
  result.selection = await admin.locator("#selection-count").textContent();
  const member = await admin.locator("#member-select option", { hasText: env.NEW_USER }).getAttribute("value");
  await admin.selectOption("#member-select", member);
  await admin.click("#assign-selected");
  await admin.waitForFunction(() => /assigned to/.test(document.getElementById("bulk-status").textContent));
  result.assigned = await admin.locator("#bulk-status").textContent();

  // The newcomer logs in again later and finds exactly those five in My work.
  await newcomer.context().clearCookies();
  await logIn(newcomer, base, env.NEW_USER, env.NEW_PASSWORD);
  await newcomer.goto(`${base}/projects/${projectId}/`);
  await newcomer.waitForFunction(() => document.querySelectorAll("#work-list li a").length > 0);
  result.myWork = await newcomer.locator("#work-list li a").allTextContents();
  result.myWorkLinks = await newcomer.locator("#work-list li a").evaluateAll((links) => links.map((a) => a.pathname));
  result.listedImages = await newcomer.locator("#image-table tbody tr[data-image-id]").evaluateAll(
    (rows) => rows.map((row) => Number(row.dataset.imageId)));
  await newcomer.screenshot({ path: env.SCREENSHOT_WORK });

  // They annotate the first image, say it is done, and move to the next.
  await Promise.all([newcomer.waitForURL(/\/annotate\/$/), newcomer.click("#work-start")]);
  result.firstUrl = new URL(newcomer.url()).pathname;
  await newcomer.waitForFunction(() => /^ready/.test(document.getElementById("status").textContent), null, { timeout: 20000 });
  const target = await toPage(newcomer, clickX, clickY, width, height);
  result.scale = target.scale;
  await newcomer.mouse.click(target.x, target.y);
  await newcomer.waitForFunction(() => /^click: \d+ ms/.test(document.getElementById("status").textContent), null, { timeout: 20000 });
  await newcomer.keyboard.press("Enter");
  await newcomer.waitForFunction(() => /saved annotation #\d+/.test(document.getElementById("saved").textContent), null, { timeout: 20000 });
  result.statusAfterSave = await newcomer.locator("#image-status").textContent();
  await newcomer.screenshot({ path: env.SCREENSHOT_ANNOTATE });
  // A slip: the object is deleted with the tool, and Ctrl+Z brings it back. The pointer rests on
  // the object for both snapshots, so it is highlighted in both.
  const { snap, differing } = canvasSnapshots(newcomer);
  await newcomer.mouse.move(target.x + 1, target.y);
  await newcomer.mouse.move(target.x, target.y);
  await snap("saved");
  await newcomer.keyboard.press("x");
  await newcomer.mouse.click(target.x, target.y);
  await newcomer.waitForFunction(() => /^deleted annotation #\d+/.test(document.getElementById("saved").textContent));
  await snap("deleted");
  result.changedByDelete = await differing("saved", "deleted");
  await newcomer.keyboard.press("Control+z");
  await newcomer.waitForFunction(() => /is back$/.test(document.getElementById("saved").textContent));
  await snap("back");
  result.changedByUndoDelete = await differing("saved", "back");
  await newcomer.keyboard.press("c");
  await Promise.all([newcomer.waitForURL((url) => url.pathname !== result.firstUrl), newcomer.keyboard.press("Shift+Enter")]);
  result.nextUrl = new URL(newcomer.url()).pathname;
  await newcomer.waitForFunction(() => /^ready/.test(document.getElementById("status").textContent), null, { timeout: 20000 });
  result.nextStatus = await statusText(newcomer);

  // The admin's project page shows the counts moved.
  await admin.reload();
  await admin.waitForSelector(".status-filter");
  result.countsAfter = await counts(admin);
  result.assigneeRows = await admin.locator("#assignee-table tbody tr").evaluateAll(
    (rows) => rows.map((row) => [...row.cells].map((cell) => cell.textContent)));
  await admin.screenshot({ path: env.SCREENSHOT_ADMIN, fullPage: true });

  // The admin reviews the finished image from the list: accepted.
  await admin.click(`tr[data-image-id="${env.FIRST_ID}"] button[data-verdict=accepted]`);
  await admin.waitForFunction(() => / accepted\.$/.test(document.getElementById("bulk-status").textContent));
  await admin.waitForFunction(() => document.querySelector('.status-filter[data-status="accepted"] .count').textContent === "1");
  result.countsReviewed = await counts(admin);
} catch (error) {
  result.failure = String(error && error.stack ? error.stack : error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
