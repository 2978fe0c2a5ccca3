// The ONNX example in a real VS Code: the black-box attack on the bundled
// MNIST classifier runs through onnxruntime-node inside VS Code's extension
// host (CPU here) and stops when the attack succeeds.
import assert from "node:assert/strict";
import { withCodeServer } from "./suite";

describe("e2e: the ONNX attack example in code-server", function () {
  const e2e = withCodeServer({
    copy: ["examples/mnist-attack/attack.ts", "examples/mnist-attack/classifier.onnx", "examples/mnist-attack/digits.json"],
    // The paper's attack settings (examples/mnist-attack/README.md); success is a negative loss.
    workspaceSettings: {
      "zoar.optimizer": "zoar",
      "zoar.hyperparameters": { lr: 0.01, queries: 2, mu: 0.5, histories: 5 },
      "zoar.iterations": 5_000,
      "zoar.target": 0,
    },
  });

  it("runs on the CPU provider and reaches success", async () => {
    const { workbench } = e2e;
    await workbench.explorerContextMenu("attack.ts", "Optimize Objective");
    const dashboard = await workbench.dashboard("mnist-attack");
    await dashboard.waitForStatus(/^Done$/, 150_000);
    assert.match(await dashboard.text("#run-provider"), /cpu/i);
    assert.match(await dashboard.text("#run-reason"), /target value reached/);
    const best = await dashboard.bestValue();
    assert.ok(best < 0, `the classifier now says the target class: loss ${best}`);
    assert.ok((await dashboard.iteration()) < 5_000, "success before the iteration cap");
  });
});
