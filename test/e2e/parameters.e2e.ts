// Named parameters in a real VS Code: the dashboard shows the best point by
// name, Save writes the names, and a run started from the saved file begins
// at its value.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { withCodeServer } from "./suite";
import { type Dashboard, poll } from "./workbench";

interface Saved {
  value: number;
  parameters: Record<string, unknown>;
  vector: number[];
}

describe("e2e: an objective with named parameters in code-server", function () {
  const e2e = withCodeServer({
    copy: ["examples/mixed-parameters.ts"],
    workspaceSettings: { "zoar.optimizer": "zoar", "zoar.iterations": 300, "zoar.seed": 2 },
  });
  let dashboard: Dashboard;
  let saved: Saved;
  const paramsFile = () => path.join(e2e.server.workspace, "mixed-parameters.params.json");

  it("the dashboard shows the best parameters by name, with their ranges", async () => {
    await e2e.workbench.explorerContextMenu("mixed-parameters.ts", "Optimize Objective");
    dashboard = await e2e.workbench.dashboard();
    await dashboard.waitForStatus(/^Done$/);
    const rows = await poll(
      "the table of named parameters",
      () => dashboard.frame.locator("#named-parameters-table tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("th, td"), (cell) => cell.textContent?.trim() ?? ""))),
      (found) => found.length === 5,
    );
    assert.deepEqual(rows.map((row) => row[0]), ["learningRate", "temperature", "layers", "solver", "weights"]);
    assert.match(rows[0][2], /^\[0\.00001, 0\.1\], log scale$/);
    assert.match(rows[2][2], /^\[1, 8\], integers$/);
    assert.match(rows[3][1], /^(cg|gmres|bicgstab)$/);
    assert.equal(rows[4][1], "16 values");
    assert.equal(await dashboard.frame.locator("#named-parameters-table tbody tr meter").count(), 3, "a meter per scalar");
    assert.ok(await dashboard.frame.locator("#vector-histograms canvas").isVisible(), "the vector keeps its histogram");
    assert.match(await dashboard.text("#inspector-summary"), /Coordinates, each normalised to \[0, 1\]: 0 learningRate \(log scale\)/);
  });

  it("Save Tuned Parameters writes the parameters by name beside their normalised coordinates", async () => {
    await dashboard.click("save-parameters");
    await poll("mixed-parameters.params.json", async () => fs.existsSync(paramsFile()), (exists) => exists);
    saved = JSON.parse(fs.readFileSync(paramsFile(), "utf8")) as Saved;
    assert.deepEqual(Object.keys(saved.parameters), ["learningRate", "temperature", "layers", "solver", "weights"]);
    assert.equal(saved.vector.length, 22);
    await poll("the dashboard's confirmation", () => dashboard.text("#parameters-message"), (text) => text === "Saved to mixed-parameters.params.json");
  });

  it("a run started from the saved parameters begins at their value", async () => {
    await dashboard.click("start-from-saved");
    await dashboard.fill("stop-iterations", "3");
    await dashboard.click("start");
    await poll("the second run to finish", async () => (await dashboard.runsListed()).length, (runs) => runs === 2);
    await dashboard.waitForStatus(/^Done$/);
    const runsDir = path.join(e2e.server.workspace, ".zoar", "runs");
    const warm = fs
      .readdirSync(runsDir)
      .map((id) => path.join(runsDir, id))
      .find((dir) => JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8")).initialFile === paramsFile());
    assert.ok(warm, "a run records the file it started from");
    const first = JSON.parse(fs.readFileSync(path.join(warm, "trace.jsonl"), "utf8").split("\n")[0]) as { value: number };
    assert.ok(Math.abs(first.value - saved.value) <= 1e-12 * Math.max(1, saved.value), `began at ${first.value}, saved ${saved.value}`);
  });
});
