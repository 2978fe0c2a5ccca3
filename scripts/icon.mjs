// Renders media/icon.svg to media/icon.png (128 x 128, the Marketplace icon)
// with the Chromium the webview tests use: `node scripts/icon.mjs`.
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium } from "playwright-core";

const root = path.resolve(import.meta.dirname, "..");
const svg = fs.readFileSync(path.join(root, "media/icon.svg"), "utf8");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  const png = await page.locator("svg").screenshot({ omitBackground: true, type: "png" });
  fs.writeFileSync(path.join(root, "media/icon.png"), png);
  console.log(`media/icon.png: ${png.length} bytes`);
} finally {
  await browser.close();
}
