// What every browser flow does: start Chromium, log in, and compare canvas snapshots.
import { chromium } from "playwright-core";

export function launch(env) {
  return chromium.launch({
    executablePath: env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

export async function logIn(page, base, user, password) {
  await page.goto(`${base}/login/`);
  await page.fill("input[name=username]", user);
  await page.fill("input[name=password]", password);
  await Promise.all([page.waitForURL(`${base}/projects/`), page.click("button[type=submit]")]);
}

// Canvas snapshots live in the page; only the counts of differing pixels come back.
export function canvasSnapshots(page) {
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
  return { snap, differing };
}

// An image pixel's page coordinates in the fitted view the annotation page opens with.
export function toPage(page, x, y, width, height) {
  return page.evaluate(([px, py, w, h]) => {
    const c = document.getElementById("canvas");
    const rect = c.getBoundingClientRect();
    const scale = Math.min(c.width / w, c.height / h);
    const tx = (c.width - w * scale) / 2;
    const ty = (c.height - h * scale) / 2;
    return { x: rect.left + tx + (px + 0.5) * scale, y: rect.top + ty + (py + 0.5) * scale, scale };
  }, [x, y, width, height]);
}

// Enter saves the object; returns the page's "saved" line and the image's annotations from the API.
export async function saveAndList(page, projectId, imageId) {
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /saved annotation #\d+/.test(document.getElementById("saved").textContent),
    null, { timeout: 20000 });
  const saved = await page.locator("#saved").textContent();
  const annotations = await page.evaluate(async ([p, i]) => {
    const response = await fetch(`/api/projects/${p}/annotations/?image=${i}`);
    return response.json();
  }, [projectId, imageId]);
  return { saved, annotations };
}
