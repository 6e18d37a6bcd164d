// The annotation page's display of saved objects, on an image with two touching objects of one
// class: canvas pixels along their shared border and inside each, the canvas against the bare
// image with the objects hidden (H), the tint's opacity, the highlight under the cursor, colour
// by object, and the choices kept after a reload. Prints what it saw as JSON on the last line
// (test_annotate_display.py makes and checks).
import { logIn, runPageFlow, toPage } from "./pages.mjs";

const env = process.env;
const result = {};
const W = Number(env.IMAGE_WIDTH);
const H = Number(env.IMAGE_HEIGHT);
const ROWS = env.ROWS.split(",").map(Number);
const [BORDER_A, BORDER_B, INSIDE_A, INSIDE_B] = env.COLUMNS.split(",").map(Number);

// The canvas's colour at the centre of image pixel (x, y) for each point, in the fitted view.
const colours = (page, points) => page.evaluate(([pts, w, h]) => {
  const c = document.getElementById("canvas");
  const scale = Math.min(c.width / w, c.height / h);
  const tx = (c.width - w * scale) / 2;
  const ty = (c.height - h * scale) / 2;
  const ctx = c.getContext("2d");
  return pts.map(([x, y]) => [...ctx.getImageData(Math.floor(tx + (x + 0.5) * scale), Math.floor(ty + (y + 0.5) * scale), 1, 1).data.slice(0, 3)]);
}, [points, W, H]);

const sample = async (page) => {
  const at = (x) => colours(page, ROWS.map((y) => [x, y]));
  return { borderA: await at(BORDER_A), borderB: await at(BORDER_B), insideA: await at(INSIDE_A), insideB: await at(INSIDE_B) };
};

// How many canvas pixels differ from the image alone, drawn as the page draws it when fitted.
const differingFromBareImage = (page) => page.evaluate(async (url) => {
  const c = document.getElementById("canvas");
  const image = new Image();
  image.src = url;
  await image.decode();
  const bare = document.createElement("canvas");
  bare.width = c.width;
  bare.height = c.height;
  const ctx = bare.getContext("2d");
  const scale = Math.min(c.width / image.naturalWidth, c.height / image.naturalHeight);
  ctx.setTransform(scale, 0, 0, scale, (c.width - image.naturalWidth * scale) / 2, (c.height - image.naturalHeight * scale) / 2);
  ctx.imageSmoothingEnabled = scale < 2;
  ctx.drawImage(image, 0, 0);
  const p = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  const q = ctx.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < p.length; i += 4) if (p[i] !== q[i] || p[i + 1] !== q[i + 1] || p[i + 2] !== q[i + 2] || p[i + 3] !== q[i + 3]) n += 1;
  return n;
}, `/api/images/${env.IMAGE_ID}/file/`);

const settings = (page) => page.evaluate(() => ({
  shown: document.getElementById("show-saved").checked,
  colourBy: document.getElementById("colour-by").value,
  opacity: document.getElementById("tint-opacity").value,
}));

const open = async (page) => {
  await page.goto(`${env.BASE_URL}/projects/${env.PROJECT_ID}/images/${env.IMAGE_ID}/annotate/`);
  await page.waitForFunction(() => /^ready/.test(document.getElementById("status").textContent), null, { timeout: 20000 });
  await page.waitForFunction(() => document.querySelectorAll("#object-list li.object").length === 2, null, { timeout: 20000 });
  await page.mouse.move(5, 5); // off the canvas: nothing highlighted
};

await runPageFlow(env, result, async (page) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await logIn(page, env.BASE_URL, env.LOGIN_USER, env.LOGIN_PASSWORD);
  await open(page);
  result.initial = await settings(page);
  result.shown = await sample(page);
  result.shownDiffering = await differingFromBareImage(page);
  await page.screenshot({ path: env.SCREENSHOT });

  await page.keyboard.press("h");
  result.hiddenSettings = await settings(page);
  result.hidden = await sample(page);
  result.hiddenDiffering = await differingFromBareImage(page);
  await page.keyboard.press("h");
  result.shownAgain = await sample(page);

  await page.$eval("#tint-opacity", (input) => {
    input.value = "80";
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
  result.opaque = await sample(page);

  const inside = await toPage(page, INSIDE_A, ROWS[0], W, H);
  await page.mouse.move(inside.x, inside.y);
  result.hovered = await sample(page);
  await page.mouse.move(5, 5);
  result.leftAgain = await sample(page);

  await page.selectOption("#colour-by", "object");
  result.byObject = await sample(page);
  await page.screenshot({ path: env.OBJECT_SCREENSHOT });

  await open(page);
  result.afterReload = await settings(page);
  result.byObjectAfterReload = await sample(page);
});
