// Runs in float32: the objective's precision is the run's default, rows reach
// the objective in its own precision, config/checkpoint/result record it,
// resume continues bit for bit, and saved parameters are F32.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { OptimizerSnapshot } from "../../src/engine";
import { resumeRun, startRun } from "../../src/run/loop";
import { readSavedParameters, saveRunParameters, tensorsPathFor } from "../../src/run/params";
import { readSafetensors } from "../../src/run/safetensors";
import { RunStore } from "../../src/run/store";
import type { RunSettings, TraceLine } from "../../src/run/types";
import { runFixture, sameBits, useTemporaryFolder } from "./helpers";

function untimed(lines: TraceLine[]): string[] {
  return lines.map(({ elapsedMs: _elapsed, ...rest }) => JSON.stringify(rest));
}

describe("runs in float32", () => {
  const temporary = useTemporaryFolder();
  const settings = (more: Partial<RunSettings>): RunSettings => ({
    objectiveFile: runFixture("float32-quadratic.ts"),
    optimizer: "zoar",
    overrides: { lr: 0.02 },
    seed: 3,
    runsDir: path.join(temporary.dir, "runs"),
    ...more,
  });

  it("runs a float32 objective in float32: Float32Array rows and metrics, recorded in config, checkpoint and result", async () => {
    const loop = await startRun(settings({ stop: { iterations: 12 } }));
    const result = await loop.run();
    assert.equal(result.status, "done", result.error?.message);
    assert.equal(result.precision, "float32");
    const store = RunStore.open(loop.runDir);
    assert.equal(store.readConfig().config.precision, "float32");
    assert.equal(store.readResult()!.precision, "float32");
    const checkpoint = store.readCheckpoint();
    const snapshot = checkpoint.snapshot as OptimizerSnapshot;
    assert.equal(snapshot.config.precision, "float32");
    for (const [what, x] of [["theta", snapshot.theta], ["m", snapshot.moments.m], ["best", checkpoint.best.parameters], ["last measured", checkpoint.lastMeasured!.parameters]] as const) {
      assert.ok(x instanceof Float32Array, what);
    }
    assert.deepEqual(
      store.readTrace().lines.filter((line) => line.metrics).map((line) => line.iteration),
      [0, 5, 10],
      "metrics() ran on Float32Array theta",
    );
  });

  it("resumes a float32 run bit-identically to an uninterrupted one", async () => {
    const straight = await (await startRun(settings({ stop: { iterations: 40 }, runsDir: path.join(temporary.dir, "straight") }))).run();
    const first = await startRun(settings({ stop: { iterations: 17 } }));
    await first.run();
    const resumed = await resumeRun(first.runDir, { stop: { iterations: 40 } });
    const result = await resumed.run();
    assert.equal(result.iterations, 40);
    assert.ok(Object.is(result.bestValue, straight.bestValue));
    assert.ok(Object.is(result.finalValue, straight.finalValue));
    const a = RunStore.open(straight.runDir!);
    const b = RunStore.open(first.runDir);
    assert.deepEqual(untimed(b.readTrace().lines), untimed(a.readTrace().lines));
    const [ca, cb] = [a.readCheckpoint(), b.readCheckpoint()];
    const [sa, sb] = [ca.snapshot as OptimizerSnapshot, cb.snapshot as OptimizerSnapshot];
    for (const [what, x, y] of [
      ["theta", sa.theta, sb.theta],
      ["first moment", sa.moments.m, sb.moments.m],
      ["second moment", sa.moments.v, sb.moments.v],
      ["best point", ca.best.parameters, cb.best.parameters],
    ] as const) {
      assert.ok(x instanceof Float32Array, what);
      const same = sameBits(x, y);
      assert.ok(same.equal, `${what}: ${same.message}`);
    }
  });

  it("a float64 objective run in float32 still gets Float64Array rows", async () => {
    const loop = await startRun(settings({ objectiveFile: runFixture("float64-rows.ts"), overrides: { lr: 0.02, precision: "float32" }, stop: { iterations: 5 } }));
    const result = await loop.run();
    assert.equal(result.status, "done", result.error?.message);
    assert.equal(result.precision, "float32");
    assert.ok((RunStore.open(loop.runDir).readCheckpoint().snapshot as OptimizerSnapshot).theta instanceof Float32Array);
  });

  it("a float32 objective can be run in float64 (--precision float64): it still gets Float32Array rows", async () => {
    const loop = await startRun(settings({ overrides: { lr: 0.02, precision: "float64" }, stop: { iterations: 5 } }));
    const result = await loop.run();
    assert.equal(result.status, "done", result.error?.message);
    assert.equal(result.precision, "float64");
    assert.ok((RunStore.open(loop.runDir).readCheckpoint().snapshot as OptimizerSnapshot).theta instanceof Float64Array);
  });

  it("CMA-ES keeps float64 on a float32 objective", async () => {
    const loop = await startRun(settings({ optimizer: "sep-cma-es", overrides: {}, stop: { iterations: 3 } }));
    const result = await loop.run();
    assert.equal(result.status, "done", result.error?.message);
    assert.equal(result.precision, "float64");
  });

  it("saves the parameters of a large float32 run as F32 safetensors, half the bytes of F64, and reads them back", async function () {
    this.timeout(120_000);
    const loop = await startRun(settings({ objectiveFile: runFixture("float32-large.ts"), overrides: { lr: 0.05 }, stop: { iterations: 3 } }));
    const result = await loop.run();
    assert.equal(result.status, "done", result.error?.message);
    const target = path.join(temporary.dir, "saved", "large.params.json");
    saveRunParameters(result.runDir!, target);
    const file = tensorsPathFor(target);
    const { tensors } = readSafetensors(file);
    assert.ok(tensors.best.data instanceof Float32Array && tensors.final.data instanceof Float32Array, "F32 tensors");
    const header = Number(new DataView(fs.readFileSync(file).buffer).getBigUint64(0, true));
    assert.equal(fs.statSync(file).size, 8 + header + 2 * 150_000 * 4);
    const checkpoint = RunStore.open(result.runDir!).readCheckpoint();
    assert.ok(sameBits(tensors.best.data, checkpoint.best.parameters).equal);
    const saved = readSavedParameters(target);
    assert.deepEqual(saved.parameters, Array.from(checkpoint.best.parameters));
    assert.equal(saved.final.parameters.length, 150_000);
  });
});
