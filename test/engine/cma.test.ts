// CMA-ES and sep-CMA-ES: the eigensolver against known matrices, the default
// strategy parameters, and the textbook behaviour on the sphere and the quadratic.
import assert from "node:assert/strict";
import {
  CmaEsOptimizer,
  ConfigError,
  FULL_CMA_DIMENSION_LIMIT,
  type Optimizer,
  cmaStrategy,
  createOptimizer,
  defaultPopulation,
  evaluateRows,
  restoreOptimizer,
  standardNormalStart,
  symmetricEigen,
  syntheticFunction,
} from "../../src/engine";
import { bytesOf, gaussianStart, runOn } from "./helpers";

/** Residual max |A v_j - lambda_j v_j| and orthonormality error max |V^T V - I|. */
function eigenErrors(a: Float64Array, n: number) {
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  symmetricEigen(a, n, values, vectors);
  let residual = 0;
  let orthogonality = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[k * n + j];
      residual = Math.max(residual, Math.abs(av - values[j] * vectors[i * n + j]));
    }
    for (let k = 0; k < n; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += vectors[i * n + j] * vectors[i * n + k];
      orthogonality = Math.max(orthogonality, Math.abs(dot - (j === k ? 1 : 0)));
    }
  }
  return { values, vectors, residual, orthogonality };
}

/** Evaluations until f(m) <= target (f measured at the mean, not counted), or null within the budget. */
function evaluationsToTarget(optimizer: Optimizer, functionName: string, target: number, budget: number): { reached: number | null; final: number } {
  const f = syntheticFunction(functionName);
  const d = optimizer.dimension;
  let values = new Float64Array(0);
  let final = f.value(optimizer.parameters, 0, d);
  while (optimizer.totalEvaluations < budget) {
    const batch = optimizer.ask();
    if (values.length !== batch.rows) values = new Float64Array(batch.rows);
    optimizer.tell(evaluateRows(f, batch.points, batch.rows, d, values));
    final = f.value(optimizer.parameters, 0, d);
    if (final <= target) return { reached: optimizer.totalEvaluations, final };
  }
  return { reached: null, final };
}

describe("symmetric eigensolver", () => {
  it("decomposes a 2 x 2 matrix exactly: eigenvalues 1 and 3, vectors (1, -1) and (1, 1) over sqrt 2", () => {
    const { values, vectors } = eigenErrors(Float64Array.of(2, 1, 1, 2), 2);
    assert.ok(Math.abs(values[0] - 1) < 1e-15 && Math.abs(values[1] - 3) < 1e-15, String(values));
    assert.ok(Math.abs(Math.abs(vectors[0]) - Math.SQRT1_2) < 1e-15);
    assert.ok(Math.abs(vectors[0] + vectors[2]) < 1e-15, "first vector is (1, -1)/sqrt 2");
    assert.ok(Math.abs(vectors[1] - vectors[3]) < 1e-15, "second vector is (1, 1)/sqrt 2");
  });

  it("returns a diagonal matrix's entries sorted, a 1 x 1 matrix's entry, and the identity's repeated eigenvalue", () => {
    assert.deepEqual(Array.from(eigenErrors(Float64Array.of(3, 0, 0, 0, -1, 0, 0, 0, 2), 3).values), [-1, 2, 3]);
    assert.deepEqual(Array.from(eigenErrors(Float64Array.of(7), 1).values), [7]);
    const identity = new Float64Array(16);
    for (let i = 0; i < 4; i++) identity[i * 4 + i] = 1;
    const { values, orthogonality } = eigenErrors(identity, 4);
    assert.deepEqual(Array.from(values), [1, 1, 1, 1]);
    assert.equal(orthogonality, 0);
  });

  it("matches the known spectrum of the second-difference matrix: 2 - 2 cos(k pi / (n + 1))", () => {
    const n = 40;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = 2;
      if (i > 0) a[i * n + i - 1] = a[(i - 1) * n + i] = -1;
    }
    const { values, residual, orthogonality } = eigenErrors(a, n);
    for (let k = 1; k <= n; k++) assert.ok(Math.abs(values[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1)))) < 1e-13, `eigenvalue ${k}`);
    assert.ok(residual < 1e-13 && orthogonality < 1e-13, `${residual} ${orthogonality}`);
  });

  it("decomposes a random dense symmetric matrix to rounding error and reads only the lower triangle", () => {
    const n = 60;
    const a = new Float64Array(n * n);
    const fill = gaussianStart(n * n, 5);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = fill[i * n + j];
    const { values, residual, orthogonality } = eigenErrors(a, n);
    assert.ok(residual < 1e-12 && orthogonality < 1e-12, `${residual} ${orthogonality}`);
    for (let j = 1; j < n; j++) assert.ok(values[j - 1] <= values[j]);
    const upperGarbage = a.slice();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) upperGarbage[i * n + j] = 1e9;
    const garbled = new Float64Array(n);
    symmetricEigen(upperGarbage, n, garbled, new Float64Array(n * n));
    assert.ok(bytesOf(garbled).equals(bytesOf(values)));
  });

  it("refuses non-finite entries, naming the entry", () => {
    assert.throws(() => symmetricEigen(Float64Array.of(1, 0, NaN, 1), 2, new Float64Array(2), new Float64Array(4)), /entry \(1, 0\) is NaN/);
  });
});

