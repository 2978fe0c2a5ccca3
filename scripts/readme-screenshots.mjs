// Crops or shrinks the screenshots the end-to-end suite takes for the docs
// (test-artifacts/e2e/readme-*.png, the full 1440 x 960 window) into small
// PNGs in docs/images/, with the Chromium the tests use:
//   node scripts/readme-screenshots.mjs   (after test/e2e/workbench-views.e2e.ts ran)
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "..");
const from = path.join(root, "test-artifacts/e2e");
const to = path.join(root, "docs/images");
/** Per screenshot: the part of the window kept (at full size); the others are shrunk to WIDTH. */
const CROPS = {
  "readme-runs-view-running.png": { x: 0, y: 0, width: 640, height: 240 },
  "readme-dashboard-sweep.png": { x: 890, y: 30, width: 550, height: 900 },
};
const WIDTH = 960;
const shots = fs.existsSync(from) ? fs.readdirSync(from).filter((name) => /^readme-.*\.png$/.test(name)) : [];
if (shots.length === 0) {
  console.error("readme-screenshots: no test-artifacts/e2e/readme-*.png; run test/e2e/workbench-views.e2e.ts first");
  process.exit(1);
}
fs.mkdirSync(to, { recursive: true });
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  for (const name of shots) {
    const data = fs.readFileSync(path.join(from, name)).toString("base64");
    const crop = CROPS[name];
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 }, deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><body style="margin:0"><img id="shot" style="width:${crop ? 1440 : WIDTH}px;display:block" src="data:image/png;base64,${data}"></body>`);
    const png = crop ? await page.screenshot({ type: "png", clip: crop }) : await page.locator("#shot").screenshot({ type: "png" });
    const out = path.join(to, name.replace(/^readme-/, ""));
    fs.writeFileSync(out, png);
    console.log(`${path.relative(root, out)}: ${(png.length / 1024).toFixed(0)} KB`);
    await page.close();
  }
} finally {
  await browser.close();
}
