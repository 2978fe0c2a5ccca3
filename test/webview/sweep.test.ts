// The dashboard's Sweep and the Runs view's Compare Selected, in real
// Chromium with the real bundle: the form posts one sweep (the swept value
// left out of the other hyperparameters), refuses bad values beside their
// field, and a showOnly message keeps only the chosen runs on the chart.
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import type { RunSnapshot } from "../../src/protocol";
import { DashboardPage, ensureWebviewBundle, launchChromium } from "./harness";
import { overTheWire, recordRun, snapshotMessage } from "./hostStream";

describe("dashboard sweep in Chromium", function () {
  this.timeout(60_000);
  let browser: Browser;
  let dashboard: DashboardPage;

  before(async () => {
    ensureWebviewBundle();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    dashboard = await DashboardPage.open(browser);
  });
  afterEach(async () => {
    const violations = await dashboard.cspViolations();
    const { pageErrors, strayRequests } = dashboard;
    await dashboard.page.close();
    assert.deepEqual(violations, [], "no Content-Security-Policy violations");
    assert.deepEqual(pageErrors, [], "no script errors");
    assert.deepEqual(strayRequests, [], "no requests beyond the page, its bundle and its css");
  });

  it("posts a sweep of the chosen hyperparameter's values, with the form's other settings", async () => {
    await dashboard.send(snapshotMessage());
    await dashboard.type("hp-mu", "0.02");
    await dashboard.type("hp-lr", "0.5");
    await dashboard.type("sweep-values", "0.001, 0.01,0.1");
    await dashboard.type("sweep-seeds", "2");
    await dashboard.clearPosted();
    await dashboard.page.locator("#sweep").click();
    const sweep = await dashboard.waitForPosted("sweep");
    assert.deepEqual({ ...sweep, requestId: 0 }, { type: "sweep", requestId: 0, optimizer: "zoar", overrides: { mu: 0.02 }, key: "lr", values: [0.001, 0.01, 0.1], seeds: 2, seed: 0, stop: { iterations: 1000 } });
    assert.match(await dashboard.text("#form-message"), /^Starting 6 runs of zoar, lr = 0\.001, 0\.01, 0\.1/);
  });

  it("refuses a single value, a bad value and too many seeds beside their fields", async () => {
    await dashboard.send(snapshotMessage());
    await dashboard.clearPosted();
    await dashboard.type("sweep-values", "0.01");
    await dashboard.page.locator("#sweep").click();
    assert.equal(await dashboard.text("#sweep-values-message"), "list two or more values, separated by commas");
    await dashboard.type("sweep-values", "0.01, -2");
    await dashboard.type("sweep-seeds", "11");
    await dashboard.page.locator("#sweep").click();
    assert.equal(await dashboard.text("#sweep-values-message"), "-2: must be a number > 0");
    assert.equal(await dashboard.text("#sweep-seeds-message"), "must be an integer in [1, 10]");
    assert.deepEqual(await dashboard.posted(), []);
  });

  it("shows only the runs a showOnly message names on the convergence chart", async () => {
    const runs: RunSnapshot[] = ["a", "b", "c"].map((id, i) => {
      const recording = recordRun({ optimizer: "zoar", iterations: 50 + i, runId: `run-${id}`, label: `zoar lr=0.0${i + 1} #1` });
      return overTheWire({ header: { ...recording.header, status: "done", variant: `lr=0.0${i + 1}` }, series: recording.series });
    });
    await dashboard.send(snapshotMessage(runs));
    assert.equal(await dashboard.page.locator("#convergence-chart").getAttribute("data-runs"), "3");
    await dashboard.send({ type: "showOnly", runIds: ["run-a", "run-c"] });
    await dashboard.page.waitForFunction(() => document.getElementById("convergence-chart")?.dataset.runs === "2");
    const legend = await dashboard.page.locator("#convergence-chart .u-legend").textContent();
    assert.ok(legend?.includes("zoar lr=0.01 #1") && legend.includes("zoar lr=0.03 #1") && !legend.includes("zoar lr=0.02 #1"), legend ?? "");
  });

  it("draws runs that differ only by seed as their mean best so far with a min-max band", async () => {
    const runs: RunSnapshot[] = [1, 2, 3].map((seed) => {
      const recording = recordRun({ optimizer: "zoar", iterations: 100, seed, runId: `zoar-${seed}`, label: `zoar #${seed}` });
      return overTheWire({ header: { ...recording.header, status: "done", seedGroup: "5:zoar" }, series: recording.series });
    });
    const single = recordRun({ optimizer: "vanilla", iterations: 100, runId: "vanilla-1", label: "vanilla #1" });
    await dashboard.send(snapshotMessage([...runs, overTheWire({ header: { ...single.header, status: "done" }, series: single.series })]));
    const chart = dashboard.page.locator("#convergence-chart");
    assert.equal(await chart.getAttribute("data-bands"), "1");
    const legend = await chart.locator(".u-legend").textContent();
    assert.ok(legend?.includes("zoar mean best (3 seeds)") && legend.includes("zoar max") && legend.includes("zoar min") && legend.includes("vanilla #1 best"), legend ?? "");
    // x, then the group's mean, max and min, then vanilla's value and best.
    const data = await dashboard.chartData("convergence");
    assert.equal(data.length, 6);
    const last = data[0].length - 1;
    const finals = runs.map((r) => r.series.best[r.series.best.length - 1] as number);
    assert.equal(data[1][last], finals.reduce((s, v) => s + v, 0) / 3);
    assert.deepEqual([data[2][last], data[3][last]], [Math.max(...finals), Math.min(...finals)]);
    assert.match((await chart.getAttribute("aria-label")) ?? "", /zoar mean best \S+ over 3 seeds/);
  });

  it("compares the checked optimizers with several seeds", async () => {
    await dashboard.send(snapshotMessage());
    await dashboard.clearPosted();
    await dashboard.page.locator("#compare-zoar").click();
    await dashboard.page.locator("#compare-vanilla").click();
    await dashboard.type("compare-seeds", "3");
    await dashboard.page.locator("#compare").click();
    const compare = await dashboard.waitForPosted("compare");
    assert.deepEqual({ ...compare, requestId: 0 }, { type: "compare", requestId: 0, optimizers: ["zoar", "vanilla"], seed: 0, stop: { iterations: 1000 }, seeds: 3 });
  });
});
