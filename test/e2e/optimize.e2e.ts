// A user's main path in a real VS Code: right-click an example objective,
// watch the run in the dashboard, inspect and step the optimizer, save the
// tuned parameters, and find the runs again after reloading the window.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { withCodeServer } from "./suite";
import { formatValue } from "../../webview/format";
import { type Dashboard, parseCount, poll } from "./workbench";

describe("e2e: optimizing an example objective in code-server", function () {
  const e2e = withCodeServer({
    copy: ["examples/levy.ts"],
    workspaceSettings: { "zoar.optimizer": "zoar", "zoar.iterations": 10_000, "zoar.seed": 3 },
  });
  let dashboard: Dashboard;

  it("Optimize Objective from the Explorer opens the dashboard, which follows the run to done", async () => {
    await e2e.workbench.explorerContextMenu("levy.ts", "Optimize Objective");
    dashboard = await e2e.workbench.dashboard();
    const samples: { rows: number; lastX: number | null; best: number; status: string }[] = [];
    await poll(
      "the run to finish",
      async () => {
        const sample = { rows: (await dashboard.chartRows()).rows, lastX: await dashboard.lastPlottedX(), best: await dashboard.bestValue(), status: await dashboard.status() };
        samples.push(sample);
        return sample.status;
      },
      (status) => status === "Done",
      120_000,
    );
    const running = samples.filter((s) => s.status === "Running" && s.rows > 0);
    const seen = JSON.stringify(running);
    assert.ok(running.length >= 3, `the dashboard showed the run going: ${seen}`);
    // Long runs are decimated to at most 2,000 rows, so growth is read from the last iteration drawn.
    for (let i = 1; i < running.length; i++) assert.ok(running[i].lastX! >= running[i - 1].lastX!, `the chart only moves forward: ${seen}`);
    assert.ok(running[running.length - 1].lastX! > running[0].lastX!, `the chart grew while the run went: ${seen}`);
    assert.ok(running[1].rows > running[0].rows, `points were added: ${seen}`);
    assert.ok(running.every((s) => s.rows <= 2_000), `the chart keeps at most 2,000 rows: ${seen}`);
    const bests = running.map((s) => s.best).filter(Number.isFinite);
    for (let i = 1; i < bests.length; i++) assert.ok(bests[i] <= bests[i - 1], `the best value never rises: ${bests[i - 1]} then ${bests[i]}`);
    const finalBest = await dashboard.bestValue();
    assert.ok(finalBest < bests[0], `the best value decreased during the run: first seen ${bests[0]}, final ${finalBest}`);
    assert.equal(await dashboard.iteration(), 10_000);
    assert.match(await dashboard.text("#run-reason"), /iteration limit reached/);
  });

  it("the history-buffer inspector shows ZoAR's (N+1)K queries; Pause freezes it and Step advances one iteration", async () => {
    // The form starts from the workspace's zoar.* settings.
    assert.equal(await dashboard.fieldValue("seed"), "3");
    assert.equal(await dashboard.fieldValue("stop-iterations"), "10000");
    // A long run from the dashboard's own form, paused once the buffer is full.
    await dashboard.fill("stop-iterations", "1000000");
    await dashboard.click("start");
    await poll("the new run to go past iteration 20", () => dashboard.iteration(), (iteration) => iteration > 20);
    const bufferRows = 6 * 10; // (N + 1) K with the zoar defaults N = 5, K = 10
    await poll("the inspector to hold the warmed-up buffer", async () => (await dashboard.historyRows()).length, (rows) => rows === bufferRows);
    assert.match(await dashboard.text("#history-table caption"), /^60 of 60 queries/);

    await dashboard.click("pause");
    await dashboard.waitForStatus(/^Paused$/);
    const pausedAt = await dashboard.iteration();
    const frozen = await dashboard.historyRows();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(await dashboard.iteration(), pausedAt, "no iteration runs while paused");
    assert.deepEqual(await dashboard.historyRows(), frozen, "the buffer stays frozen while paused");
    assert.match(await dashboard.text("#inspector-state"), /paused|frozen/i);

    await dashboard.click("step");
    const stepped = await poll("one step", () => dashboard.iteration(), (iteration) => iteration !== pausedAt);
    assert.equal(stepped, pausedAt + 1, "Step runs exactly one iteration");
    assert.equal(await dashboard.status(), "Paused");
    const after = await poll("the inspector to show the stepped iteration", () => dashboard.historyRows(), (rows) => JSON.stringify(rows) !== JSON.stringify(frozen));
    assert.equal(after.length, bufferRows);
    const iterationsIn = (rows: string[][]) => [...new Set(rows.map((row) => parseCount(row[1])))].sort((a, b) => a - b);
    const before = iterationsIn(frozen);
    assert.deepEqual(iterationsIn(after), [...before.slice(1), before[before.length - 1] + 1], "the oldest iteration left the buffer and the new one came in");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(await dashboard.iteration(), pausedAt + 1, "still paused after the step");

    await dashboard.click("stop");
    await dashboard.waitForStatus(/^Stopped$/);
  });

  it("Save Tuned Parameters writes levy.params.json with the best value the dashboard shows", async () => {
    const shown = await dashboard.text("#best-value");
    await dashboard.click("save-parameters");
    const file = path.join(e2e.server.workspace, "levy.params.json");
    await poll("levy.params.json in the workspace", async () => fs.existsSync(file), (exists) => exists);
    const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { value: number; parameters: number[]; optimizer: string };
    assert.equal(formatValue(saved.value), shown);
    assert.equal(saved.parameters.length, 1000);
    assert.equal(saved.optimizer, "zoar");
    await poll("the dashboard's confirmation", () => dashboard.text("#parameters-message"), (text) => text === "Saved to levy.params.json");
    await e2e.workbench.page.locator(".tab", { hasText: "levy.params.json" }).waitFor();
    assert.equal(await dashboard.status(), "Stopped", "the dashboard stays in view beside the saved file");
  });

  it("after reloading the window, the dashboard restores the past runs", async () => {
    const runsBefore = await dashboard.runsListed();
    assert.equal(runsBefore.length, 2);
    const bestBefore = await dashboard.text("#best-value");
    await e2e.workbench.reload();
    dashboard = await e2e.workbench.dashboard();
    // The webview may first show the state VS Code kept for it, which can be a moment old; the
    // extension host's snapshot, read back from the runs folder, then brings it up to date.
    const expected = JSON.stringify(runsBefore);
    await poll("the restored runs list", () => dashboard.runsListed(), (runs) => JSON.stringify(runs) === expected);
    await dashboard.waitForStatus(/^Stopped$/, 30_000);
    assert.equal(await dashboard.text("#best-value"), bestBefore);
    assert.ok((await dashboard.chartRows()).rows > 0, "the restored run is drawn");
  });

  it("the objective's editor knows the zoar module: its types, and no error on the import", async () => {
    const { workbench } = e2e;
    await workbench.explorerItem("levy.ts").dblclick();
    const token = workbench.page.locator(".editor-instance .view-line span", { hasText: /^defineObjective$/ }).first();
    await token.waitFor();
    // The TypeScript server plugin answers once the server has loaded the project.
    const hover = await poll(
      "the hover on defineObjective to show the SDK's signature",
      async () => {
        await workbench.page.mouse.move(0, 0);
        await token.hover();
        await workbench.page.waitForTimeout(1_000);
        return (await workbench.page.locator(".monaco-hover-content").allTextContents()).join("\n");
      },
      (text) => text.includes("ObjectiveDefinition"),
      90_000,
    );
    assert.match(hover, /function defineObjective<T extends ObjectiveDefinition>\(definition: T\): T/);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal(await workbench.problemCounts(), "0 0", "no errors or warnings in levy.ts");
  });
});
