// precision: "float32" (precision.ts): the d-sized state in Float32Array,
// the same seed giving the same trajectory, snapshots continuing bit for bit,
// and the same algorithm as float64 up to float32 rounding.
import assert from "node:assert/strict";
import {
  ConfigError,
  createOptimizer,
  directionSeed,
  evaluateRows,
  makeDirectionSource,
  type Optimizer,
  type OptimizerSnapshot,
  optimizerEntry,
  optimizerNames,
  resolveConfig,
  restoreOptimizer,
  syntheticFunction,
  type Vector,
} from "../../src/engine";
import { decodeExact, encodeExact } from "../../src/run/checkpoint";
import { gaussianStart } from "./helpers";

const d = 40;
const zerothOrder = optimizerNames().filter((name) => !optimizerEntry(name).cma);

function bytes(x: Vector): Buffer {
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength);
}

/** Ask/tell steps on a synthetic function; returns the logged values. */
function runOn(optimizer: Optimizer<Vector>, functionName: string, iterations: number): number[] {
  const f = syntheticFunction(functionName);
  const logged: number[] = [];
  for (let t = 0; t < iterations; t++) {
    const batch = optimizer.ask();
    const values = evaluateRows(f, batch.points, batch.rows, batch.dimension, new Float64Array(batch.rows));
    logged.push(optimizer.tell(values).value);
  }
  return logged;
}

