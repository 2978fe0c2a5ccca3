// Runs of an objective with named parameters: the space and the defaults for
// normalised coordinates in config.json, a resume bit for bit, a warm start.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { optimizerEntry } from "../../src/engine";
import { resumeRun, type RunLoop, startRun } from "../../src/run/loop";
import { readSavedParameters, saveRunParameters } from "../../src/run/params";
import { NAMED_PARAMETER_DEFAULTS } from "../../src/run/space-defaults";
import { RunStore } from "../../src/run/store";
import type { RunSettings, TraceLine } from "../../src/run/types";
import { sameBits, useTemporaryFolder } from "./helpers";

const EXAMPLE = path.resolve(__dirname, "../../examples/mixed-parameters.ts");

function untimed(lines: TraceLine[]): string[] {
  return lines.map(({ elapsedMs: _elapsed, ...rest }) => JSON.stringify(rest));
}

describe("runs over named parameters", () => {
  const temporary = useTemporaryFolder();
  const settings = (more: Partial<RunSettings>): RunSettings => ({
    objectiveFile: EXAMPLE,
    optimizer: "zoar",
    seed: 5,
    runsDir: path.join(temporary.dir, "runs"),
    ...more,
  });
  const start = (more: Partial<RunSettings>): Promise<RunLoop> => startRun(settings(more));

  it("record the space, and use the defaults for normalised coordinates unless the user sets them", async () => {
    const plain = await start({ stop: { iterations: 2 } });
    const config = plain.started.config;
    assert.deepEqual(Object.keys(config.objective.parameters!), ["learningRate", "temperature", "layers", "solver", "weights"]);
    assert.equal(config.objective.dimension, 22);
    assert.equal(config.config.lr, NAMED_PARAMETER_DEFAULTS.lr);
    assert.equal(config.config.mu, NAMED_PARAMETER_DEFAULTS.mu);
    assert.deepEqual(config.overrides, {}, "overrides stay what the user asked");
    await plain.run();

    const chosen = await start({ stop: { iterations: 2 }, overrides: { lr: 0.2 } });
    assert.equal(chosen.started.config.config.lr, 0.2);
    assert.equal(chosen.started.config.config.mu, NAMED_PARAMETER_DEFAULTS.mu);
    await chosen.run();

    const sgd = await start({ stop: { iterations: 2 }, optimizer: "spsa" });
    assert.equal(sgd.started.config.config.lr, optimizerEntry("spsa").config.lr, "plain SGD steps keep their own");
    await sgd.run();
  });

  it("refuse to resume once the objective's parameters changed", async () => {
    const objective = path.join(temporary.dir, "mixed.ts");
    fs.copyFileSync(EXAMPLE, objective);
    const first = await start({ objectiveFile: objective, stop: { iterations: 2 } });
    await first.run();
    fs.writeFileSync(objective, fs.readFileSync(objective, "utf8").replace("integer(1, 8, { initial: 2 })", "integer(1, 9, { initial: 2 })"));
    await assert.rejects(resumeRun(first.runDir, { stop: { iterations: 4 } }), (error: Error) => {
      assert.match(error.message, /^the objective's parameters changed since the run was made \(learningRate logUniform\(0\.00001, 0\.1\), /);
      assert.match(error.message, /layers integer\(1, 8\), .* then, .*layers integer\(1, 9\), /);
      return true;
    });
  });

  it("resume bit for bit, and a warm start begins at the saved point", async () => {
    const straight = await (await start({ stop: { iterations: 40 } })).run();
    const first = await start({ stop: { iterations: 20 } });
    await first.run();
    const result = await (await resumeRun(first.runDir, { stop: { iterations: 40 } })).run();
    const [a, b] = [RunStore.open(straight.runDir!), RunStore.open(first.runDir)];
    assert.deepEqual(untimed(b.readTrace().lines), untimed(a.readTrace().lines));
    const same = sameBits(a.readCheckpoint().snapshot.theta, b.readCheckpoint().snapshot.theta);
    assert.ok(same.equal, same.message);
    assert.ok(Object.is(result.bestValue, straight.bestValue));

    const file = saveRunParameters(straight.runDir!, path.join(temporary.dir, "tuned.params.json"));
    const saved = readSavedParameters(file);
    const warm = await start({ stop: { iterations: 1 }, initialFile: file });
    assert.equal(warm.started.config.initialFile, file);
    await warm.run();
    const [line] = RunStore.open(warm.runDir).readTrace().lines;
    assert.ok(Math.abs(line.value - saved.value) <= 1e-12 * Math.max(1, saved.value), `${line.value} vs ${saved.value}`);
  });
});
