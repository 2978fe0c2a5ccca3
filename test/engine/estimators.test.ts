// Draw-for-draw identities between estimators (ALGORITHMS.md, "Gradient estimators").
import assert from "node:assert/strict";
import { createOptimizer, evaluateRows, makeDirectionSource, syntheticFunction } from "../../src/engine";
import { bytesOf, gaussianStart, runOn } from "./helpers";

const d = 40;

/** REINFORCE for the policy N(theta, mu^2 I), minimising f: (1/K) sum (y_k - b) (x_k - theta) / mu^2. */
function reinforce(points: Float64Array, theta: Float64Array, values: Float64Array, firstRow: number, baseline: number, mu: number): Float64Array {
  const g = new Float64Array(d);
  const k = values.length - firstRow;
  for (let r = firstRow; r < values.length; r++) {
    for (let i = 0; i < d; i++) g[i] += ((values[r] - baseline) * (points[r * d + i] - theta[i])) / (mu * mu);
  }
  return g.map((x) => x / k);
}

function assertClose(actual: Float64Array, expected: Float64Array, relative: number, what: string): void {
  let scale = 0;
  for (const x of expected) scale = Math.max(scale, Math.abs(x));
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= relative * scale, `${what}: coordinate ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

/** Ask, evaluate the Levy function, tell; returns what the estimate was computed from. */
function oneStep(name: string, overrides = {}, warmup = 0) {
  const optimizer = createOptimizer(name, overrides, { initial: gaussianStart(d, 7), seed: 11 });
  runOn(optimizer, "levy", warmup);
  const theta = optimizer.parameters;
  const batch = optimizer.ask();
  const points = batch.points.slice();
  const values = evaluateRows(syntheticFunction("levy"), points, batch.rows, d, new Float64Array(batch.rows));
  optimizer.tell(values);
  return { optimizer, theta, points, values, centerRow: batch.centerRow, mu: optimizer.config.mu };
}

describe("gradient estimators", () => {
  it("average baseline (ZoAR-0) equals REINFORCE with the mean baseline, draw for draw (Theorem 3.2)", () => {
    for (const warmup of [0, 5]) {
      const { optimizer, theta, points, values, mu } = oneStep("zoar-0", {}, warmup);
      const queries = values.subarray(1);
      const baseline = queries.reduce((a, b) => a + b, 0) / queries.length;
      assertClose(optimizer.inspect().gradient, reinforce(points, theta, values, 1, baseline, mu), 1e-9, `iteration ${warmup}`);
    }
  });

  it("vanilla equals REINFORCE with baseline f(theta)", () => {
    const { optimizer, theta, points, values, centerRow, mu } = oneStep("vanilla", {}, 3);
    assert.equal(centerRow, 0);
    assertClose(optimizer.inspect().gradient, reinforce(points, theta, values, 1, values[0], mu), 1e-9, "vanilla");
  });

  for (const bufferStorage of ["vectors", "seeds"] as const) {
    it(`ZoAR with N = 0 is bit-identical to the average baseline (${bufferStorage} storage)`, () => {
      const zoar = createOptimizer("zoar", { histories: 0, bufferStorage }, { initial: gaussianStart(d, 3), seed: 5 });
      const average = createOptimizer("zoar-0", {}, { initial: gaussianStart(d, 3), seed: 5 });
      const zoarValues = runOn(zoar, "rosenbrock", 60);
      const averageValues = runOn(average, "rosenbrock", 60);
      assert.deepEqual(zoarValues, averageValues);
      assert.ok(bytesOf(zoar.parameters).equals(bytesOf(average.parameters)));
    });
  }

  it("ZoAR's estimate is (1/M) sum over the buffer of (y - b)/mu u, with b the buffer mean", () => {
    for (const bufferStorage of ["vectors", "seeds"] as const) {
      const { optimizer } = oneStep("zoar", { bufferStorage }, 8);
      const view = optimizer.inspect();
      const regenerate = makeDirectionSource("gaussian", d);
      const u = new Float64Array(d);
      const b = view.buffer.reduce((s, e) => s + e.value, 0) / view.buffer.length;
      const expected = new Float64Array(d);
      for (const entry of view.buffer) {
        regenerate(entry.seed, u, 0);
        for (let i = 0; i < d; i++) expected[i] += ((entry.value - b) / optimizer.config.mu) * u[i];
      }
      for (let i = 0; i < d; i++) expected[i] /= view.buffer.length;
      assert.ok(Math.abs(view.baseline - b) <= 1e-12 * Math.abs(b));
      assertClose(view.gradient, expected, 1e-10, bufferStorage);
    }
  });

  it("vector and seed storage of the ZoAR buffer give the same trajectory up to rounding", () => {
    const a = createOptimizer("zoar", { bufferStorage: "vectors" }, { initial: gaussianStart(d, 2), seed: 9 });
    const b = createOptimizer("zoar", { bufferStorage: "seeds" }, { initial: gaussianStart(d, 2), seed: 9 });
    runOn(a, "quadratic", 30);
    runOn(b, "quadratic", 30);
    assertClose(a.parameters, b.parameters, 1e-9, "theta");
  });

  it("the ZoAR buffer holds min(t, N+1) K queries", () => {
    const optimizer = createOptimizer("zoar", { histories: 3, queries: 4 }, { initial: gaussianStart(d, 1), seed: 1 });
    const sizes: number[] = [];
    for (let t = 0; t < 7; t++) {
      runOn(optimizer, "sphere", 1);
      const view = optimizer.inspect();
      sizes.push(view.buffer.length);
      assert.equal(view.bufferCapacity, 16);
      assert.deepEqual([...new Set(view.buffer.map((e) => e.age))], [...Array(Math.min(t + 1, 4)).keys()].reverse());
    }
    assert.deepEqual(sizes, [4, 8, 12, 16, 16, 16, 16]);
  });

  it("ZoHS uses the mean of the last N+1 vanilla estimates", () => {
    const optimizer = createOptimizer("zohs", { histories: 2 }, { initial: gaussianStart(d, 4), seed: 4 });
    const regenerate = makeDirectionSource("gaussian", d);
    const u = new Float64Array(d);
    const estimates: Float64Array[] = [];
    for (let t = 0; t < 5; t++) {
      runOn(optimizer, "ackley", 1);
      const view = optimizer.inspect();
      const vanilla = new Float64Array(d);
      for (const entry of view.buffer) {
        regenerate(entry.seed, u, 0);
        for (let i = 0; i < d; i++) vanilla[i] += entry.weight * u[i];
      }
      estimates.push(vanilla);
      const window = estimates.slice(-3);
      const expected = new Float64Array(d).map((_, i) => window.reduce((s, e) => s + e[i], 0) / window.length);
      assertClose(view.gradient, expected, 1e-10, `iteration ${t}`);
    }
  });

  it("central differences use antithetic pairs: g = (y+ - y-)/(2 mu) z", () => {
    const { optimizer, theta, points, values, centerRow, mu } = oneStep("spsa", { queries: 3 }, 2);
    assert.equal(centerRow, -1);
    const expected = new Float64Array(d);
    for (let k = 0; k < 3; k++) {
      const plus = 2 * k;
      for (let i = 0; i < d; i++) {
        const z = (points[plus * d + i] - theta[i]) / mu;
        assert.ok(Math.abs(points[(plus + 1) * d + i] - (theta[i] - mu * z)) < 1e-12);
        expected[i] += ((values[plus] - values[plus + 1]) / (2 * mu)) * z / 3;
      }
    }
    assertClose(optimizer.inspect().gradient, expected, 1e-8, "central");
  });

  it("rank values replace y by 2 rank - (K - 1)", () => {
    const { optimizer, values } = oneStep("zoar-0", { rankValues: true, queries: 5 }, 0);
    const order = [...values.subarray(1)].map((v, q) => [v, q]).sort((a, b) => a[0] - b[0]);
    const expected = new Array(5);
    order.forEach(([, q], rank) => (expected[q] = 2 * rank - 4));
    assert.deepEqual(optimizer.inspect().buffer.map((e) => e.value), expected);
    assert.equal(optimizer.inspect().baseline, 0);
  });

  it("sphere directions have unit norm", () => {
    const regenerate = makeDirectionSource("sphere", 1000);
    const u = new Float64Array(1000);
    regenerate(123, u, 0);
    assert.ok(Math.abs(Math.hypot(...u) - 1) < 1e-12);
  });
});
