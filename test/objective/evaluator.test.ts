import * as assert from "node:assert/strict";
import { ObjectiveEvaluator } from "../../src/objective/evaluator";
import { fixture, rejectsWithObjectiveError, rowsOf } from "./helpers";

describe("ObjectiveEvaluator: objectives that work", () => {
  const open: ObjectiveEvaluator[] = [];
  async function openFixture(name: string, options: Parameters<typeof ObjectiveEvaluator.open>[1] = {}) {
    const evaluator = await ObjectiveEvaluator.open(fixture(name), options);
    open.push(evaluator);
    return evaluator;
  }
  afterEach(async () => {
    await Promise.all(open.splice(0).map((evaluator) => evaluator.close()));
  });

  it("loads a defineObjective file: info, setup() before the first batch, values in order", async () => {
    const evaluator = await openFixture("sphere.ts");
    const { info } = evaluator;
    assert.equal(info.file, fixture("sphere.ts"));
    assert.equal(info.name, "shifted sphere");
    assert.equal(info.description, "sum of (x_i - 1)^2");
    assert.equal(info.dimension, 4);
    assert.deepEqual(Array.from(info.initial), [-1, -1, -1, -1]);
    assert.deepEqual(Array.from(info.bounds!.lower), [-5, -5, -5, -5]);
    assert.deepEqual(Array.from(info.bounds!.upper), [5, 5, 5, 5]);
    assert.equal(info.provider, undefined);

    const values = await evaluator.evaluateBatch(rowsOf([1, 1, 1, 1], [0, 0, 0, 0], [3, 1, 1, -1]), 3, 0);
    assert.ok(values instanceof Float64Array);
    assert.deepEqual(Array.from(values), [0, 4, 8]);
    assert.deepEqual(evaluator.lastSkipped, []);
  });

  it("loads the bare form: default function plus dimension, initial and bounds", async () => {
    const evaluator = await openFixture("bare-function.ts");
    assert.equal(evaluator.info.name, "bare-function");
    assert.equal(evaluator.info.dimension, 3);
    assert.deepEqual(Array.from(evaluator.info.initial), [0.5, 0.5, 0.5]);
    assert.deepEqual(Array.from(evaluator.info.bounds!.upper), [1, 2, 3]);
    const values = await evaluator.evaluateBatch(rowsOf([1, 0, 0], [0, 1, 0], [0, 0, 1]), 3, 0);
    assert.deepEqual(Array.from(values), [1, 2, 3]);
  });

  it("runs an objective that imports a neighbour module", async () => {
    const evaluator = await openFixture("with-neighbour.ts");
    const values = await evaluator.evaluateBatch(rowsOf([1, 2, 3]), 1, 0);
    assert.deepEqual(Array.from(values), [321]);
  });

  it("finds files beside the objective through imports, __dirname and import.meta.url", async () => {
    const evaluator = await openFixture("reads-files.ts");
    const values = await evaluator.evaluateBatch(rowsOf([1, 0], [0, 1]), 2, 0);
    assert.deepEqual(Array.from(values), [12, 22]);
  });

  it("awaits an async evaluate", async () => {
    const evaluator = await openFixture("async-evaluate.ts");
    const values = await evaluator.evaluateBatch(rowsOf([1, -2], [-3, 4]), 2, 0);
    assert.deepEqual(Array.from(values), [3, 7]);
  });

  it("hands a whole batch to evaluateBatch in one call", async () => {
    const evaluator = await openFixture("evaluate-batch.ts");
    const values = await evaluator.evaluateBatch(rowsOf([2, 3], [4, 5], [1, 1]), 3, 0);
    assert.deepEqual(Array.from(values), [3006, 3020, 3001]);
  });

  it("reads only the first rows * dimension numbers, grows its buffers, and returns arrays the caller owns", async () => {
    const evaluator = await openFixture("bare-function.ts");
    const first = await evaluator.evaluateBatch(rowsOf([1, 1, 1], [9, 9, 9]), 1, 0);
    assert.deepEqual(Array.from(first), [6]);
    const rows = 50;
    const points = new Float64Array(rows * 3);
    for (let row = 0; row < rows; row++) points[row * 3] = row;
    const many = await evaluator.evaluateBatch(points, rows, 1);
    assert.deepEqual(Array.from(many), Array.from({ length: rows }, (_, row) => row));
    assert.deepEqual(Array.from(first), [6], "an earlier result is not overwritten by a later batch");
    assert.deepEqual(Array.from(await evaluator.evaluateBatch(points, 0, 2)), []);
  });

  it("serves concurrent calls one after another", async () => {
    const evaluator = await openFixture("async-evaluate.ts");
    const results = await Promise.all(
      [1, 2, 3, 4].map((k) => evaluator.evaluateBatch(rowsOf([k, 0], [0, -k]), 2, k)),
    );
    assert.deepEqual(results.map((values) => Array.from(values)), [[1, 1], [2, 2], [3, 3], [4, 4]]);
  });

  it("rejects a points array that is too short without closing the evaluator", async () => {
    const evaluator = await openFixture("bare-function.ts");
    await assert.rejects(evaluator.evaluateBatch(new Float64Array(5), 2, 0), RangeError);
    await assert.rejects(evaluator.evaluateBatch(new Float64Array(3), 1.5, 0), RangeError);
    assert.deepEqual(Array.from(await evaluator.evaluateBatch(rowsOf([1, 1, 1]), 1, 1)), [6]);
  });

  it("skips non-finite values under policy skip, returning NaN and listing them", async () => {
    const evaluator = await openFixture("returns-nan.ts", { nonFinite: "skip" });
    const values = await evaluator.evaluateBatch(rowsOf([2], [-1], [0], [5]), 4, 7);
    assert.equal(values[0], 2);
    assert.ok(Number.isNaN(values[1]));
    assert.ok(Number.isNaN(values[2]));
    assert.equal(values[3], 5);
    assert.deepEqual(evaluator.lastSkipped, [
      { iteration: 7, query: 1, reason: "NaN" },
      { iteration: 7, query: 2, reason: "Infinity" },
    ]);
    await evaluator.evaluateBatch(rowsOf([1]), 1, 8);
    assert.deepEqual(evaluator.lastSkipped, [], "the list describes the latest batch");
  });

  it("skips values that are not numbers under policy skip", async () => {
    const evaluator = await openFixture("returns-undefined.ts", { nonFinite: "skip" });
    const values = await evaluator.evaluateBatch(rowsOf([1], [-1]), 2, 0);
    assert.equal(values[0], 1);
    assert.ok(Number.isNaN(values[1]));
    assert.deepEqual(evaluator.lastSkipped, [{ iteration: 0, query: 1, reason: "not a number" }]);
  });

  it("refuses calls after close, and close can be repeated", async () => {
    const evaluator = await openFixture("sphere.ts");
    await evaluator.close();
    await evaluator.close();
    const error = await rejectsWithObjectiveError(evaluator.evaluateBatch(new Float64Array(4), 1, 0), "exit");
    assert.equal(error.message, "sphere.ts: the evaluator is closed");
  });
});
