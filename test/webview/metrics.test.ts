// The Metrics chart of the dashboard in real Chromium: hidden for objectives
// without metrics(), one line per run and metric, several runs overlaid, new
// points appended from progress messages.
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import type { MetricsPoint, ProgressMessage, RunSnapshot } from "../../src/protocol";
import { DashboardPage, ensureWebviewBundle, launchChromium } from "./harness";
import { type RunRecording, overTheWire, recordRun, snapshotMessage } from "./hostStream";

function metricsEvery(recording: RunRecording, every: number, upTo: number): MetricsPoint[] {
  const points: MetricsPoint[] = [];
  for (let iteration = 0; iteration < upTo; iteration += every) {
    points.push({ iteration, evaluations: 11 * (iteration + 1), values: { accuracy: 0.7 + iteration / 1000, testLoss: 0.6 - iteration / 2000 } });
  }
  return points;
}

function snapshotOf(recording: RunRecording, metrics?: MetricsPoint[]): RunSnapshot {
  return { header: { ...recording.header, status: "done" }, series: recording.series, ...(metrics ? { metrics } : {}) };
}

describe("dashboard Metrics chart in Chromium", function () {
  this.timeout(60_000);
  let browser: Browser;
  let dashboard: DashboardPage;
  const zoar = recordRun({ optimizer: "zoar", iterations: 100 });
  const spsa = recordRun({ optimizer: "spsa", iterations: 100, runId: "spsa-2", label: "spsa #1" });

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
    assert.deepEqual(dashboard.pageErrors, [], "no script errors");
    await dashboard.page.close();
  });

  it("stays hidden while no run has metrics", async () => {
    await dashboard.send(snapshotMessage([snapshotOf(zoar)]));
    assert.equal(await dashboard.page.locator("section.metrics").isHidden(), true);
  });

  it("overlays each run's metrics beside convergence and appends points as they arrive", async () => {
    const first = metricsEvery(zoar, 10, 60);
    await dashboard.send(snapshotMessage([snapshotOf(zoar, first), snapshotOf(spsa, metricsEvery(spsa, 25, 100))]));
    await dashboard.page.getByRole("heading", { name: "Metrics" }).waitFor();
    const data = await dashboard.chartData("metrics");
    assert.equal(data.length, 1 + 2 * 2, "x, then accuracy and testLoss of each run");
    assert.deepEqual(data[0], [0, 10, 20, 25, 30, 40, 50, 75], "the iterations of both runs, joined");
    assert.equal(data[1][1], first[1].values.accuracy);
    assert.equal(data[3][3], 0.725, "spsa's accuracy at iteration 25");
    const legend = await dashboard.page.locator("#metrics-chart .u-legend").textContent();
    assert.ok(legend?.includes("zoar #1 accuracy") && legend.includes("spsa #1 testLoss"), legend ?? "");

    const progress: ProgressMessage = overTheWire({
      type: "progress",
      header: { ...zoar.header, status: "done" },
      series: { from: zoar.series.iteration.length, total: zoar.series.iteration.length, rows: { iteration: [], evaluations: [], value: [], best: [], baseline: [], gradientNorm: [], stepNorm: [] } },
      metrics: [{ iteration: 60, evaluations: 671, values: { accuracy: 0.9, testLoss: 0.2 } }],
    });
    await dashboard.send(progress);
    await dashboard.page.waitForFunction(() => document.getElementById("metrics-chart")?.dataset.rows === "9");
    const after = await dashboard.chartData("metrics");
    assert.equal(after[0][after[0].length - 2], 60);
    assert.ok((await dashboard.page.locator("#metrics-chart").getAttribute("aria-label"))!.includes("zoar #1 accuracy 0.9"));
  });
});