describe("precision float32", () => {
  it("keeps parameters, query rows, gradient, moments and window sums in Float32Array; float64 stays the default", () => {
    const single = createOptimizer("zoar", { precision: "float32", bufferStorage: "vectors" }, { initial: gaussianStart(d, 1), seed: 2 });
    runOn(single, "levy", 8);
    const view = single.inspect();
    for (const [what, x] of [["theta", view.theta], ["gradient", view.gradient], ["m", view.m], ["v", view.v], ["best point", view.best.point]] as const) {
      assert.ok(x instanceof Float32Array, what);
    }
    assert.ok(single.ask().points instanceof Float32Array);
    const state = (single.snapshot() as OptimizerSnapshot<Float32Array>).estimator as { sumY: Vector; sumB: Vector; blocks: { weighted: Vector; plain: Vector }[] };
    assert.ok(state.sumY instanceof Float32Array && state.sumB instanceof Float32Array, "window sums");
    assert.ok(state.blocks.every((b) => b.weighted instanceof Float32Array && b.plain instanceof Float32Array), "stored A_s, B_s");

    const pairs = createOptimizer("zoar-pairs", { precision: "float32", bufferStorage: "vectors" }, { initial: gaussianStart(d, 1), seed: 2 });
    runOn(pairs, "quadratic", 4);
    const history = (pairs.snapshot() as OptimizerSnapshot<Float32Array>).history;
    assert.ok(history.sum instanceof Float32Array && history.held.every((e) => e.vector instanceof Float32Array), "window of estimates");

    const double = createOptimizer("zoar", {}, { initial: gaussianStart(d, 1), seed: 2 });
    assert.equal(double.config.precision, "float64");
    assert.ok(double.parameters instanceof Float64Array && double.ask().points instanceof Float64Array);
  });

  it("rounds the initial point once, to nearest, and refuses one beyond the float32 range", () => {
    const initial = [0.1, 1 / 3, -2.000000001, 1e-40];
    const optimizer = createOptimizer("zoar", { precision: "float32" }, { initial, seed: 0 });
    assert.deepEqual(Array.from(optimizer.parameters), Array.from(Float32Array.from(initial)));
    assert.throws(() => createOptimizer("zoar", { precision: "float32" }, { initial: [0, 1e39], seed: 0 }), /initial: coordinate 1 is 1e\+39, beyond the range of float32/);
  });

  it("writes query rows theta + mu u rounded once from the float64 draw", () => {
    const theta = gaussianStart(d, 4);
    const optimizer = createOptimizer("vanilla", { precision: "float32" }, { initial: theta, seed: 6 });
    const batch = optimizer.ask();
    const start = Float32Array.from(theta);
    const u = new Float64Array(d);
    const regenerate = makeDirectionSource("gaussian", d);
    const { mu } = optimizer.config;
    assert.ok(bytes(batch.points.subarray(0, d)).equals(bytes(start)), "the centre row is theta");
    for (let k = 0; k < optimizer.config.queries; k++) {
      const row = batch.points.subarray((k + 1) * d, (k + 2) * d);
      regenerate(directionSeed(6, 0, k), u, 0);
      const expected = new Float32Array(d);
      for (let i = 0; i < d; i++) expected[i] = start[i] + mu * u[i];
      assert.ok(bytes(row).equals(bytes(expected)), `row ${k + 1}`);
    }
  });

  it("ZoAR with N = 0 is bit-identical to ZoAR-0 under float32 too", () => {
    for (const bufferStorage of ["vectors", "seeds"] as const) {
      const zoar = createOptimizer("zoar", { precision: "float32", histories: 0, bufferStorage }, { initial: gaussianStart(d, 3), seed: 5 });
      const average = createOptimizer("zoar-0", { precision: "float32" }, { initial: gaussianStart(d, 3), seed: 5 });
      assert.deepEqual(runOn(zoar, "rosenbrock", 60), runOn(average, "rosenbrock", 60), bufferStorage);
      assert.ok(bytes(zoar.parameters).equals(bytes(average.parameters)), bufferStorage);
    }
  });

  for (const name of zerothOrder) {
    describe(name, () => {
      it("is deterministic under float32: same seed, same trajectory bit for bit", () => {
        const run = (seed: number) => {
          const optimizer = createOptimizer(name, { precision: "float32" }, { initial: gaussianStart(d, 1), seed });
          return { values: runOn(optimizer, "rosenbrock", 40), theta: optimizer.parameters };
        };
        const a = run(3);
        const b = run(3);
        assert.ok(a.theta instanceof Float32Array);
        assert.deepEqual(a.values, b.values);
        assert.ok(bytes(a.theta).equals(bytes(b.theta)));
        assert.ok(!bytes(a.theta).equals(bytes(run(4).theta)));
      });

      it("continues bit-identically from a snapshot under float32, through the checkpoint encoding too", () => {
        for (const bufferStorage of ["vectors", "seeds"] as const) {
          const original = createOptimizer(name, { precision: "float32", bufferStorage }, { initial: gaussianStart(d, 2), seed: 8 });
          runOn(original, "levy", 25);
          const snapshot = original.snapshot();
          const restored = restoreOptimizer(structuredClone(snapshot));
          const decoded = restoreOptimizer(decodeExact(JSON.parse(JSON.stringify(encodeExact(snapshot)))) as typeof snapshot);
          const tail = runOn(original, "levy", 25);
          assert.deepEqual(runOn(restored, "levy", 25), tail, bufferStorage);
          assert.deepEqual(runOn(decoded, "levy", 25), tail, `${bufferStorage}, decoded`);
          assert.ok(restored.parameters instanceof Float32Array);
          assert.ok(bytes(restored.parameters).equals(bytes(original.parameters)));
          assert.ok(bytes(decoded.parameters).equals(bytes(original.parameters)));
          assert.deepEqual(restored.inspect(), original.inspect());
        }
      });

      it("follows the float64 trajectory up to float32 rounding", () => {
        const iterations = 60;
        const single = createOptimizer(name, { precision: "float32" }, { initial: gaussianStart(d, 5), seed: 1 });
        const double = createOptimizer(name, {}, { initial: Float32Array.from(gaussianStart(d, 5)), seed: 1 });
        const a = runOn(single, "quadratic", iterations);
        const b = runOn(double, "quadratic", iterations);
        const scale = Math.max(...b.map(Math.abs));
        for (let t = 0; t < iterations; t++) assert.ok(Math.abs(a[t] - b[t]) <= 1e-4 * scale, `iteration ${t}: ${a[t]} vs ${b[t]}`);
      });
    });
  }

  for (const bufferStorage of ["vectors", "seeds"] as const) {
    it(`keeps ZoAR's float32 running sums at float32 rounding of the direct formula over 2 x 10^4 iterations (${bufferStorage} storage)`, () => {
      const n = 8;
      const objective = (x: Vector, o: number) => {
        let sum = 1e4 + Math.sin(x[o]);
        for (let i = 0; i < n; i++) sum += (i + 1) * x[o + i] * x[o + i];
        return sum;
      };
      const optimizer = createOptimizer("zoar", { precision: "float32", bufferStorage, queries: 4, lr: 0.01 }, { initial: gaussianStart(n, 3), seed: 21 });
      const regenerate = makeDirectionSource("gaussian", n);
      const u = new Float64Array(n);
      const errors: number[] = [];
      for (let t = 0; t < 20_000; t++) {
        const batch = optimizer.ask();
        const values = new Float64Array(batch.rows);
        for (let r = 0; r < batch.rows; r++) values[r] = objective(batch.points, r * n);
        optimizer.tell(values);
        if (t % 500 !== 499) continue;
        // (1/(M mu)) sum (y - b) u over the buffer, in float64 from the exact directions.
        const view = optimizer.inspect();
        const direct = new Float64Array(n);
        for (const entry of view.buffer) {
          regenerate(entry.seed, u, 0);
          for (let i = 0; i < n; i++) direct[i] += ((entry.value - view.baseline) * u[i]) / (view.buffer.length * optimizer.config.mu);
        }
        let difference = 0;
        let size = 0;
        for (let i = 0; i < n; i++) {
          difference += (view.gradient[i] - direct[i]) ** 2;
          size += direct[i] ** 2;
        }
        errors.push(Math.sqrt(difference / size));
      }
      // The rows' own rounding (theta + mu u in float32) bounds the agreement; the sums add no drift on top.
      assert.ok(Math.max(...errors) < 2e-3, `worst ${Math.max(...errors)}`);
      assert.ok(Math.max(...errors.slice(-10)) < 1e-4, `last ${errors.slice(-10).join(", ")}`);
    });
  }

  it("names the precision in its errors: an unknown one, and float32 asked of CMA-ES", () => {
    assert.throws(
      () => resolveConfig({ precision: "float16" as never }),
      (error: unknown) => error instanceof ConfigError && /precision/.test(error.message) && /float64, float32/.test(error.message),
    );
    for (const name of ["cma-es", "sep-cma-es"]) {
      assert.throws(() => createOptimizer(name, { precision: "float32" }, { initial: gaussianStart(d, 1) }), /precision.*float64 only/);
    }
  });
});
