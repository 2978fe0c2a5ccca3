// Objectives that fail: the user is told what broke and where, a hung
// objective is stopped by the evaluation timeout, and the extension goes on
// working for the next run.
import assert from "node:assert/strict";
import { withCodeServer } from "./suite";
import { poll } from "./workbench";

describe("e2e: failing objectives in code-server", function () {
  const e2e = withCodeServer({
    copy: ["examples/levy.ts", "test/e2e/fixtures/failing"],
    workspaceSettings: { "zoar.iterations": 2_000, "zoar.evaluationTimeout": 2 },
  });

  it("an objective that throws raises a notification naming its file and line, and Show opens that line", async () => {
    await e2e.workbench.explorerContextMenu("throws.ts", "Optimize Objective");
    const message = await e2e.workbench.waitForNotification(/throws\.ts failed/);
    assert.match(message, /^zoar: zoar on throws\.ts failed: throws\.ts:12:\d+: evaluate threw at iteration \d+, query \d+: Error: the simulator diverged/);
    const dashboard = await e2e.workbench.dashboard("throws");
    await dashboard.waitForStatus(/^Failed$/);
    assert.match(await dashboard.text("#run-reason"), /the simulator diverged/);

    await e2e.workbench.notificationAction(/throws\.ts failed/, "Show");
    await e2e.workbench.page.locator(".tab.active", { hasText: "throws.ts" }).waitFor();
    assert.match(await poll("the cursor on the failing line", () => e2e.workbench.cursorPosition(), (text) => text.startsWith("Ln 12,")), /^Ln 12, Col \d+/);

    // The run log has the failure and what the objective printed before it.
    await e2e.workbench.runCommand("zoar: Show Run Log");
    const log = await poll("the run log", () => e2e.workbench.outputText(), (text) => text.includes("the simulator diverged"));
    assert.match(log, /throws\.ts: simulator: 100 steps, still stable/);
  });

  it("an objective that hangs is stopped by the evaluation timeout", async () => {
    await e2e.workbench.clearNotifications();
    const started = Date.now();
    await e2e.workbench.explorerContextMenu("hangs.ts", "Optimize Objective");
    const message = await e2e.workbench.waitForNotification(/hangs\.ts failed/);
    const elapsed = Date.now() - started;
    assert.match(message, /hangs\.ts: evaluation did not finish within 2000 ms at iteration \d+, query \d+/);
    assert.ok(elapsed < 30_000, `the 2 s timeout ended the run in ${elapsed} ms`);
    const dashboard = await e2e.workbench.dashboard("hangs");
    await dashboard.waitForStatus(/^Failed$/);
  });

  it("the extension keeps working: the next objective runs to done", async () => {
    await e2e.workbench.clearNotifications();
    await e2e.workbench.explorerContextMenu("levy.ts", "Optimize Objective");
    const dashboard = await e2e.workbench.dashboard("levy");
    await dashboard.waitForStatus(/^Done$/);
    assert.equal(await dashboard.iteration(), 2_000);
    assert.deepEqual(await e2e.workbench.notifications(), [], "no new failure");
    assert.deepEqual(e2e.workbench.errors, [], "no script errors in the workbench");
  });
});
