import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startRun } from "../../src/run/loop";
import { checkParamsTarget, defaultParamsPath, ParamsConflictError, readSavedParameters, saveRunParameters } from "../../src/run/params";
import { RunStore } from "../../src/run/store";
import type { RunResult } from "../../src/run/types";
import { runFixture, useTemporaryFolder } from "./helpers";

describe("saved parameters", () => {
  const temporary = useTemporaryFolder();

  /** A finished run of a copy of the quadratic fixture at `objectiveFile`. */
  async function runOn(objectiveFile: string): Promise<RunResult> {
    fs.mkdirSync(path.dirname(objectiveFile), { recursive: true });
    fs.copyFileSync(runFixture("quadratic.ts"), objectiveFile);
    const loop = await startRun({ objectiveFile, optimizer: "zoar", overrides: { lr: 0.05 }, stop: { iterations: 12 }, runsDir: path.join(temporary.dir, "runs") });
    return loop.run();
  }

  it("go beside the objective as <name>.params.json: best point, last measured point, relative paths", async () => {
    const objective = path.join(temporary.dir, "project", "tune.ts");
    const result = await runOn(objective);
    assert.equal(defaultParamsPath(objective), path.join(temporary.dir, "project", "tune.params.json"));
    const file = saveRunParameters(result.runDir!);
    assert.equal(file, path.join(temporary.dir, "project", "tune.params.json"));

    const saved = readSavedParameters(file);
    const checkpoint = RunStore.open(result.runDir!).readCheckpoint();
    assert.equal(saved.objective, "tune.ts");
    assert.equal(saved.name, "quadratic");
    assert.equal(saved.optimizer, "zoar");
    assert.equal(saved.value, result.bestValue);
    assert.deepEqual(saved.parameters, Array.from(checkpoint.best.parameters));
    assert.equal(saved.iteration, result.bestIteration);
    assert.equal(saved.final.value, result.finalValue);
    assert.equal(saved.final.iteration, 11);
    assert.deepEqual(saved.final.parameters, Array.from(checkpoint.lastMeasured!.parameters));
    assert.equal(path.resolve(path.dirname(file), saved.run), result.runDir);
    // The value belongs to its parameters: f(x) = sum (x_i - 1)^2.
    const f = (x: number[]) => x.reduce((sum, xi) => sum + (xi - 1) ** 2, 0);
    assert.equal(f(saved.parameters), saved.value);
    assert.equal(f(saved.final.parameters), saved.final.value);
  });

  it("replace a params file of the same objective, never one of another objective unless forced", async () => {
    const first = path.join(temporary.dir, "a", "objective.ts");
    const second = path.join(temporary.dir, "b", "objective.ts");
    const runA = await runOn(first);
    const runB = await runOn(second);
    const target = path.join(temporary.dir, "shared.params.json");

    saveRunParameters(runA.runDir!, target);
    saveRunParameters(runA.runDir!, target); // same objective: replaced
    const before = fs.readFileSync(target, "utf8");
    assert.throws(
      () => saveRunParameters(runB.runDir!, target),
      (error: unknown) => error instanceof ParamsConflictError && error.message.includes(`parameters of ${first}`) && error.message.includes("force"),
    );
    assert.equal(fs.readFileSync(target, "utf8"), before, "left as it was");
    saveRunParameters(runB.runDir!, target, { force: true });
    assert.equal(path.resolve(temporary.dir, readSavedParameters(target).objective), second);
  });

  it("refuse to overwrite a file that is not a params file", () => {
    const target = path.join(temporary.dir, "settings.json");
    fs.writeFileSync(target, '{"theme": "dark"}');
    assert.throws(() => checkParamsTarget(target, path.join(temporary.dir, "objective.ts")), /not a zoar params file/);
    fs.writeFileSync(target, "not json");
    assert.throws(() => checkParamsTarget(target, path.join(temporary.dir, "objective.ts")), /not a zoar params file/);
    assert.doesNotThrow(() => checkParamsTarget(target, path.join(temporary.dir, "objective.ts"), { force: true }));
  });
});
