// The dashboard in real Chromium with the real bundle, fed host messages
// recorded from real engine runs. Every test also checks that the page
// raised no CSP violation, no script error, and requested nothing remote.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import type { Browser } from "playwright-core";
import { type RunSnapshot, type StartMessage, withObjectiveDefaults } from "../../src/protocol";
import { summarizeParameters } from "../../src/extension/decimate";
import { choice, encodeParameters, integer, logUniform, vector } from "../../src/objective/parameters";
import { formatCount, formatValue } from "../../webview/format";
import { DashboardPage, ensureWebviewBundle, launchChromium } from "./harness";
import { OBJECTIVE, type RunRecording, overTheWire, recordRun, snapshotMessage } from "./hostStream";

function runSnapshot(recording: RunRecording, status: RunSnapshot["header"]["status"] = "running"): RunSnapshot {
  return overTheWire({ header: { ...recording.header, status }, series: recording.series });
}

describe("dashboard webview in Chromium", function () {
  this.timeout(60_000);
  let browser: Browser;
  let dashboard: DashboardPage;
  // Recorded once: zoar (K = 10, N = 5) on a 10-d quadratic, a progress message every 10 iterations.
  const zoar = recordRun({ optimizer: "zoar", iterations: 300 });

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

  it("posts ready on load and draws the settings form from the snapshot", async () => {
    assert.deepEqual(await dashboard.posted(), [{ type: "ready" }]);
    const snapshot = snapshotMessage();
    await dashboard.send(snapshot);
    const optimizers = snapshot.snapshot.optimizers;
    assert.equal(await dashboard.page.locator("#optimizer vscode-option").count(), optimizers.length);
    assert.equal(await dashboard.text("#optimizer-summary"), optimizers[0].summary);
    assert.equal(await dashboard.page.locator("#hp-lr input").inputValue(), "0.001");
    assert.equal(await dashboard.page.locator("#hp-histories input").inputValue(), "5");
    // Accessible names: each field is found by its label.
    await dashboard.page.getByRole("textbox", { name: "Learning rate (lr)" }).fill("0.002");
    assert.equal(await dashboard.page.locator("#hp-lr input").inputValue(), "0.002");
    assert.equal(await dashboard.text("#run-status"), "No run yet");
    assert.ok(await dashboard.isEnabled("start"));
    for (const id of ["pause", "step", "resume", "stop", "save-parameters"]) assert.ok(!(await dashboard.isEnabled(id)), `#${id} disabled without a run`);
  });

  it("switches the form to another optimizer's hyperparameters and summary", async () => {
    const snapshot = snapshotMessage();
    await dashboard.send(snapshot);
    await dashboard.page.locator("#optimizer").click();
    await dashboard.page.locator("#optimizer").getByRole("option", { name: /^spsa/ }).click();
    const spsa = snapshot.snapshot.optimizers.find((o) => o.name === "spsa")!;
    await dashboard.page.waitForFunction(() => document.getElementById("optimizer-summary")?.textContent?.startsWith("SPSA"));
    assert.equal(await dashboard.text("#optimizer-summary"), spsa.summary);
    assert.equal(await dashboard.page.locator("#hp-queries input").inputValue(), "1");
    assert.equal(await dashboard.page.locator("#hp-histories").count(), 0, "spsa keeps no history");
    assert.equal(await dashboard.page.locator("#hp-beta1").count(), 0, "plain gradient steps have no moments");
  });

  it("starts the form from the zoar.* settings and stops following them once the user edits it", async () => {
    const formDefaults = { optimizer: "radazo", overrides: { lr: 0.002 }, seed: 7, stop: { iterations: 500, target: 0.1 }, compare: ["zoar", "spsa"] };
    await dashboard.send(snapshotMessage([], { formDefaults }));
    const page = dashboard.page;
    await page.waitForFunction(() => document.getElementById("optimizer-summary")?.textContent?.startsWith("R-AdaZO"));
    assert.equal(await page.locator("#hp-lr input").inputValue(), "0.002");
    assert.equal(await page.locator("#seed input").inputValue(), "7");
    assert.equal(await page.locator("#stop-iterations input").inputValue(), "500");
    assert.equal(await page.locator("#stop-evaluations input").inputValue(), "");
    assert.equal(await page.locator("#stop-target input").inputValue(), "0.1");
    const checked = await page.locator("#compare-optimizers vscode-checkbox").evaluateAll((boxes) => boxes.filter((box) => (box as HTMLInputElement).checked).map((box) => (box as HTMLInputElement).value));
    assert.deepEqual(checked, ["zoar", "spsa"]);

    // Changed settings reach a form the user has not touched...
    await dashboard.send(snapshotMessage([], { formDefaults: { ...formDefaults, seed: 8 } }));
    await page.waitForFunction(() => (document.getElementById("seed") as HTMLInputElement | null)?.value === "8");
    // ...but never overwrite what the user typed.
    await page.locator("#stop-iterations input").fill("1234");
    await dashboard.send(snapshotMessage([], { formDefaults: { ...formDefaults, seed: 9, stop: { iterations: 50 } } }));
    await dashboard.page.evaluate(() => window.zoarDashboard!.renderNow());
    assert.equal(await page.locator("#stop-iterations input").inputValue(), "1234");
    assert.equal(await page.locator("#seed input").inputValue(), "8");
  });

  it("shows the objective's recommended settings as the defaults, marked, and sends only what differs from them", async () => {
    // finetune-spam recommends lr 0.001 for zoar-pairs, whose preset has 5e-5.
    const objective = { ...OBJECTIVE, optimizerDefaults: { "zoar-pairs": { lr: 0.001 } } };
    const base = snapshotMessage().snapshot;
    const formDefaults = { optimizer: "zoar-pairs", overrides: {}, seed: 0, stop: { iterations: 300 }, compare: [] };
    await dashboard.send(snapshotMessage([], { objective, optimizers: withObjectiveDefaults(base.optimizers, objective.optimizerDefaults), formDefaults }));
    const page = dashboard.page;
    await page.waitForFunction(() => document.getElementById("optimizer-summary")?.textContent?.startsWith("ZoAR for fine-tuning"));
    assert.equal(await page.locator("#hp-lr input").inputValue(), "0.001");
    assert.match(await dashboard.text("#hp-lr-help"), /0\.001 recommended by the objective \(the preset's default: 0\.00005\)$/);
    assert.match(await dashboard.text("#hp-mu-help"), /; default 0\.01$/, "a setting the objective does not recommend keeps the preset's default");

    await dashboard.clearPosted();
    await page.locator("#start").click();
    const untouched = (await dashboard.waitForPosted("start")) as StartMessage;
    assert.deepEqual(untouched.overrides, {}, "the run gets the recommendation from the objective itself");
    // The preset's value is now a choice of the user's, so it is sent.
    await dashboard.type("hp-lr", "5e-5");
    await dashboard.clearPosted();
    await page.locator("#start").click();
    const preset = (await dashboard.waitForPosted("start")) as StartMessage;
    assert.deepEqual(preset.overrides, { lr: 5e-5 });
  });

  it("streams a zoar run: header figures, convergence and diagnostics data, history buffer, best parameters", async () => {
    await dashboard.send(snapshotMessage(), ...zoar.progress);
    const { header, series, inspector, parameters } = zoar;
    assert.equal(await dashboard.text("#run-status"), "Running");
    assert.equal(await dashboard.text("#run-iteration"), "300");
    assert.equal(await dashboard.text("#run-evaluations"), formatCount(header.evaluations));
    assert.equal(await dashboard.text("#best-value"), formatValue(header.bestValue));
    assert.equal(await dashboard.text("#run-value"), formatValue(header.value));
    assert.equal(await dashboard.text("#run-elapsed"), "0.6 s");
    assert.equal(await dashboard.text("#evaluations-per-second"), formatCount(header.evaluationsPerSecond));
    assert.equal(await dashboard.text("#run-optimizer"), "zoar (seed 7)");
    assert.equal(await dashboard.text("#run-provider"), "TypeScript");
    assert.match(await dashboard.text("#objective-name"), /^quadratic \(d = 10\)$/);

    // The chart holds what the host's decimator produced: x, value, best.
    const [x, value, best] = await dashboard.chartData("convergence");
    assert.equal(x.length, 300);
    assert.deepEqual(x, series.iteration);
    assert.deepEqual(value, series.value);
    assert.equal(best[best.length - 1], zoar.trace[299].best);
    assert.equal(await dashboard.page.locator("#convergence-chart").getAttribute("data-rows"), "300");
    const diagnostics = await dashboard.chartData("diagnostics");
    assert.deepEqual(diagnostics[1], series.gradientNorm);
    assert.deepEqual(diagnostics[3], series.baseline);

    // zoar warmed up: (N + 1) K = 6 x 10 queries in the buffer.
    assert.equal(inspector.buffer.length, 60);
    assert.equal(await dashboard.page.locator("#history-table tbody tr").count(), 60);
    const firstRow = await dashboard.page.locator("#history-table tbody tr").first().locator("td").allTextContents();
    const oldest = inspector.buffer[0];
    assert.deepEqual(firstRow, [String(oldest.age), String(oldest.iteration), String(oldest.query), formatValue(oldest.value), formatValue(oldest.advantage), formatValue(oldest.weight)]);
    assert.equal(await dashboard.text("#history-baseline"), `Baseline: ${formatValue(inspector.baseline)}`);
    assert.equal(await dashboard.page.locator("#advantage-chart").getAttribute("data-bars"), "60");
    assert.match(await dashboard.text("#inspector-state"), /^Live, iteration 300$/);

    assert.equal(await dashboard.page.locator("#parameters-table tbody tr").count(), 10);
    assert.equal(await dashboard.page.locator("#parameters-table tbody tr").first().locator("td").textContent(), formatValue(parameters.head[0]));
    assert.equal(await dashboard.page.locator("#parameter-histogram").getAttribute("data-bars"), "30");
    assert.ok(await dashboard.isEnabled("save-parameters"));
  });

  it("shows a cma-es run's search distribution instead of a history buffer", async () => {
    const cma = recordRun({ optimizer: "cma-es", iterations: 60, overrides: { lr: 1 } });
    await dashboard.send(snapshotMessage(), ...cma.progress);
    const search = cma.inspector.search!;
    assert.equal(search.population, 10);
    assert.match(await dashboard.text("#inspector-summary"), /^cma-es: population 10, d = 10\. Samples a population from N\(m, sigma\^2 C\)/);
    assert.equal(await dashboard.page.locator("#history-table tbody tr").count(), 0);
    assert.match(await dashboard.text("#history-table caption"), /^No query buffer/);
    const state = await dashboard.text("#optimizer-state");
    assert.ok(state.includes(`Step size (sigma)${formatValue(search.sigma)}`), state);
    assert.ok(state.includes(`Top weights${search.topWeights.map(formatValue).join(", ")}`), state);
  });

  it("keeps a 20,000-iteration run to at most 2,000 points with exact last values", async () => {
    const long = recordRun({ optimizer: "zoar", iterations: 20_000, progressEvery: 500, dimension: 5 });
    await dashboard.send(snapshotMessage(), ...long.progress);
    const [x, value, best] = await dashboard.chartData("convergence");
    assert.ok(x.length <= 2000 && x.length > 1000, `${x.length} points`);
    assert.equal(x[x.length - 1], 19_999);
    assert.equal(value[value.length - 1], long.trace[19_999].value);
    assert.equal(best[best.length - 1], long.trace[19_999].best);
    assert.deepEqual(x, long.series.iteration, "the webview's series equals the host's after 40 incremental updates");
    assert.equal(await dashboard.text("#run-iteration"), "20,000");
  });

  it("overlays compared runs with a legend and hides a run unchecked in the runs table", async () => {
    const vanilla = recordRun({ optimizer: "vanilla", iterations: 200, runId: "vanilla-7", label: "vanilla #2" });
    await dashboard.send(snapshotMessage([runSnapshot(zoar, "done"), runSnapshot(vanilla, "done")]));
    const data = await dashboard.chartData("convergence");
    assert.equal(data.length, 5, "x, then value and best of each run");
    const legend = await dashboard.page.locator("#convergence-chart .u-legend").textContent();
    assert.ok(legend?.includes("zoar #1 best") && legend.includes("vanilla #2 best"), legend ?? "");
    assert.equal(await dashboard.page.locator("#convergence-chart").getAttribute("data-runs"), "2");

    await dashboard.page.getByRole("checkbox", { name: "Show zoar #1 on the convergence chart" }).uncheck();
    await dashboard.page.waitForFunction(() => document.getElementById("convergence-chart")?.dataset.runs === "1");
    const shown = await dashboard.chartData("convergence");
    assert.equal(shown.length, 3);
    assert.deepEqual(shown[0], vanilla.series.iteration);
  });

  it("selects a run: header follows and the host is told", async () => {
    const vanilla = recordRun({ optimizer: "vanilla", iterations: 200, runId: "vanilla-7", label: "vanilla #2" });
    await dashboard.send(snapshotMessage([runSnapshot(zoar, "done"), runSnapshot(vanilla, "done")]));
    assert.equal(await dashboard.text("#run-optimizer"), "vanilla (seed 7)");
    await dashboard.clearPosted();
    await dashboard.page.getByRole("button", { name: "zoar #1" }).click();
    assert.deepEqual(await dashboard.waitForPosted("selectRun"), { type: "selectRun", runId: zoar.runId });
    await dashboard.page.waitForFunction(() => document.getElementById("run-optimizer")?.textContent === "zoar (seed 7)");
    assert.equal(await dashboard.text("#run-iteration"), "300");
  });

  it("switches the x-axis to evaluations and the y-axis to linear, and tells the host", async () => {
    await dashboard.send(snapshotMessage([runSnapshot(zoar)]));
    await dashboard.clearPosted();
    await dashboard.page.locator("#x-axis").click();
    await dashboard.page.locator("#x-axis").getByRole("option", { name: "Evaluations" }).click();
    assert.deepEqual(await dashboard.waitForPosted("setAxis"), { type: "setAxis", view: { x: "evaluations", y: "log" } });
    await dashboard.page.evaluate(() => window.zoarDashboard!.renderNow());
    assert.deepEqual((await dashboard.chartData("convergence"))[0], zoar.series.evaluations);

    await dashboard.clearPosted();
    await dashboard.page.locator("#log-scale").click();
    assert.deepEqual(await dashboard.waitForPosted("setAxis"), { type: "setAxis", view: { x: "evaluations", y: "linear" } });
  });

  it("keeps a zoomed range while the run goes on; a double click shows everything again", async () => {
    await dashboard.send(snapshotMessage(), ...zoar.progress.slice(0, 15));
    const range = () => dashboard.page.evaluate(() => window.zoarDashboard!.chartRange("convergence"));
    const plotArea = await dashboard.page.locator("#convergence-chart .u-over").boundingBox();
    assert.ok(plotArea);
    const y = plotArea.y + plotArea.height / 2;
    await dashboard.page.mouse.move(plotArea.x + plotArea.width * 0.3, y);
    await dashboard.page.mouse.down();
    await dashboard.page.mouse.move(plotArea.x + plotArea.width * 0.6, y, { steps: 5 });
    await dashboard.page.mouse.up();
    const zoomed = await range();
    assert.ok(zoomed && zoomed.min > 20 && zoomed.max < 120, JSON.stringify(zoomed));

    await dashboard.send(...zoar.progress.slice(15));
    assert.deepEqual(await range(), zoomed, "new points do not reset the zoom");
    assert.equal((await dashboard.chartData("convergence"))[0].length, 300, "but they are in the chart");

    await dashboard.page.locator("#convergence-chart .u-over").dblclick();
    await dashboard.send(zoar.progress[zoar.progress.length - 1]);
    assert.equal((await range())?.max, 299);
  });

  it("leaves values at or below zero off the log axis and says so", async () => {
    const series = structuredClone(zoar.series);
    series.value[10] = 0;
    series.value[11] = -2;
    await dashboard.send(snapshotMessage([{ header: zoar.header, series }]));
    const [, value] = await dashboard.chartData("convergence");
    assert.equal(value[10], null);
    assert.equal(value[11], null);
    assert.equal(await dashboard.text("#convergence-note"), "2 values at or below 0 are not shown on the log scale.");
    await dashboard.page.locator("#log-scale").click();
    await dashboard.page.evaluate(() => window.zoarDashboard!.renderNow());
    assert.equal((await dashboard.chartData("convergence"))[1][11], -2, "the linear axis shows them");
    assert.equal(await dashboard.text("#convergence-note"), "");
  });

  it("enables the run buttons by run state and posts pause, step, resume and stop", async () => {
    await dashboard.send(snapshotMessage(), ...zoar.progress.slice(0, 5));
    const runId = zoar.runId;
    const enabled = async () => Object.fromEntries(await Promise.all(["start", "pause", "step", "resume", "stop"].map(async (id) => [id, await dashboard.isEnabled(id)])));
    assert.deepEqual(await enabled(), { start: false, pause: true, step: false, resume: false, stop: true });
    await dashboard.clearPosted();
    await dashboard.page.locator("#pause").click();
    assert.deepEqual(await dashboard.posted(), [{ type: "pause", runId }]);

    await dashboard.send({ type: "runState", runId, status: "paused" });
    assert.equal(await dashboard.text("#run-status"), "Paused");
    assert.deepEqual(await enabled(), { start: false, pause: false, step: true, resume: true, stop: true });
    assert.match(await dashboard.text("#inspector-state"), /^Paused at iteration 50$/);
    await dashboard.page.locator("#step").click();
    await dashboard.page.locator("#pause").click({ force: true }); // disabled: must post nothing
    await dashboard.page.locator("#resume").click();
    await dashboard.page.locator("#stop").click();
    assert.deepEqual(await dashboard.posted(), [
      { type: "pause", runId },
      { type: "step", runId },
      { type: "resume", runId },
      { type: "stop", runId },
    ]);

    await dashboard.send({ type: "runState", runId, status: "stopped", reason: "stopped" });
    assert.deepEqual(await enabled(), { start: true, pause: false, step: false, resume: false, stop: false });
    assert.equal(await dashboard.text("#run-reason"), "Ended: stopped");
  });

  it("starts a run with the form's values and shows the host's answer next to the field", async () => {
    await dashboard.send(snapshotMessage());
    await dashboard.type("hp-lr", "0.01");
    await dashboard.type("hp-queries", "20");
    await dashboard.type("seed", "42");
    await dashboard.type("stop-iterations", "500");
    await dashboard.type("stop-evaluations", "6000");
    await dashboard.page.locator("#advanced-toggle").click();
    await dashboard.page.locator("#hp-amsgrad").click();
    assert.equal(await dashboard.page.locator("#hp-sampler").evaluate((select) => (select as HTMLElement & { value: string }).value), "gaussian");
    assert.equal((await dashboard.page.locator("#hp-sampler .text").first().textContent())?.trim(), "gaussian", "the select shows its value");
    await dashboard.page.locator("#hp-sampler").click();
    await dashboard.page.locator("#hp-sampler").getByRole("option", { name: "sphere" }).click();
    await dashboard.clearPosted();
    await dashboard.page.locator("#start").click();
    const start = (await dashboard.waitForPosted("start")) as StartMessage;
    assert.deepEqual(start, {
      type: "start",
      requestId: start.requestId,
      optimizer: "zoar",
      overrides: { lr: 0.01, queries: 20, amsgrad: true, sampler: "sphere" },
      seed: 42,
      stop: { iterations: 500, evaluations: 6000 },
    });
    assert.ok(Number.isInteger(start.requestId));

    await dashboard.send({ type: "response", requestId: start.requestId, ok: false, field: "mu", message: "Invalid mu: must be a finite number > 0" });
    assert.equal(await dashboard.text("#hp-mu-message"), "Invalid mu: must be a finite number > 0");
  });

  it("shows named parameters as a table of values and ranges, and asks to start from saved parameters", async () => {
    const space = { rate: logUniform(1e-5, 1e-1), layers: integer(1, 8), solver: choice(["cg", "gmres"]), weights: vector(12, { lower: -1, upper: 1 }) };
    const point = encodeParameters(space, { rate: 1e-3, layers: 3, solver: "gmres", weights: Array.from({ length: 12 }, (_, i) => i / 12) });
    const parameters = summarizeParameters(zoar.runId, { value: 0.25, iteration: 9, point }, 20, 6, space);
    await dashboard.send(snapshotMessage([runSnapshot(zoar, "done")], { selectedRunId: zoar.runId, parameters }));
    assert.ok(!(await dashboard.page.locator("#parameters-table").isVisible()), "no coordinate table for named parameters");
    const rows = await dashboard.page.locator("#named-parameters-table tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("th, td"), (cell) => cell.textContent?.trim() ?? "")));
    assert.deepEqual(rows, [
      ["rate", formatValue(1e-3), "[0.00001, 0.1], log scale", ""],
      ["layers", "3", "[1, 8], integers", ""],
      ["solver", "gmres", 'choice("cg", "gmres")', ""],
      ["weights", "12 values", "vector(12) in [-1, 1]", ""],
    ]);
    const meters = await dashboard.page.locator("#named-parameters-table meter").evaluateAll((ms) => ms.map((m) => (m as HTMLMeterElement).value));
    assert.equal(meters.length, 2);
    assert.ok(Math.abs(meters[0] - 0.5) < 1e-9, "1e-3 sits in the middle of [1e-5, 1e-1] on a log scale");
    assert.equal(meters[1], 2.5 / 8);
    assert.equal(await dashboard.page.locator("#vector-histograms canvas").getAttribute("data-bars"), "6");
    assert.match(await dashboard.text("#best-parameters-summary"), /4 parameters/);
    await dashboard.page.locator("#named-parameters-table").scrollIntoViewIfNeeded();
    await dashboard.screenshot("named-parameters.png");

    await dashboard.clearPosted();
    await dashboard.page.locator("#start-from-saved").click();
    await dashboard.page.locator("#start").click();
    const start = (await dashboard.waitForPosted("start")) as StartMessage;
    assert.equal(start.startFromSaved, true);
    await dashboard.send({ type: "response", requestId: start.requestId, ok: false, field: "startFromSaved", message: "No saved parameters to start from" });
    assert.equal(await dashboard.text("#start-from-saved-message"), "No saved parameters to start from");
  });

  it("starts from the keyboard: Enter on the focused Start button", async () => {
    await dashboard.send(snapshotMessage());
    await dashboard.clearPosted();
    await dashboard.page.locator("#start").focus();
    await dashboard.page.keyboard.press("Enter");
    const start = (await dashboard.waitForPosted("start")) as StartMessage;
    assert.deepEqual({ ...start, requestId: 0 }, { type: "start", requestId: 0, optimizer: "zoar", overrides: {}, seed: 0, stop: { iterations: 1000 } });

    // The host's answer about a folded field unfolds it.
    assert.ok(!(await dashboard.page.locator("#hp-eps").isVisible()));
    await dashboard.send({ type: "response", requestId: start.requestId, ok: false, field: "eps", message: "Invalid eps: must be > 0 for adaptive updates" });
    assert.ok(await dashboard.page.locator("#hp-eps").isVisible());
    assert.equal(await dashboard.text("#hp-eps-message"), "Invalid eps: must be > 0 for adaptive updates");
    assert.equal(await dashboard.page.locator("#advanced-toggle").getAttribute("aria-expanded"), "true");
  });

  it("shows a message next to each bad field and posts nothing", async () => {
    await dashboard.send(snapshotMessage());
    await dashboard.type("hp-lr", "-1");
    assert.equal(await dashboard.text("#hp-lr-message"), "must be a number > 0");
    await dashboard.type("hp-queries", "2.5");
    assert.equal(await dashboard.text("#hp-queries-message"), "must be an integer >= 1");
    await dashboard.type("hp-mu", "abc");
    assert.equal(await dashboard.text("#hp-mu-message"), "must be a number > 0");
    await dashboard.type("seed", "-3");
    assert.equal(await dashboard.text("#seed-message"), "must be an integer in [0, 2^32)");
    await dashboard.type("stop-evaluations", "0");
    assert.equal(await dashboard.text("#stop-evaluations-message"), "must be an integer >= 1");
    await dashboard.type("hp-lr", "0.5");
    assert.equal(await dashboard.text("#hp-lr-message"), "", "a corrected field loses its message");

    await dashboard.clearPosted();
    await dashboard.page.locator("#start").click();
    assert.match(await dashboard.text("#form-message"), /^Fix the fields marked above\.$/);
    assert.equal(await dashboard.page.evaluate(() => document.activeElement?.id), "hp-queries", "the first bad field gets the focus");
    assert.deepEqual(await dashboard.posted(), []);
  });

  it("compares the checked optimizers with the same seed and stop conditions", async () => {
    await dashboard.send(snapshotMessage());
    await dashboard.clearPosted();
    await dashboard.page.locator("#compare").click();
    assert.equal(await dashboard.text("#form-message"), "Pick at least two optimizers to compare.");
    await dashboard.page.locator("#compare-zoar").click();
    await dashboard.page.locator("#compare-vanilla").click();
    await dashboard.page.locator("#compare-radazo").click();
    await dashboard.page.locator("#compare").click();
    const compare = await dashboard.waitForPosted("compare");
    assert.deepEqual({ ...compare, requestId: 0 }, { type: "compare", requestId: 0, optimizers: ["zoar", "vanilla", "radazo"], seed: 0, stop: { iterations: 1000 } });
  });

  it("asks to save the best parameters and shows where they went", async () => {
    await dashboard.send(snapshotMessage(), ...zoar.progress);
    await dashboard.clearPosted();
    await dashboard.page.getByRole("button", { name: "Save Tuned Parameters" }).click();
    const save = await dashboard.waitForPosted("saveParameters");
    assert.deepEqual({ ...save, requestId: 0 }, { type: "saveParameters", requestId: 0, runId: zoar.runId });
    await dashboard.send({ type: "response", requestId: (save as { requestId: number }).requestId, ok: true, message: "Saved to examples/quadratic.params.json" });
    assert.equal(await dashboard.text("#parameters-message"), "Saved to examples/quadratic.params.json");
  });

  it("shows what an optimizer without a query buffer keeps (zohs: held estimates, moments)", async () => {
    const zohs = recordRun({ optimizer: "zohs", iterations: 50, runId: "zohs-7", label: "zohs #1" });
    await dashboard.send(snapshotMessage(), ...zohs.progress);
    assert.match(await dashboard.text("#inspector-summary"), /Keeps no query buffer.*averages its last estimates/);
    assert.equal(await dashboard.page.locator("#history-table tbody tr").count(), 10, "this iteration's K queries");
    const held = await dashboard.text("#held-estimates");
    assert.equal((held.match(/iteration/g) ?? []).length, 6, held);
    assert.match(await dashboard.text("#optimizer-state"), /Last estimate norm.*Second moment norm \(v\)/);
  });

  it("keeps its state across a reload (setState) and asks for a fresh snapshot", async () => {
    await dashboard.send(snapshotMessage(), ...zoar.progress);
    await dashboard.type("hp-lr", "0.02");
    await dashboard.page.waitForFunction(() => sessionStorage.getItem("zoar-webview-state")?.includes('"0.02"'), undefined, { timeout: 5000 });
    await dashboard.page.reload();
    await dashboard.waitForPosted("ready");
    await dashboard.page.waitForFunction(() => document.getElementById("run-iteration")?.textContent === "300");
    assert.equal(await dashboard.page.locator("#history-table tbody tr").count(), 60);
    assert.equal((await dashboard.chartData("convergence"))[0].length, 300);
    assert.equal(await dashboard.page.locator("#hp-lr input").inputValue(), "0.02");
  });

  it("asks for a snapshot when a progress message does not fit, and ignores unknown messages", async () => {
    await dashboard.send(snapshotMessage(), ...zoar.progress.slice(0, 3));
    await dashboard.clearPosted();
    await dashboard.send(zoar.progress[5]);
    assert.deepEqual(await dashboard.posted(), [{ type: "ready" }]);
    assert.equal(await dashboard.text("#run-iteration"), "30", "the series was left as it was");
    await dashboard.page.evaluate(() => {
      for (const data of [{ type: "format-disk" }, "not an object", null]) window.dispatchEvent(new MessageEvent("message", { data }));
    });
    await dashboard.send(zoar.progress[6]);
    assert.equal(await dashboard.text("#run-iteration"), "30", "progress waits for the snapshot");
    await dashboard.send(snapshotMessage([runSnapshot(zoar)]));
    assert.equal(await dashboard.text("#run-iteration"), "300");
  });

  it("shows the host's errors until the user starts again", async () => {
    await dashboard.send(snapshotMessage(), { type: "error", message: "The objective failed to load: examples/quadratic.ts:3:7 Unexpected token" });
    assert.equal(await dashboard.text("#messages"), "The objective failed to load: examples/quadratic.ts:3:7 Unexpected token");
    assert.equal(await dashboard.page.locator("#messages").getAttribute("role"), "alert");
    await dashboard.send(snapshotMessage());
    assert.match(await dashboard.text("#messages"), /failed to load/, "a snapshot does not hide it");
    await dashboard.page.locator("#start").click();
    assert.equal(await dashboard.text("#messages"), "");
  });

  it("is held to its Content-Security-Policy: an inline script is refused and reported", async () => {
    const policy = await dashboard.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    assert.match(policy ?? "", /default-src 'none'; script-src 'nonce-[^']+'; style-src https:\/\/\*\.vscode-cdn\.net/);
    const ran = await dashboard.page.evaluate(async () => {
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return (window as unknown as { inlineRan?: boolean }).inlineRan === true;
    });
    assert.equal(ran, false);
    const violations = (await dashboard.cspViolations()) as { directive: string }[];
    assert.ok(violations.some((v) => v.directive.startsWith("script-src")), JSON.stringify(violations));
    assert.ok(dashboard.pageErrors.some((e) => e.includes("violates the following Content Security Policy")));
    // This test's own violation is not the dashboard's.
    await dashboard.page.evaluate(() => ((window as unknown as { __cspViolations: unknown[] }).__cspViolations.length = 0));
    dashboard.pageErrors.length = 0;
  });

  for (const theme of ["light", "dark"] as const) {
    it(`renders in the ${theme} theme (screenshot kept in test-artifacts/webview)`, async () => {
      const vanilla = recordRun({ optimizer: "vanilla", iterations: 300, runId: "vanilla-7", label: "vanilla #2" });
      // The host selects the run it starts; its progress then fills the header, inspector and parameters.
      await dashboard.send(snapshotMessage([runSnapshot(vanilla, "done")], { selectedRunId: zoar.runId }), ...zoar.progress);
      assert.equal(await dashboard.text("#run-optimizer"), "zoar (seed 7)");
      // A theme change redraws with the theme's colors (the first run is drawn in --vscode-charts-blue).
      await dashboard.setTheme(theme);
      const blue = theme === "light" ? "rgb(26, 133, 255)" : "rgb(55, 148, 255)";
      await dashboard.page.waitForFunction((blue) => getComputedStyle(document.querySelector("#runs-table .swatch")!).backgroundColor === blue, blue);
      const background = await dashboard.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, theme === "light" ? "rgb(255, 255, 255)" : "rgb(31, 31, 31)");
      const file = await dashboard.screenshot(`dashboard-${theme}.png`);
      assert.ok(fs.statSync(file).size > 10_000);
    });
  }
});
