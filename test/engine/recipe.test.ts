// A batch's recipe (theta, mu, each row's kind and seed) rebuilds every row
// bit for bit: distributed workers send theta once and rebuild the points.
import * as assert from "node:assert/strict";
import { createOptimizer, optimizerNames, QueryRowBuilder, type QueryRecipe } from "../../src/engine";

function bowl(x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] - 0.3) ** 2 + 0.1 * Math.sin(5 * x[i]);
  return sum;
}

/** The rows of `recipe` as QueryRowBuilder writes them, one at a time into a fresh buffer. */
function rebuild(recipe: QueryRecipe): Float64Array {
  const d = recipe.dimension;
  const builder = new QueryRowBuilder(recipe.sampler, d);
  const theta = recipe.theta.slice(); // as a worker holds it: a copy of the bytes sent
  const rows = new Float64Array(recipe.kinds.length * d).fill(NaN);
  recipe.kinds.forEach((kind, row) => builder.build(theta, recipe.mu, kind, recipe.seeds[row], rows, row * d));
  return rows;
}

function bytes(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

describe("query recipes", () => {
  const d = 37;
  const initial = Float64Array.from({ length: d }, (_, i) => Math.cos(i) * 0.7);

  for (const name of optimizerNames().filter((name) => !name.includes("cma"))) {
    for (const sampler of ["gaussian", "sphere"] as const) {
      it(`${name} (${sampler}): every row rebuilt from the recipe has the asked row's exact bits, over several iterations`, () => {
        const optimizer = createOptimizer(name, { sampler, queries: 4, lr: 0.01 }, { initial, seed: 11 });
        for (let t = 0; t < 6; t++) {
          const batch = optimizer.ask();
          const recipe = optimizer.queryRecipe();
          assert.ok(recipe, "a seed-built optimizer has a recipe");
          assert.equal(recipe.iteration, t);
          assert.equal(recipe.kinds.length, batch.rows);
          assert.equal(recipe.kinds.includes("center"), batch.centerRow >= 0);
          if (batch.centerRow >= 0) assert.equal(recipe.kinds[batch.centerRow], "center");
          assert.ok(bytes(rebuild(recipe)).equals(bytes(batch.points.subarray(0, batch.rows * d))), `iteration ${t}`);
          const values = Array.from({ length: batch.rows }, (_, row) => bowl(batch.points.subarray(row * d, (row + 1) * d)));
          optimizer.tell(values);
          assert.equal(optimizer.queryRecipe(), null, "no recipe between tell and the next ask");
        }
      });
    }
  }

  it("antithetic pairs come as plus then minus rows of one seed; forward rows each have their own", () => {
    const pairs = createOptimizer("spsa", { queries: 3 }, { initial, seed: 2 });
    pairs.ask();
    const recipe = pairs.queryRecipe()!;
    assert.deepEqual(recipe.kinds, ["plus", "minus", "plus", "minus", "plus", "minus"]);
    assert.equal(recipe.seeds[0], recipe.seeds[1]);
    assert.notEqual(recipe.seeds[0], recipe.seeds[2]);
    const forward = createOptimizer("vanilla", { queries: 2 }, { initial, seed: 2 });
    forward.ask();
    assert.deepEqual(forward.queryRecipe()!.kinds, ["center", "forward", "forward"]);
  });

  it("CMA-ES has no recipe: its samples go through the covariance", () => {
    const cma = createOptimizer("sep-cma-es", {}, { initial, seed: 2 });
    cma.ask();
    assert.equal(cma.queryRecipe(), null);
  });

  it("refuses a theta of another dimension", () => {
    assert.throws(() => new QueryRowBuilder("gaussian", 4).build(new Float64Array(3), 0.1, "forward", 1, new Float64Array(4)), /theta has 3 numbers, the recipe's dimension is 4/);
  });
});
