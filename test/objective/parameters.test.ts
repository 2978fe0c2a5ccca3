import * as assert from "node:assert/strict";
import { createOptimizer, type Optimizer, restoreOptimizer, Rng } from "../../src/engine";
import { checkDefinition, definitionProblems, normalizeDefinition } from "../../src/objective/definition";
import {
  CHOICE_LEAD,
  choice,
  decodeParameters,
  encodeParameters,
  initialValues,
  integer,
  logUniform,
  type ParameterSpace,
  spaceLayout,
  uniform,
  valuesProblems,
  vector,
} from "../../src/objective/parameters";

const mixed = {
  learningRate: logUniform(1e-5, 1e-1, { initial: 1e-3 }),
  temperature: uniform(0, 2),
  layers: integer(1, 8),
  solver: choice(["cg", "gmres", "bicgstab"]),
  weights: vector(3, { lower: [-1, 0, 10], upper: [1, 5, 20] }),
} satisfies ParameterSpace;

/** A point with every coordinate drawn from [-0.5, 1.5], so some lie beyond the unit box as queries do. */
function randomPoint(rng: Rng, dimension: number): Float64Array {
  return Float64Array.from({ length: dimension }, () => rng.uniform() * 2 - 0.5);
}

describe("parameter spaces", () => {
  it("lays the parameters out in declaration order, one coordinate per option of a choice", () => {
    const { slots, dimension } = spaceLayout(mixed);
    assert.deepEqual(
      slots.map(({ name, offset, width }) => [name, offset, width]),
      [["learningRate", 0, 1], ["temperature", 1, 1], ["layers", 2, 1], ["solver", 3, 3], ["weights", 6, 3]],
    );
    assert.equal(dimension, 9);
  });

  it("round-trips values through the normalised coordinates", () => {
    const values = { learningRate: 3.1e-4, temperature: 1.25, layers: 6, solver: "gmres", weights: Float64Array.from([-0.5, 4, 10]) };
    const decoded = decodeParameters(mixed, encodeParameters(mixed, values));
    assert.ok(Math.abs(decoded.learningRate - 3.1e-4) <= 1e-15 * 3.1e-4 * 10, `${decoded.learningRate}`);
    assert.ok(Math.abs(decoded.temperature - 1.25) < 1e-15);
    assert.equal(decoded.layers, 6);
    assert.equal(decoded.solver, "gmres");
    assert.deepEqual(Array.from(decoded.weights), [-0.5, 4, 10]);
  });

  it("maps a log scale so equal steps multiply the value: the middle is the geometric middle", () => {
    const space = { rate: logUniform(1e-4, 1) };
    assert.ok(Math.abs(decodeParameters(space, [0.5]).rate - 1e-2) < 1e-15);
    assert.ok(Math.abs(decodeParameters(space, [0.25]).rate - 1e-3) < 1e-16);
    assert.equal(encodeParameters(space, { rate: 1e-4 })[0], 0);
    assert.equal(decodeParameters(space, [1]).rate, 1);
    assert.equal(initialValues(space).rate, 1e-2);
  });

  it("keeps integers in range and gives each integer an equal share of the coordinate", () => {
    const space = { layers: integer(1, 8) };
    const counts = new Map<number, number>();
    const rng = new Rng(3);
    for (let i = 0; i < 80_000; i++) {
      const layers = decodeParameters(space, [rng.uniform() * 3 - 1]).layers;
      assert.ok(Number.isInteger(layers) && layers >= 1 && layers <= 8, `layers ${layers}`);
      counts.set(layers, (counts.get(layers) ?? 0) + 1);
    }
    assert.equal(counts.size, 8);
    // Inside [0, 1] every integer owns 1/8 of the coordinate: check the cells' edges exactly.
    for (let k = 0; k < 8; k++) {
      assert.equal(decodeParameters(space, [k / 8]).layers, k + 1);
      assert.equal(decodeParameters(space, [(k + 1) / 8 - 1e-12]).layers, k + 1);
    }
    assert.equal(decodeParameters(space, [1]).layers, 8);
  });

  it("reaches every option of a choice, by the largest of its coordinates", () => {
    const space = { solver: choice(["cg", "gmres", "bicgstab"]) };
    const seen = new Set<string>();
    const rng = new Rng(11);
    for (let i = 0; i < 300; i++) seen.add(decodeParameters(space, randomPoint(rng, 3)).solver);
    assert.deepEqual([...seen].sort(), ["bicgstab", "cg", "gmres"]);
    assert.equal(decodeParameters(space, [0.2, 0.9, 0.4]).solver, "gmres");
    assert.equal(decodeParameters(space, [0.5, 0.5, 0.5]).solver, "cg", "ties go to the first option");
    const start = encodeParameters(space, { solver: "bicgstab" });
    assert.deepEqual(Array.from(start), [0.5, 0.5, 0.5 + CHOICE_LEAD]);
  });

  it("clamps queries beyond the unit box to the declared bounds", () => {
    const rng = new Rng(5);
    for (let i = 0; i < 2000; i++) {
      const p = decodeParameters(mixed, randomPoint(rng, 9));
      assert.ok(p.learningRate >= 1e-5 && p.learningRate <= 1e-1);
      assert.ok(p.temperature >= 0 && p.temperature <= 2);
      assert.ok(p.weights[0] >= -1 && p.weights[0] <= 1 && p.weights[2] >= 10 && p.weights[2] <= 20);
    }
    assert.deepEqual(decodeParameters(mixed, new Float64Array(9).fill(-3)).weights, Float64Array.from([-1, 0, 10]));
  });

  it("starts at the declared initial values, else the middle of each range", () => {
    const values = initialValues(mixed);
    assert.equal(values.learningRate, 1e-3);
    assert.equal(values.temperature, 1);
    assert.equal(values.layers, 4);
    assert.equal(values.solver, "cg");
    assert.deepEqual(Array.from(values.weights), [0, 2.5, 15]);
  });

  it("names what differs when values do not fit the space", () => {
    assert.deepEqual(valuesProblems({ lr: logUniform(1e-4, 1), n: integer(1, 3) }, { lr: 2, k: 1 }), [
      "missing n",
      "k is not a parameter of this objective",
      "lr: value 2 lies outside [0.0001, 1]",
    ]);
    assert.deepEqual(valuesProblems(mixed, { ...initialValues(mixed), layers: 2.5, solver: "jacobi", weights: [0, 0] }), [
      "layers: value 2.5 is not an integer",
      'solver: "jacobi" is not one of "cg", "gmres", "bicgstab"',
      "weights: value has 2 values, expected 3",
    ]);
    assert.deepEqual(valuesProblems(mixed, { ...initialValues(mixed), weights: [0, 9, 10] }), ["weights: value[1] = 9 lies outside [0, 5]"]);
  });
});

