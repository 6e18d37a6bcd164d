// The annotation page's keyboard: a shortcut right after choosing a class in the drop-down with
// the mouse, Enter saving after that choice, the `?` overlay, number keys choosing classes, and
// the class at the next image, unpinned then pinned. Prints what it saw as JSON on the last line
// (test_annotate_keyboard.py makes and checks).
import { logIn, runPageFlow, toPage } from "./pages.mjs";

const env = process.env;
const result = {};
const open = async (page, imageId) => {
  await page.goto(`${env.BASE_URL}/projects/${env.PROJECT_ID}/images/${imageId}/annotate/`);
  await page.waitForFunction(() => /^ready/.test(document.getElementById("status").textContent),
    null, { timeout: 20000 });
};
// The drop-down chosen with the mouse: a press on it (which focuses it), then the choice.
const chooseWithMouse = async (page, value) => {
  await page.click("#class-select");
  await page.selectOption("#class-select", value);
};
const chosen = (page) => page.evaluate(() => ({
  value: document.getElementById("class-select").value,
  chip: document.getElementById("class-chip")?.textContent ?? null,
}));
const pressedTool = (page) => page.$eval(".tool[aria-pressed=true]", (b) => b.dataset.tool);

await runPageFlow(env, result, async (page) => {
  const [first, second] = env.IMAGE_IDS.split(",");
  const classes = env.CLASS_IDS.split(",");
  await logIn(page, env.BASE_URL, env.LOGIN_USER, env.LOGIN_PASSWORD);
  await open(page, first);
  result.opened = await chosen(page);

  await chooseWithMouse(page, classes[1]);
  await page.keyboard.press("b");
  result.toolAfterChoice = await pressedTool(page);
  await page.keyboard.press("c");

  const target = await toPage(page, Number(env.CLICK_X), Number(env.CLICK_Y), Number(env.IMAGE_WIDTH), Number(env.IMAGE_HEIGHT));
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction(() => /^click: \d+ ms/.test(document.getElementById("status").textContent),
    null, { timeout: 20000 });
  await chooseWithMouse(page, classes[2]);
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /saved annotation #\d+/.test(document.getElementById("saved").textContent),
    null, { timeout: 20000 });
  result.saved = await page.locator("#saved").textContent();

  await page.keyboard.press("?");
  result.overlay = await page.evaluate(() => ({
    visible: !document.getElementById("shortcuts").hidden,
    rows: [...document.querySelectorAll("#shortcut-list tr")]
      .map((r) => [r.querySelector("th").textContent, r.querySelector("td").textContent]),
  }));
  await page.keyboard.press("b"); // ignored while the list is open
  result.toolWhileOverlay = await pressedTool(page);
  await page.keyboard.press("Escape");
  result.overlayAfterEsc = await page.evaluate(() => !document.getElementById("shortcuts").hidden);
  await page.keyboard.press("?");
  await page.keyboard.press("?");
  result.overlayAfterTwice = await page.evaluate(() => !document.getElementById("shortcuts").hidden);

  await page.keyboard.press("2");
  result.byTwo = await chosen(page);
  await page.keyboard.press("1");
  result.byOne = await chosen(page);
  await page.keyboard.press("3");
  result.byThree = await chosen(page);

  await open(page, second);
  result.nextImage = await chosen(page);

  await page.click("#pin-class");
  await page.keyboard.press("2");
  await open(page, first);
  result.pinnedNextImage = await chosen(page);
  result.pinPressed = await page.getAttribute("#pin-class", "aria-pressed");
  await page.screenshot({ path: env.SCREENSHOT });
});
