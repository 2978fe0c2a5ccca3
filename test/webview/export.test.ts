// Exports from the dashboard in real Chromium: the convergence chart as SVG
// (drawn from the chart's data: one line per series, a legend) and as PNG
// (the drawn canvas), and the selected run's trace as CSV (asked of the host).
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import type { ExportMessage } from "../../src/protocol";
import { DashboardPage, ensureWebviewBundle, launchChromium } from "./harness";
import { overTheWire, recordRun, snapshotMessage } from "./hostStream";

describe("dashboard exports in Chromium", function () {
  this.timeout(60_000);
  let browser: Browser;
  let dashboard: DashboardPage;
  const zoar = recordRun({ optimizer: "zoar", iterations: 120 });
  const vanilla = recordRun({ optimizer: "vanilla", iterations: 80, runId: "vanilla-7", label: "vanilla #1" });

  before(async () => {
    ensureWebviewBundle();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    dashboard = await DashboardPage.open(browser);
    const runs = [zoar, vanilla].map((recording) => overTheWire({ header: { ...recording.header, status: "done" as const }, series: recording.series }));
    await dashboard.send(snapshotMessage(runs));
    await dashboard.clearPosted();
  });
  afterEach(async () => {
    const violations = await dashboard.cspViolations();
    const { pageErrors, strayRequests } = dashboard;
    await dashboard.page.close();
    assert.deepEqual(violations, [], "no Content-Security-Policy violations");
    assert.deepEqual(pageErrors, [], "no script errors");
    assert.deepEqual(strayRequests, [], "no requests beyond the page, its bundle and its css");
  });

  it("exports the convergence chart as SVG with a line per series and a legend", async () => {
    await dashboard.page.locator("#export-convergence-svg").click();
    const message = (await dashboard.waitForPosted("export")) as ExportMessage;
    assert.equal(message.format, "svg");
    assert.equal(message.name, "quadratic-convergence.svg");
    const svg = message.data!;
    assert.match(svg, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const label of ["zoar #1 value", "zoar #1 best", "vanilla #1 value", "vanilla #1 best"]) assert.ok(svg.includes(`>${label}</text>`), label);
    assert.ok((svg.match(/<polyline /g) ?? []).length >= 4, "a polyline per series");
    // The zoar best line has as many points as the chart's rows where zoar has a value.
    const rows = (await dashboard.chartData("convergence"))[2].filter((v) => typeof v === "number" && v > 0).length;
    const polylines = [...svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((m) => m[1].split(" ").length);
    assert.ok(polylines.includes(rows), `a polyline of ${rows} points among ${polylines.join(", ")}`);
  });

  it("exports the convergence chart as PNG and the selected run's trace as CSV", async () => {
    await dashboard.page.locator("#export-convergence-png").click();
    const png = (await dashboard.waitForPosted("export")) as ExportMessage;
    assert.equal(png.format, "png");
    const bytes = Buffer.from(png.data!, "base64");
    assert.equal(bytes.subarray(1, 4).toString("latin1"), "PNG");
    assert.ok(bytes.readUInt32BE(16) >= 200, "as wide as the chart");

    await dashboard.clearPosted();
    await dashboard.page.locator("#export-trace-csv").click();
    const csv = (await dashboard.waitForPosted("export")) as ExportMessage;
    assert.deepEqual({ ...csv, requestId: 0 }, { type: "export", requestId: 0, format: "csv", name: "quadratic-vanilla-1-trace.csv", runId: "vanilla-7" });
  });
});
