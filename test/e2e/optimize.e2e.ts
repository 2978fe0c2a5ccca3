// A user's main path in a real VS Code: right-click an example objective,
// watch the run in the dashboard, inspect and step the optimizer, save the
// tuned parameters, and find the runs again after reloading the window.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { CodeServer } from "./codeServer";
import { type Dashboard, Workbench, launchBrowser, poll } from "./workbench";

describe("e2e: optimizing an example objective in code-server", function () {
  let server: CodeServer;
  let browser: Browser;
  let workbench: Workbench;
  let dashboard: Dashboard;

  before(async () => {
    server = await CodeServer.start({
      copy: ["examples/levy.ts"],
      workspaceSettings: { "zoar.optimizer": "zoar", "zoar.iterations": 10_000, "zoar.seed": 3 },
    });
    browser = await launchBrowser();
    workbench = await Workbench.open(browser, server);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(async function () {
    await workbench?.screenshot(this.currentTest!.fullTitle().replace(/[^a-z0-9]+/gi, "-").toLowerCase());
  });

  it("Optimize Objective from the Explorer opens the dashboard, which follows the run to done", async () => {
    await workbench.explorerContextMenu("levy.ts", "Optimize Objective");
    dashboard = await workbench.dashboard();
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
});
