// Which way a batch's points travel, by size and by whether a recipe describes them.
import * as assert from "node:assert/strict";
import { batchInput, INLINE_MAX_DIMENSION, recipeFits } from "../../src/distributed/batch-input";
import { floatsFromBuffer } from "../../src/distributed/payload";
import { createOptimizer } from "../../src/engine";

function askedBatch(optimizerName: string, d: number) {
  const optimizer = createOptimizer(optimizerName, { queries: 3 }, { initial: new Float64Array(d).fill(0.25), seed: 4 });
  const batch = optimizer.ask();
  return { batch, recipe: optimizer.queryRecipe() };
}

describe("batch input", () => {
  it("puts rows of up to INLINE_MAX_DIMENSION coordinates inside the jobs, exactly", () => {
    const { batch, recipe } = askedBatch("vanilla", INLINE_MAX_DIMENSION);
    const input = batchInput(batch.points, batch.rows, batch.dimension, recipe ?? undefined);
    assert.equal(input.theta, undefined);
    assert.equal(input.points, undefined);
    input.inputs.forEach((job, row) => {
      assert.equal(job.kind, "row");
      const values = floatsFromBuffer(Buffer.from((job as { row: string }).row, "base64"));
      assert.deepEqual(values, batch.points.slice(row * batch.dimension, (row + 1) * batch.dimension));
    });
  });

  it("sends theta once and a recipe per job past that, for seed-built rows", () => {
    const d = INLINE_MAX_DIMENSION + 1;
    const { batch, recipe } = askedBatch("spsa", d);
    assert.ok(recipeFits(recipe, batch.rows, d, batch.iteration));
    const input = batchInput(batch.points, batch.rows, d, recipe!);
    assert.equal(input.theta!.length, d * 8);
    assert.equal(input.points, undefined);
    assert.deepEqual(
      input.inputs.map((job) => (job.kind === "rebuild" ? job.row : job.kind)),
      ["plus", "minus", "plus", "minus", "plus", "minus"],
    );
  });

  it("stores the batch once when its rows are not built from seeds", () => {
    const d = INLINE_MAX_DIMENSION + 1;
    const { batch, recipe } = askedBatch("sep-cma-es", d);
    assert.equal(recipe, null);
    const input = batchInput(batch.points, batch.rows, d, undefined);
    assert.equal(input.points!.length, batch.rows * d * 8);
    assert.ok(input.inputs.every((job) => job.kind === "batch"));
  });

  it("takes a recipe only for the batch it describes", () => {
    const { batch, recipe } = askedBatch("vanilla", 300);
    assert.ok(recipeFits(recipe, batch.rows, 300, batch.iteration));
    assert.equal(recipeFits(recipe, batch.rows - 1, 300, batch.iteration), false);
    assert.equal(recipeFits(recipe, batch.rows, 301, batch.iteration), false);
    assert.equal(recipeFits(recipe, batch.rows, 300, batch.iteration + 1), false);
    assert.equal(recipeFits(null, batch.rows, 300, batch.iteration), false);
    assert.throws(() => batchInput(batch.points, batch.rows, 300, undefined, "recipe"), /no recipe for this batch/);
  });
});
