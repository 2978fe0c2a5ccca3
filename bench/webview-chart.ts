/**
 * Dashboard cost of a long run, measured in Chromium with the real bundle:
 * a 100,000-iteration zoar run (10-d quadratic, real engine) is fed to the
 * webview as the host would send it (a progress message every 100
 * iterations, decimated series, inspector, parameters). Reports the time of
 * each update (message handled and every changed section drawn; the
 * convergence chart alone) and the webview's JS heap afterwards. For scale,
 * the same chart is then given all 100,000 points undecimated.
 *
 *   npm run build && npx tsx bench/webview-chart.ts
 *
 * Writes bench/results/webview-chart.json.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ProgressMessage, RunSnapshot } from "../src/protocol";
import { DashboardPage, ensureWebviewBundle, launchChromium } from "../test/webview/harness";
import { overTheWire, recordRun, snapshotMessage } from "../test/webview/hostStream";
import { machine } from "./machine";

const ITERATIONS = 100_000;
const PROGRESS_EVERY = 100;
/** Updates measured at the end of the run (the chart then covers ~100,000 iterations). */
const TAIL = 100;
const RAW_UPDATES = 30;

interface UpdateTiming {
  updateMs: number;
  chartMs: number;
  sections: Record<string, number>;
}

function summary(values: number[]): { median: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { median: round(at(0.5)), p95: round(at(0.95)), max: round(sorted[sorted.length - 1]) };
}

/** Deliver messages one by one, drawing after each, and time each update in the page. */
async function feed(dashboard: DashboardPage, messages: ProgressMessage[]): Promise<UpdateTiming[]> {
  return dashboard.page.evaluate((messages) => {
    const probe = window.zoarDashboard!;
    const timings: { updateMs: number; chartMs: number; sections: Record<string, number> }[] = [];
    for (const data of messages) {
      const started = performance.now();
      window.dispatchEvent(new MessageEvent("message", { data }));
      probe.renderNow();
      timings.push({ updateMs: performance.now() - started, chartMs: probe.stats.sectionMs.convergence ?? NaN, sections: { ...probe.stats.sectionMs } });
    }
    return timings;
  }, messages);
}

async function heapUsedMB(dashboard: DashboardPage): Promise<number> {
  const session = await dashboard.page.context().newCDPSession(dashboard.page);
  await session.send("HeapProfiler.enable");
  await session.send("HeapProfiler.collectGarbage");
  await session.send("Performance.enable");
  const { metrics } = await session.send("Performance.getMetrics");
  await session.detach();
  const used = metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? NaN;
  return Math.round((used / 2 ** 20) * 100) / 100;
}

async function main(): Promise<void> {
  ensureWebviewBundle();
  const recordStarted = performance.now();
  const run = recordRun({ optimizer: "zoar", iterations: ITERATIONS, progressEvery: PROGRESS_EVERY });
  const recordMs = performance.now() - recordStarted;
  const wireBytes = run.progress.reduce((sum, message) => sum + JSON.stringify(message).length, 0);

  const browser = await launchChromium();
  try {
    const chromiumVersion = browser.version();

    // Decimated, as the host sends it.
    const dashboard = await DashboardPage.open(browser);
    await dashboard.send(snapshotMessage([], { selectedRunId: run.runId }));
    const heapBeforeMB = await heapUsedMB(dashboard);
    const timings = await feed(dashboard, run.progress);
    const heapAfterMB = await heapUsedMB(dashboard);
    const chartRows = (await dashboard.chartData("convergence"))[0].length;
    const tail = timings.slice(-TAIL);

    // The same run undecimated: every one of the 100,000 rows in the chart.
    const raw = await DashboardPage.open(browser);
    const all = run.trace;
    const rawSeries = {
      iteration: all.map((p) => p.iteration),
      evaluations: all.map((p) => p.evaluations),
      value: all.map((p) => p.value),
      best: all.map((p) => p.best),
      baseline: all.map((p) => p.baseline),
      gradientNorm: all.map((p) => p.gradientNorm),
      stepNorm: all.map((p) => p.stepNorm),
    };
    const cut = ITERATIONS - RAW_UPDATES;
    const head: RunSnapshot = overTheWire({ header: run.header, series: Object.fromEntries(Object.entries(rawSeries).map(([k, v]) => [k, v.slice(0, cut)])) as unknown as RunSnapshot["series"] });
    await raw.send(snapshotMessage([head]));
    const rawHeapBeforeUpdatesMB = await heapUsedMB(raw);
    const rawUpdates: ProgressMessage[] = Array.from({ length: RAW_UPDATES }, (_, i) =>
      overTheWire({
        type: "progress",
        header: run.header,
        series: {
          from: cut + i,
          total: cut + i + 1,
          rows: Object.fromEntries(Object.entries(rawSeries).map(([k, v]) => [k, [v[cut + i]]])) as unknown as RunSnapshot["series"],
        },
      }),
    );
    const rawTimings = await feed(raw, rawUpdates);
    const rawRows = (await raw.chartData("convergence"))[0].length;

    const result = {
      benchmark: "webview-chart",
      description:
        "Dashboard webview in Chromium (real bundle): a 100,000-iteration zoar run (d = 10 quadratic) fed as progress messages every 100 iterations with decimated series; update = message handled and every changed section drawn; chart = convergence chart update alone",
      machine: { ...machine(), chromium: chromiumVersion },
      date: new Date().toISOString(),
      run: { optimizer: "zoar", iterations: ITERATIONS, progressMessages: run.progress.length, recordMs: Math.round(recordMs), wireMB: Math.round((wireBytes / 2 ** 20) * 100) / 100 },
      decimated: {
        chartRows,
        allUpdatesMs: Math.round(timings.reduce((sum, t) => sum + t.updateMs, 0)),
        updateMs: summary(timings.map((t) => t.updateMs)),
        lastHundredUpdates: {
          updateMs: summary(tail.map((t) => t.updateMs)),
          chartMs: summary(tail.map((t) => t.chartMs)),
          sectionMedianMs: Object.fromEntries(["header", "runs", "convergence", "diagnostics", "inspector", "parameters"].map((key) => [key, summary(tail.map((t) => t.sections[key] ?? 0)).median])),
        },
        heapBeforeMB,
        heapAfterMB,
      },
      undecimated: {
        chartRows: rawRows,
        updates: RAW_UPDATES,
        updateMs: summary(rawTimings.map((t) => t.updateMs)),
        chartMs: summary(rawTimings.map((t) => t.chartMs)),
        heapMB: rawHeapBeforeUpdatesMB,
      },
    };
    const file = path.join(__dirname, "results", "webview-chart.json");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
    console.log(JSON.stringify(result, null, 2));
    console.log(`written to ${path.relative(process.cwd(), file)}`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
