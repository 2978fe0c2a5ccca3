import * as assert from "node:assert/strict";
import {
  checkDefinition,
  DEFINITION_ERROR_NAME,
  definitionFromExports,
  definitionProblems,
  evaluationContext,
  evaluationSeed,
  normalizeDefinition,
} from "../../src/objective/definition";
import { defineObjective } from "../../src/objective/sdk";

const evaluate = (x: Float64Array) => x[0];

describe("objective definition", () => {
  it("accepts a minimal definition and fills in defaults", () => {
    const objective = normalizeDefinition(checkDefinition({ dimension: 2, evaluate }), undefined, "fallback");
    assert.equal(objective.name, "fallback");
    assert.deepEqual(Array.from(objective.initial), [0, 0]);
    assert.equal(objective.bounds, undefined);
    assert.equal(objective.evaluate!(new Float64Array([7, 0]), evaluationContext(0, 0)), 7);
  });

  it("starts in the middle of finite bounds and inside half-open ones", () => {
    const def = checkDefinition({ dimension: 3, evaluate, bounds: { lower: [2, -Infinity, -1], upper: [4, -3, Infinity] } });
    const objective = normalizeDefinition(def, undefined, "b");
    assert.deepEqual(Array.from(objective.initial), [3, -3, 0]);
    assert.deepEqual(Array.from(objective.bounds!.lower), [2, -Infinity, -1]);
  });

  it("expands scalar bounds to every coordinate", () => {
    const objective = normalizeDefinition(checkDefinition({ dimension: 2, evaluate, bounds: { lower: -1, upper: 1 } }), [0.5, 0], "s");
    assert.deepEqual(Array.from(objective.bounds!.upper), [1, 1]);
    assert.deepEqual(Array.from(objective.initial), [0.5, 0]);
  });

  it("lists every problem it can see without running user code", () => {
    const problems = definitionProblems({
      dimension: 2.5,
      evaluate,
      evaluateBatch: () => [],
      name: 3,
      bounds: { lower: [0, 0, 0], upper: "x" },
    });
    assert.deepEqual(problems, [
      "dimension must be a positive integer, got 2.5",
      "define either evaluate or evaluateBatch, not both",
      "name must be a string",
      "bounds.upper must be a number or an array of numbers, got string",
    ]);
  });

  it("rejects missing pieces, wrong lengths, NaN and inverted bounds", () => {
    assert.deepEqual(definitionProblems({ evaluate }), ["dimension is missing"]);
    assert.deepEqual(definitionProblems({ dimension: 1 }), ["evaluate (or evaluateBatch) is missing"]);
    assert.deepEqual(definitionProblems({ dimension: 2, evaluate: 3 }), ["evaluate must be a function"]);
    assert.deepEqual(definitionProblems({ dimension: 3, evaluate, initial: [0, 0] }), ["initial has 2 values, expected dimension 3"]);
    assert.deepEqual(definitionProblems({ dimension: 2, evaluate, initial: [0, Number.NaN] }), [
      "initial[1] must be a finite number, got NaN",
    ]);
    assert.deepEqual(definitionProblems({ dimension: 2, evaluate, bounds: { lower: [0, 5], upper: 4 } }), [
      "bounds.lower[1] = 5 is above bounds.upper[1] = 4",
    ]);
    assert.deepEqual(definitionProblems(null), ["expected an object with dimension and evaluate, got null"]);
  });

  it("rejects an initial point outside the bounds, naming the coordinate", () => {
    const def = checkDefinition({ dimension: 2, evaluate, bounds: { lower: 0, upper: 1 } });
    assert.throws(() => normalizeDefinition(def, [0.5, 2], "o"), {
      name: DEFINITION_ERROR_NAME,
      message: "initial[1] = 2 lies outside the bounds [0, 1]",
    });
  });

  it("reads the bare form: a default function plus dimension, initial and bounds exports", () => {
    const def = definitionFromExports({ default: (x: Float64Array) => x[1], dimension: 2, initial: [1, 2] });
    assert.equal(def.dimension, 2);
    assert.equal(def.evaluate!(new Float64Array([0, 9]), evaluationContext(0, 0)), 9);
    assert.throws(() => definitionFromExports({ default: evaluate }), /no `export const dimension/);
    assert.throws(() => definitionFromExports({ dimension: 2 }), /no default export/);
    assert.throws(() => definitionFromExports({ default: 42 }), /must be defineObjective\(\{\.\.\.\}\) or a function, got number/);
  });

  it("defineObjective returns its argument and throws at the call for a wrong definition", () => {
    const def = { dimension: 1, evaluate };
    assert.equal(defineObjective(def), def);
    assert.throws(
      () => defineObjective({ dimension: 0, evaluate } as never),
      (error: Error) => error.name === DEFINITION_ERROR_NAME && /positive integer, got 0/.test(error.message),
    );
  });

  it("derives each iteration's context seed from the run's seed and the iteration alone", () => {
    assert.deepEqual(evaluationContext(7, 3), { iteration: 3, seed: evaluationSeed(7, 3) });
    assert.equal(evaluationSeed(7, 3), evaluationSeed(7, 3));
    const seeds = new Set<number>();
    for (let iteration = 0; iteration < 1000; iteration++) seeds.add(evaluationSeed(1, iteration));
    for (let runSeed = 2; runSeed < 100; runSeed++) seeds.add(evaluationSeed(runSeed, 0));
    assert.equal(seeds.size, 1000 + 98, "neighbouring iterations and run seeds get distinct seeds");
    for (const seed of seeds) assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32);
  });

  it("takes metrics and metricsEvery, checks them, and defaults metricsEvery to 10", () => {
    const metrics = () => ({ accuracy: 1 });
    const normalized = normalizeDefinition(checkDefinition({ dimension: 1, evaluate, metrics }), undefined, "m");
    assert.equal(normalized.metricsEvery, 10);
    assert.deepEqual(normalized.metrics!(new Float64Array(1), evaluationContext(0, 0)), { accuracy: 1 });
    assert.equal(normalizeDefinition(checkDefinition({ dimension: 1, evaluate, metrics, metricsEvery: 3 }), undefined, "m").metricsEvery, 3);
    assert.deepEqual(definitionProblems({ dimension: 1, evaluate, metrics: 5, metricsEvery: 0 }), [
      "metrics must be a function",
      "metricsEvery must be a positive integer, got 0",
    ]);
  });

  it("takes optimizerDefaults keyed by optimizer name and checks their shape", () => {
    const optimizerDefaults = { "zoar-pairs": { lr: 1e-3 } };
    assert.deepEqual(normalizeDefinition(checkDefinition({ dimension: 1, evaluate, optimizerDefaults }), undefined, "m").optimizerDefaults, optimizerDefaults);
    assert.deepEqual(normalizeDefinition(checkDefinition({ dimension: 1, evaluate }), undefined, "m").optimizerDefaults, {});
    assert.deepEqual(definitionProblems({ dimension: 1, evaluate, optimizerDefaults: 0.001 }), [
      'optimizerDefaults must be an object keyed by optimizer name, e.g. { "zoar-pairs": { lr: 0.001 } }',
    ]);
    assert.deepEqual(definitionProblems({ dimension: 1, evaluate, optimizerDefaults: { spsa: 0.001 } }), [
      'optimizerDefaults["spsa"] must be an object of optimizer settings, got 0.001',
    ]);
  });

  it("takes initial parameters as a Float32Array of a million values", () => {
    const initial = new Float32Array(1_000_000).fill(0.5);
    const normalized = normalizeDefinition(checkDefinition({ dimension: initial.length, evaluate, initial: () => initial }), initial, "big");
    assert.equal(normalized.initial.length, 1_000_000);
    assert.equal(normalized.initial[999_999], 0.5);
  });
});
