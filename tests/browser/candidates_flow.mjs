// SAM's three masks on a first click, in headless Chromium: click, Tab through the proposals
// (the canvas changes each time, and comes back to the first after the third), pick the second
// and accept with Enter. Prints what it saw as JSON on the last line of stdout; pytest
// (test_candidates_flow.py) makes the data, runs this script and checks the saved annotation.
import { chromium } from "playwright-core";

const env = process.env;
const base = env.BASE_URL;
const [projectId, imageId] = [Number(env.PROJECT_ID), Number(env.IMAGE_ID)];
const [clickX, clickY] = [Number(env.CLICK_X), Number(env.CLICK_Y)];
const [width, height] = [Number(env.IMAGE_WIDTH), Number(env.IMAGE_HEIGHT)];

const browser = await chromium.launch({
  executablePath: env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic"],
});
const result = { pageErrors: [], steps: {}, changed: {} };
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on("pageerror", (error) => result.pageErrors.push(String(error)));
  page.on("console", (m) => { if (m.type() === "error") result.pageErrors.push(m.text()); });

  await page.goto(`${base}/login/`);
  await page.fill("input[name=username]", env.LOGIN_USER);
  await page.fill("input[name=password]", env.LOGIN_PASSWORD);
  await Promise.all([page.waitForURL(`${base}/projects/`), page.click("button[type=submit]")]);
  await page.goto(`${base}/projects/${projectId}/images/${imageId}/annotate/`);
  await page.waitForFunction(() => /^ready/.test(document.getElementById("status").textContent),
    null, { timeout: 20000 });
  result.engineNote = await page.locator("body").textContent();

  const snap = (name) => page.evaluate((key) => {
    const c = document.getElementById("canvas");
    window.__snaps = window.__snaps || {};
    window.__snaps[key] = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  }, name);
  const differing = (a, b) => page.evaluate(([x, y]) => {
    const p = window.__snaps[x];
    const q = window.__snaps[y];
    let n = 0;
    for (let i = 0; i < p.length; i += 4) {
      if (p[i] !== q[i] || p[i + 1] !== q[i + 1] || p[i + 2] !== q[i + 2]) n += 1;
    }
    return n;
  }, [a, b]);
  // The steps line names the proposal on show: "step 1/1 · mask 2 of 3 (Tab: next)".
  const waitSteps = async (pattern, name) => {
    await page.waitForFunction((source) => new RegExp(source).test(document.getElementById("steps").textContent),
      pattern.source, { timeout: 20000 });
    await page.waitForFunction(() => !/computing/.test(document.getElementById("status").textContent),
      null, { timeout: 20000 });
    result.steps[name] = await page.locator("#steps").textContent();
    await snap(name);
  };

  const target = await page.evaluate(([px, py, w, h]) => {
    const c = document.getElementById("canvas");
    const rect = c.getBoundingClientRect();
    const scale = Math.min(c.width / w, c.height / h);
    const tx = (c.width - w * scale) / 2;
    const ty = (c.height - h * scale) / 2;
    return { x: rect.left + tx + (px + 0.5) * scale, y: rect.top + ty + (py + 0.5) * scale };
  }, [clickX, clickY, width, height]);
  await snap("before");
  await page.mouse.click(target.x, target.y);
  await waitSteps(/mask 1 of 3/, "first");
  result.changed.byClick = await differing("before", "first");
  await page.keyboard.press("Tab");
  await waitSteps(/mask 2 of 3/, "second");
  result.changed.firstToSecond = await differing("first", "second");
  await page.keyboard.press("Tab");
  await waitSteps(/mask 3 of 3/, "third");
  result.changed.secondToThird = await differing("second", "third");
  await page.keyboard.press("Tab");
  await waitSteps(/mask 1 of 3/, "backToFirst");
  result.changed.backToFirst = await differing("first", "backToFirst");
  await page.keyboard.press("Tab");
  await waitSteps(/mask 2 of 3/, "chosen");
  result.changed.chosenToSecond = await differing("second", "chosen");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /saved annotation #\d+/.test(document.getElementById("saved").textContent),
    null, { timeout: 20000 });
  result.saved = await page.locator("#saved").textContent();
  result.annotations = await page.evaluate(async ([p, i]) => {
    const response = await fetch(`/api/projects/${p}/annotations/?image=${i}`);
    return response.json();
  }, [projectId, imageId]);
} catch (error) {
  result.failure = String(error && error.stack ? error.stack : error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