describe("CMA-ES strategy parameters", () => {
  it("uses Hansen's defaults: lambda = 4 + floor(3 ln d), mu = lambda / 2, log weights summing to 1", () => {
    assert.equal(defaultPopulation(10), 10);
    assert.equal(defaultPopulation(1000), 24);
    assert.equal(defaultPopulation(10000), 31);
    const s = cmaStrategy(10, 10, false);
    assert.equal(s.parents, 5);
    assert.ok(Math.abs(s.weights.reduce((a, b) => a + b, 0) - 1) < 1e-15);
    for (let i = 1; i < s.parents; i++) assert.ok(s.weights[i] < s.weights[i - 1]);
    assert.ok(Math.abs(s.effectiveParents - 3.1672992814107) < 1e-12);
    assert.ok(Math.abs(s.c1 - 2 / (11.3 ** 2 + s.effectiveParents)) < 1e-18);
    assert.ok(Math.abs(s.cSigma - (s.effectiveParents + 2) / (10 + s.effectiveParents + 5)) < 1e-18);
  });

  it("sep-CMA-ES multiplies c1 and c_mu by (d + 2) / 3", () => {
    const full = cmaStrategy(100, 17, false);
    const sep = cmaStrategy(100, 17, true);
    assert.ok(Math.abs(sep.c1 - full.c1 * 34) < 1e-15);
    assert.ok(Math.abs(sep.cMu - full.cMu * 34) < 1e-15);
    assert.equal(sep.cSigma, full.cSigma);
  });
});

describe("cma-es and sep-cma-es", () => {
  it("cma-es on the sphere at d = 10 reaches 1e-8 within 5,000 evaluations", () => {
    for (const seed of [1, 2, 3]) {
      const optimizer = createOptimizer("cma-es", {}, { initial: standardNormalStart(10, seed), seed });
      const { reached, final } = evaluationsToTarget(optimizer, "sphere", 1e-8, 5000);
      assert.ok(reached !== null, `seed ${seed}: f(m) = ${final} after 5,000 evaluations`);
    }
  });

  it("sep-cma-es beats vanilla ZO on the quadratic at d = 200 and 20,000 evaluations (the d = 1,000 case is in bench/peers)", () => {
    const finals: Record<string, number> = {};
    for (const name of ["sep-cma-es", "vanilla"]) {
      const optimizer = createOptimizer(name, {}, { initial: standardNormalStart(200, 456), seed: 456 });
      finals[name] = evaluationsToTarget(optimizer, "quadratic", 0, 20_000).final;
    }
    assert.ok(finals["sep-cma-es"] * 100 < finals.vanilla, JSON.stringify(finals));
  });

  it("full cma-es refuses d > 2,000 and points to sep-cma-es", () => {
    const initial = new Float64Array(FULL_CMA_DIMENSION_LIMIT + 1);
    assert.throws(() => createOptimizer("cma-es", {}, { initial }), (e: unknown) => e instanceof ConfigError && /above d = 2000 use sep-cma-es/.test(e.message));
    assert.equal(createOptimizer("sep-cma-es", {}, { initial }).ask().rows, defaultPopulation(2001));
  });

  it("takes queries as the population, mu as sigma_0, and refuses settings that do not apply", () => {
    const optimizer = createOptimizer("cma-es", { queries: 30, mu: 0.25, measureCenter: true }, { initial: new Float64Array(5), seed: 1 });
    const batch = optimizer.ask();
    assert.equal(batch.rows, 31);
    assert.equal(batch.centerRow, 0);
    assert.equal(optimizer.inspect().search?.sigma, 0.25);
    assert.throws(() => createOptimizer("cma-es", { histories: 5 }, { initial: new Float64Array(5) }), /Invalid histories: does not apply to cma-es/);
    assert.throws(() => createOptimizer("sep-cma-es", { update: "adam" }, { initial: new Float64Array(5) }), /Invalid update: does not apply to sep-cma-es/);
    assert.throws(() => createOptimizer("cma-es", { queries: 1 }, { initial: new Float64Array(5) }), /population of cma-es must be at least 2/);
  });

  it("projects samples onto the bounds and keeps the mean inside", () => {
    for (const name of ["cma-es", "sep-cma-es"]) {
      const optimizer = createOptimizer(name, { mu: 5 }, { initial: new Float64Array(8).fill(0.5), seed: 3, bounds: { lower: 0, upper: 1 } });
      runOn(optimizer, "rastrigin", 30);
      const batch = optimizer.ask();
      assert.ok(batch.points.every((x) => x >= 0 && x <= 1), name);
      assert.ok(optimizer.parameters.every((x) => x >= 0 && x <= 1), name);
    }
  });

  it("shows its search distribution in the inspection: sigma, spread, top weights, axis ratio", () => {
    const optimizer = createOptimizer("cma-es", {}, { initial: standardNormalStart(10, 1), seed: 1 });
    runOn(optimizer, "ellipsoid", 200);
    const search = optimizer.inspect().search!;
    assert.equal(search.variant, "full");
    assert.equal(search.population, 10);
    assert.deepEqual(search.topWeights, Array.from(cmaStrategy(10, 10, false).weights));
    assert.ok(search.sigma > 0 && search.spread.min <= search.spread.rms && search.spread.rms <= search.spread.max);
    // On an ill-conditioned ellipsoid the learned covariance is elongated.
    assert.ok(search.axisRatio > 10, String(search.axisRatio));
  });

  it("restores a snapshot taken mid-run between eigendecompositions bit-identically", () => {
    const original = createOptimizer("cma-es", {}, { initial: standardNormalStart(30, 2), seed: 9 });
    runOn(original, "ellipsoid", 37);
    const restored = restoreOptimizer(structuredClone(original.snapshot()));
    assert.ok(restored instanceof CmaEsOptimizer);
    assert.deepEqual(runOn(restored, "ellipsoid", 60), runOn(original, "ellipsoid", 60));
    assert.ok(bytesOf(restored.parameters).equals(bytesOf(original.parameters)));
  });
});
