// The fine-tuning example in a real VS Code: Optimize Objective on
// finetune.ts tunes USE-Lite's LayerNorms and the head through onnxruntime in
// the run's process, and the dashboard's Metrics chart shows the held-out
// accuracy while the run goes. A short run on a small subset (the example's
// ZOAR_FINETUNE_* variables reach the run through the editor's environment).
import assert from "node:assert/strict";
import { ensureUseLiteModels } from "../../examples/finetune-spam/model/models";
import { useEnvironment } from "../examples/environment";
import { withCodeServer } from "./suite";
import { poll } from "./workbench";

const ITERATIONS = 300;
const METRICS_EVERY = 10;
const SUBSET = { ZOAR_FINETUNE_TRAIN: "64", ZOAR_FINETUNE_TEST: "32", ZOAR_FINETUNE_BATCH: "8", ZOAR_FINETUNE_METRICS_EVERY: String(METRICS_EVERY) };

describe("e2e: fine-tuning USE-Lite (examples/finetune-spam) in code-server", function () {
  useEnvironment(SUBSET);
  before(() => ensureUseLiteModels()); // the models are generated files: made here, copied with the example

  const e2e = withCodeServer({
    copy: [],
    // The example in place (its model/ imports the project's ONNX writer from ../../../src, and its
    // generated models are large), and node_modules, where it finds the model's package and the corpus.
    links: { "examples/finetune-spam": "examples/finetune-spam", node_modules: "node_modules" },
    workspaceSettings: { "zoar.optimizer": "zoar-pairs", "zoar.iterations": ITERATIONS },
    userSettings: { "explorer.compactFolders": false }, // examples and finetune-spam as two folders to open
  });

  it("shows the held-out metrics in the Metrics chart while the run goes, then at the end, and the objective's learning rate in the form", async () => {
    const { workbench } = e2e;
    // Open examples/, then finetune-spam/ (a link: its children may take a moment; the arrow key opens a selected folder).
    for (const [folder, child] of [["examples", "finetune-spam"], ["finetune-spam", "finetune.ts"]]) {
      await workbench.explorerItem(folder).click();
      await workbench.explorerItem(child).waitFor({ timeout: 5_000 }).catch(async () => {
        await workbench.page.keyboard.press("ArrowRight");
        await workbench.explorerItem(child).waitFor({ timeout: 30_000 });
      });
    }
    await workbench.explorerContextMenu("finetune.ts", "Optimize Objective");
    const dashboard = await workbench.dashboard("finetune");
    const whileRunning = await poll(
      "two metrics points in the chart while the run is running",
      async () => ({ points: (await dashboard.metricsPlotted())[0]?.length ?? 0, status: await dashboard.status() }),
      ({ points, status }) => points >= 2 && /^Running$/.test(status),
      90_000,
    );
    assert.ok(whileRunning.points >= 2);

    await dashboard.waitForStatus(/^Done$/, 120_000);
    const [iterations, accuracy] = await dashboard.metricsPlotted();
    const expected = Array.from({ length: ITERATIONS / METRICS_EVERY + 1 }, (_, i) => i * METRICS_EVERY);
    assert.deepEqual(iterations, expected, "metrics at iteration 0, every 10 iterations, and for the final parameters");
    for (const value of accuracy) assert.ok(typeof value === "number" && value >= 0 && value <= 1, `accuracy ${value}`);
    assert.match((await dashboard.frame.locator("#metrics-chart").getAttribute("aria-label")) ?? "", /accuracy .* at iteration 300/);
    // The settings form offers the objective's recommended rate (its optimizerDefaults), not zoar-pairs' preset 5e-5.
    assert.equal(await dashboard.fieldValue("hp-lr"), "0.001");
    assert.match(await dashboard.text("#hp-lr-help"), /0\.001 recommended by the objective/);
  });
});
