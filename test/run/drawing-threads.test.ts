import { strict as assert } from "node:assert";
import { type Optimizer, PARALLEL_MIN_DIMENSION, ZerothOrderOptimizer, createOptimizer, evaluateRows, syntheticFunction, useDrawingThreads } from "../../src/engine";
import { WorkerDrawingThreads } from "../../src/run/drawing-threads";
import { bytesOf, gaussianStart } from "../engine/helpers";

const d = PARALLEL_MIN_DIMENSION;

/** Run `iterations` steps on levy, hashing every asked batch and the final theta. */
function trajectory(optimizer: Optimizer, iterations: number): { batches: Buffer[]; theta: Buffer } {
  const f = syntheticFunction("levy");
  const batches: Buffer[] = [];
  let values = new Float64Array(0);
  for (let t = 0; t < iterations; t++) {
    const batch = optimizer.ask();
    batches.push(Buffer.from(bytesOf(batch.points)));
    if (values.length !== batch.rows) values = new Float64Array(batch.rows);
    evaluateRows(f, batch.points, batch.rows, batch.dimension, values);
    optimizer.tell(values);
  }
  return { batches, theta: Buffer.from(bytesOf(optimizer.parameters)) };
}

describe("drawing query rows on a helper thread (worker_threads, SharedArrayBuffer)", function () {
  this.timeout(120_000);
  let threads: WorkerDrawingThreads;
  before(() => {
    threads = new WorkerDrawingThreads();
  });
  after(async () => {
    useDrawingThreads(null);
    await threads.close();
  });

  // Forward rows (with and without the centre row), antithetic pairs, the sphere sampler, and windows kept
  // as seeds, whose oldest iteration (evicted from iteration 3 on) is regenerated half on the helper.
  const cases: [string, Record<string, unknown>][] = [
    ["zoar", {}],
    ["zoar", { bufferStorage: "seeds", histories: 2 }],
    ["zoar", { bufferStorage: "seeds", histories: 2, sampler: "sphere" }],
    ["vanilla", { queries: 7 }],
    ["zoar-pairs", { bufferStorage: "seeds", histories: 2, queries: 4 }],
    ["zohs", { bufferStorage: "seeds", histories: 2 }],
  ];
  for (const [name, overrides] of cases) {
    it(`${name} ${JSON.stringify(overrides)}: one thread and two give the same batches and theta, bit for bit`, () => {
      useDrawingThreads(null);
      const alone = trajectory(createOptimizer(name, overrides, { initial: gaussianStart(d, 4), seed: 11 }), 6);
      useDrawingThreads(threads);
      const optimizer = createOptimizer(name, overrides, { initial: gaussianStart(d, 4), seed: 11 });
      assert.ok(optimizer.ask().points.buffer instanceof SharedArrayBuffer, "the rows are on shared memory, so the helper drew half of them");
      const jobsBefore = threads.jobsStarted;
      const helped = trajectory(optimizer, 6);
      // One job per new batch (the first was asked above), and one per regenerated Gaussian window (iterations 3 to 5).
      const regenerated = overrides.bufferStorage === "seeds" && overrides.sampler !== "sphere";
      assert.equal(threads.jobsStarted - jobsBefore, regenerated ? 5 + 3 : 5);
      assert.equal(helped.batches.length, alone.batches.length);
      helped.batches.forEach((batch, t) => assert.ok(batch.equals(alone.batches[t]), `batch of iteration ${t}`));
      assert.ok(helped.theta.equals(alone.theta), "theta");
    });
  }

  it("a run snapshotted with two threads continues bit-identically on one", () => {
    useDrawingThreads(threads);
    const helped = createOptimizer("zoar", {}, { initial: gaussianStart(d, 5), seed: 3 }) as ZerothOrderOptimizer;
    trajectory(helped, 2);
    const snapshot = helped.snapshot();
    const expected = trajectory(helped, 2);
    useDrawingThreads(null);
    const restored = ZerothOrderOptimizer.restore(snapshot);
    assert.ok(!(restored.ask().points.buffer instanceof SharedArrayBuffer));
    const continued = trajectory(restored, 2);
    assert.ok(continued.theta.equals(expected.theta));
  });

  it("below PARALLEL_MIN_DIMENSION an optimizer keeps to the calling thread", () => {
    useDrawingThreads(threads);
    const small = createOptimizer("zoar", {}, { initial: gaussianStart(d - 1, 5), seed: 3 });
    assert.ok(!(small.ask().points.buffer instanceof SharedArrayBuffer));
  });

  it("refuses rows that are not on shared memory, naming the cause", () => {
    const plain = new Float64Array(4);
    assert.throws(() => threads.start({ sampler: "gaussian", dimension: 2, points: plain, theta: plain, mu: 1, antithetic: false, firstRow: 0, seeds: new Uint32Array(2), from: 0, to: 2 }), /must come from sharedArray/);
  });
});
