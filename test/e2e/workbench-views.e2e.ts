// The workbench around the dashboard, in code-server: the Runs view lists a
// run started by a terminal process while it runs and after it ends; the
// Getting Started walkthrough opens and its first step's command runs; a
// sweep from the dashboard overlays its runs with a legend by value.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ARTIFACTS, ROOT } from "./codeServer";
import { withCodeServer } from "./suite";
import { poll } from "./workbench";

describe("e2e: Runs view, walkthrough and sweep in code-server", function () {
  const e2e = withCodeServer({
    copy: ["test/fixtures/runs/slow-quadratic.ts", "test/fixtures/runs/quadratic.ts"],
    workspaceSettings: { "zoar.iterations": 200 },
  });

  /** The Runs view's rows as text (label and description). */
  async function runsViewRows(): Promise<string[]> {
    return e2e.workbench.page.locator(`[id="workbench.view.extension.zoar"] .monaco-list-row`).allTextContents();
  }

  it("lists a run started from a terminal process while it runs and after it is done", async () => {
    const { workbench, server } = e2e;
    await workbench.page.locator('.activitybar .action-item .action-label[aria-label^="zoar"]').click();
    await workbench.page.locator(`[id="workbench.view.extension.zoar"]`).waitFor();
    // The command line, as a terminal would start it, in the workspace.
    const cli = spawn(process.execPath, [path.join(ROOT, "dist/cli.js"), "run", "slow-quadratic.ts", "--iterations", "4000", "--seed", "2"], { cwd: server.workspace, stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => cli.on("exit", resolve));
    try {
      const running = await poll("the terminal's run listed as running", runsViewRows, (rows) => rows.some((row) => /zoar\s*best \S+ · [\d,]+ it · running/.test(row)), 90_000);
      assert.ok(running.some((row) => row.startsWith("slow-quadratic.ts")), `grouped under its objective file: ${running.join(" | ")}`);
      await workbench.screenshot("readme-runs-view-running");
      assert.equal(await exited, 0);
      const done = await poll("the run listed as done", runsViewRows, (rows) => rows.some((row) => /zoar\s*best \S+ · 4,000 it$/.test(row)), 60_000);
      assert.ok(!done.some((row) => row.includes("running")), done.join(" | "));
    } finally {
      cli.kill("SIGKILL");
    }
  });

  it("opens the Getting Started walkthrough, whose first step's button writes a new objective", async () => {
    const { workbench, server } = e2e;
    await workbench.runCommand("zoar: Get Started with zoar");
    const walkthrough = workbench.page.locator(".gettingStartedContainer");
    await walkthrough.getByText("Get started with zoar").first().waitFor({ timeout: 60_000 });
    // The first step opens selected; its button is the command of its description.
    const button = walkthrough.getByRole("button", { name: "New Objective" }).first();
    if (!(await button.isVisible())) await walkthrough.getByText("Write an objective").first().click();
    await button.click();
    const input = workbench.page.locator(".quick-input-widget input");
    await input.waitFor();
    await input.fill("first-objective");
    await input.press("Enter");
    const file = path.join(server.workspace, "first-objective.ts");
    await poll("first-objective.ts in the workspace", async () => fs.existsSync(file), (exists) => exists);
    assert.match(fs.readFileSync(file, "utf8"), /defineObjective\(/);
    await workbench.page.locator(".tabs-container .tab", { hasText: "first-objective.ts" }).waitFor();
  });

  it("sweeps the learning rate from the dashboard and overlays the runs with a legend by value", async () => {
    const { workbench } = e2e;
    // The side bar shows the Runs view since the first test: back to the Explorer.
    await workbench.page.locator('.activitybar .action-item .action-label[aria-label^="Explorer"]').click();
    await workbench.waitForExplorer();
    await workbench.explorerContextMenu("quadratic.ts", "Open Dashboard");
    const dashboard = await workbench.dashboard("quadratic");
    await dashboard.fill("sweep-values", "0.001, 0.1");
    await dashboard.click("sweep");
    const runs = await poll("both runs of the sweep to finish", () => dashboard.runsListed(), (rows) => rows.length === 2 && rows.every((row) => row[1] === "Done"), 120_000);
    assert.deepEqual(runs.map((row) => row[0]).sort(), ["zoar lr=0.001 #1", "zoar lr=0.1 #1"]);
    assert.equal((await dashboard.chartRows()).runs, 2);
    const legend = await dashboard.frame.locator("#convergence-chart .u-legend").textContent();
    for (const name of ["zoar lr=0.001 #1", "zoar lr=0.1 #1"]) assert.ok(legend?.includes(name), `the legend names ${name}: ${legend}`);
    const best = Object.fromEntries(runs.map((row) => [row[0], Number(row[3])]));
    assert.ok(best["zoar lr=0.1 #1"] < best["zoar lr=0.001 #1"], `the larger rate gets further in 200 iterations: ${JSON.stringify(best)}`);
    await workbench.screenshot("readme-dashboard-sweep");
    assert.ok(fs.existsSync(path.join(ARTIFACTS, "readme-dashboard-sweep.png")));
  });
});
