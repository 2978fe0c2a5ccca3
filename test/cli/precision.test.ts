import * as assert from "node:assert/strict";
import * as path from "node:path";
import type { OptimizerSnapshot } from "../../src/engine";
import { RunStore } from "../../src/run/store";
import type { TraceLine } from "../../src/run/types";
import { sameBits, useTemporaryFolder } from "../run/helpers";
import { explain, jsonOf, RUN_FIXTURES, runCli } from "./helpers";

function untimed(lines: TraceLine[]): string[] {
  return lines.map(({ elapsedMs: _elapsed, ...rest }) => JSON.stringify(rest));
}

describe("zoar run --precision", () => {
  const temporary = useTemporaryFolder("zoar-cli-test-");
  const float32Objective = path.join(RUN_FIXTURES, "float32-quadratic.ts");
  const common = ["--lr", "0.02", "--seed", "5", "--json"];

  it("runs in float32 end to end, and a resumed float32 run equals an uninterrupted one bit for bit", async () => {
    const first = await runCli(["run", float32Objective, "--iterations", "23", ...common, "--runs-dir", "first"], temporary.dir);
    assert.equal(first.code, 0, explain(first));
    const runDir = jsonOf(first).runDir as string;
    const store = RunStore.open(runDir);
    assert.equal(store.readConfig().config.precision, "float32");
    assert.equal(store.readResult()!.precision, "float32");

    const resumed = await runCli(["resume", runDir, "--iterations", "50", "--precision", "float32", "--json"], temporary.dir);
    assert.equal(resumed.code, 0, explain(resumed));
    const straight = await runCli(["run", float32Objective, "--iterations", "50", "--precision", "float32", ...common, "--runs-dir", "straight"], temporary.dir);
    assert.equal(straight.code, 0, explain(straight));
    const [a, b] = [jsonOf(resumed), jsonOf(straight)];
    assert.equal(a.bestValue, b.bestValue);
    assert.equal(a.finalValue, b.finalValue);
    const reference = RunStore.open(b.runDir as string);
    assert.deepEqual(untimed(store.readTrace().lines), untimed(reference.readTrace().lines));
    const [x, y] = [store.readCheckpoint().snapshot as OptimizerSnapshot, reference.readCheckpoint().snapshot as OptimizerSnapshot];
    assert.ok(x.theta instanceof Float32Array);
    assert.ok(sameBits(x.theta, y.theta).equal, "theta");
    assert.ok(sameBits(x.moments.v, y.moments.v).equal, "second moment");
  });

  it("--precision float32 runs a float64 objective in float32; resume refuses another precision, naming the flag", async () => {
    const run = await runCli(["run", path.join(RUN_FIXTURES, "float64-rows.ts"), "--iterations", "5", "--precision", "float32", ...common], temporary.dir);
    assert.equal(run.code, 0, explain(run));
    const runDir = jsonOf(run).runDir as string;
    assert.equal(RunStore.open(runDir).readConfig().config.precision, "float32");
    const refused = await runCli(["resume", runDir, "--iterations", "8", "--precision", "float64"], temporary.dir);
    assert.equal(refused.code, 2, explain(refused));
    assert.match(refused.stderr, /--precision float64: .* runs in float32, and a resume continues in the run's own precision/);
  });

  it("a bad --precision value is a usage error naming the flag and the choices", async () => {
    for (const command of ["run", "compare"]) {
      const outcome = await runCli([command, float32Objective, "--precision", "float16"], temporary.dir);
      assert.equal(outcome.code, 2, explain(outcome));
      assert.match(outcome.stderr, /--precision/);
      assert.match(outcome.stderr, /expected one of float64, float32, got "float16"/);
    }
  });

  it("--precision float32 with a CMA-ES optimizer is a usage error", async () => {
    const outcome = await runCli(["compare", float32Objective, "--optimizers", "zoar,sep-cma-es", "--precision", "float32", "--iterations", "3"], temporary.dir);
    assert.equal(outcome.code, 2, explain(outcome));
    assert.match(outcome.stderr, /--precision float32: sep-cma-es keeps its state in float64 only/);
  });
});
