// An objective that leaks memory ends its own run process over the memory
// limit: the user is told it was memory, the dashboard keeps the failed run's
// trace, and the next objective runs to done in the same window.
import assert from "node:assert/strict";
import { withCodeServer } from "./suite";

describe("e2e: a run over its memory limit in code-server", function () {
  const e2e = withCodeServer({
    copy: ["examples/levy.ts", "test/e2e/fixtures/memory"],
    workspaceSettings: { "zoar.iterations": 2_000, "zoar.memoryLimitMB": 300 },
  });

  it("an objective leaking memory ends with a notification naming memory, the figure and the setting", async () => {
    await e2e.workbench.explorerContextMenu("leaks.ts", "Optimize Objective");
    const message = await e2e.workbench.waitForNotification(/leaks\.ts failed/);
    assert.match(message, /^zoar: zoar on leaks\.ts failed: leaks\.ts: the run used [\d,]+ MB, over its 300 MB memory limit, at iteration \d+ \(setting zoar\.memoryLimitMB\)/);
    const dashboard = await e2e.workbench.dashboard("leaks");
    await dashboard.waitForStatus(/^Failed$/);
    assert.match(await dashboard.text("#run-reason"), /memory limit/);
    // The leak starts after 200 evaluations (iteration 18): the trace up to the failure is kept.
    assert.ok((await dashboard.iteration()) >= 18, "the failed run keeps its iterations");
  });

  it("right after it, another objective runs to done in the same window", async () => {
    await e2e.workbench.clearNotifications();
    await e2e.workbench.explorerContextMenu("levy.ts", "Optimize Objective");
    const dashboard = await e2e.workbench.dashboard("levy");
    await dashboard.waitForStatus(/^Done$/);
    assert.equal(await dashboard.iteration(), 2_000);
    assert.deepEqual(await e2e.workbench.notifications(), [], "no new failure");
    assert.deepEqual(e2e.workbench.errors, [], "no script errors in the workbench");
  });
});