describe("parameter declarations", () => {
  const evaluate = () => 0;
  const problemsOf = (parameters: unknown) => definitionProblems({ parameters, evaluate });

  it("rejects inverted bounds, log ranges touching 0, empty choices and unknown options, naming the parameter", () => {
    assert.deepEqual(problemsOf({ temperature: uniform(2, 2) }), ["parameters.temperature: lower (2) must be below upper (2)"]);
    assert.deepEqual(problemsOf({ rate: logUniform(0, 1) }), ["parameters.rate: a log scale needs 0 < lower, got lower 0 (log of 0 is undefined)"]);
    assert.deepEqual(problemsOf({ solver: choice([]) }), ["parameters.solver: a choice needs at least one option, got []"]);
    assert.deepEqual(problemsOf({ t: uniform(0, 1, { intial: 0.5 } as never) }), ['parameters.t: unknown option "intial" (uniform takes initial)']);
    assert.deepEqual(problemsOf({ w: vector(2, { lower: 0, upper: 1, scale: 2 } as never) }), ['parameters.w: unknown option "scale" (vector takes lower, upper, initial)']);
  });

  it("rejects values that are not parameters, bad initial values and vector-form keys beside parameters", () => {
    assert.deepEqual(problemsOf({ lr: 0.1 }), ["parameters.lr: expected uniform(), logUniform(), integer(), choice() or vector(), got 0.1"]);
    assert.deepEqual(problemsOf({ n: integer(1, 4, { initial: 9 }) }), ["parameters.n: initial 9 lies outside [1, 4]"]);
    assert.deepEqual(problemsOf({ n: integer(1.5, 4) }), ["parameters.n: integer bounds must be integers, got 1.5 and 4"]);
    assert.deepEqual(problemsOf({ w: vector(2, { lower: [0, 1], upper: [1, 1] }) }), ["parameters.w: lower[1] (1) must be below upper[1] (1)"]);
    assert.deepEqual(problemsOf({}), ["parameters declares no parameter"]);
    assert.deepEqual(definitionProblems({ parameters: { t: uniform(0, 1) }, dimension: 1, evaluate }), [
      "dimension cannot be given with parameters (the parameters define it; remove dimension)",
    ]);
  });

  it("normalizes to unit bounds and decodes points before evaluate and evaluateBatch see them", () => {
    const space = { rate: logUniform(1e-4, 1), solver: choice(["a", "b"] as const) };
    const seen: unknown[] = [];
    const pointwise = normalizeDefinition(
      checkDefinition({ parameters: space, evaluate: (p: { rate: number }) => (seen.push(p), p.rate) }),
      undefined,
      "p",
    );
    assert.equal(pointwise.dimension, 3);
    assert.deepEqual(Array.from(pointwise.bounds!.upper), [1, 1, 1]);
    assert.deepEqual(Array.from(pointwise.initial), [0.5, 0.5 + CHOICE_LEAD, 0.5]);
    assert.equal(pointwise.evaluate!(Float64Array.from([1, 0.2, 0.7]), { iteration: 0, seed: 0 }), 1);
    assert.deepEqual(seen, [{ rate: 1, solver: "b" }]);
    const batch = normalizeDefinition(
      checkDefinition({ parameters: space, evaluateBatch: (ps: { solver: string }[]) => ps.map((p) => (p.solver === "a" ? 1 : 2)) }),
      undefined,
      "b",
    );
    assert.deepEqual(batch.evaluateBatch!([Float64Array.from([0, 1, 0]), Float64Array.from([0, 0, 1])], { iteration: 0, seed: 0 }), [1, 2]);
  });

  it("reproduces a run over a parameter space from its seed, and resumes it bit for bit from a snapshot", () => {
    const objective = normalizeDefinition(checkDefinition({ parameters: mixed, evaluate: () => 0 }), undefined, "m");
    const f = (x: Float64Array) => {
      const p = decodeParameters(mixed, x);
      return (Math.log10(p.learningRate) + 3) ** 2 + (p.temperature - 0.5) ** 2 + (p.layers - 3) ** 2 + (p.solver === "gmres" ? 0 : 1) + p.weights[1];
    };
    const runFor = (optimizer: Optimizer, iterations: number) => {
      for (let t = 0; t < iterations; t++) {
        const batch = optimizer.ask();
        const values = new Float64Array(batch.rows);
        for (let r = 0; r < batch.rows; r++) values[r] = f(batch.points.slice(r * batch.dimension, (r + 1) * batch.dimension));
        optimizer.tell(values);
      }
    };
    const make = () => createOptimizer("zoar", {}, { initial: objective.initial, bounds: objective.bounds, seed: 42 });
    const a = make();
    const b = make();
    runFor(a, 30);
    runFor(b, 30);
    assert.deepEqual(a.parameters, b.parameters);
    const restored = restoreOptimizer(structuredClone(a.snapshot()));
    runFor(a, 20);
    runFor(restored, 20);
    assert.deepEqual(Array.from(restored.parameters), Array.from(a.parameters));
    assert.deepEqual(restored.snapshot(), a.snapshot());
  });
});
