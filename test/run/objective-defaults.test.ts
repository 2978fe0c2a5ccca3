// An objective's optimizerDefaults through the real evaluator and run loop:
// they apply under the run's own settings, only for the optimizer they name.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { optimizerEntry } from "../../src/engine";
import { startRun } from "../../src/run/loop";
import { RunStore } from "../../src/run/store";
import type { RunSettings } from "../../src/run/types";
import { runFixture, useTemporaryFolder } from "./helpers";

describe("an objective's recommended optimizer settings (optimizerDefaults)", () => {
  const temporary = useTemporaryFolder();
  const settings = (more: Partial<RunSettings>): RunSettings => ({
    objectiveFile: runFixture("recommends-settings.ts"),
    optimizer: "spsa",
    stop: { iterations: 3 },
    runsDir: path.join(temporary.dir, "runs"),
    ...more,
  });

  async function configOf(more: Partial<RunSettings>) {
    const loop = await startRun(settings(more));
    const result = await loop.run();
    assert.equal(result.status, "done", result.error?.message);
    return RunStore.open(loop.runDir).readConfig();
  }

  it("applies the objective's settings for the optimizer it names and records them apart from the run's", async () => {
    const config = await configOf({});
    assert.equal(config.config.lr, 0.05);
    assert.equal(config.config.mu, 0.02);
    assert.deepEqual(config.recommended, { lr: 0.05, mu: 0.02 });
    assert.deepEqual(config.overrides, {});
  });

  it("lets a setting given for the run win over the objective's", async () => {
    const config = await configOf({ overrides: { lr: 0.01 } });
    assert.equal(config.config.lr, 0.01, "the run's lr");
    assert.equal(config.config.mu, 0.02, "the objective's mu, which the run left alone");
    assert.deepEqual(config.overrides, { lr: 0.01 });
  });

  it("leaves an optimizer the objective does not name at its preset", async () => {
    const config = await configOf({ optimizer: "zoar" });
    assert.equal(config.config.lr, optimizerEntry("zoar").config.lr);
    assert.equal(config.recommended, undefined);
  });

  it("a recommended decaying lr schedule without a horizon decays over the run's iterations", async () => {
    const file = path.join(temporary.dir, "recommends-schedule.ts");
    fs.writeFileSync(file, 'import { defineObjective } from "zoar";\nexport default defineObjective({ dimension: 2, optimizerDefaults: { spsa: { lrSchedule: "cosine", lrFinalFraction: 0.2 } }, evaluate: (x) => x[0] * x[0] });\n');
    const config = await configOf({ objectiveFile: file, stop: { iterations: 7 } });
    assert.deepEqual([config.config.lrSchedule, config.config.lrDecaySteps, config.config.lrFinalFraction], ["cosine", 7, 0.2]);
    const constant = await configOf({ objectiveFile: file, overrides: { lrSchedule: "constant" } });
    assert.deepEqual([constant.config.lrSchedule, constant.config.lrDecaySteps], ["constant", 0], "the run's constant wins; no horizon is set");
  });

  it("names the objective file and the optimizer when a recommended setting is invalid", async () => {
    const file = path.join(temporary.dir, "bad-settings.ts");
    fs.writeFileSync(file, 'import { defineObjective } from "zoar";\nexport default defineObjective({ dimension: 2, optimizerDefaults: { spsa: { lr: -1 } }, evaluate: (x) => x[0] * x[0] });\n');
    await assert.rejects(startRun(settings({ objectiveFile: file })), (error: Error) => {
      assert.match(error.message, /^Invalid lr: .*optimizerDefaults\["spsa"\] of .*bad-settings\.ts/);
      return true;
    });
  });
});
