// How an iteration's points reach the workers, chosen per batch by its size
// (bench/distributed.ts measures the crossover): small rows travel inside
// their jobs; larger seed-built batches send theta once (d float64s) and
// each job names its row's kind and seed; larger batches without a recipe
// (CMA-ES) store the points once and each worker reads its own row.
import type { QueryRecipe } from "../engine";
import { floatsToBuffer, type QueryInput } from "./payload";

/** Rows up to this many coordinates go inside the jobs (see bench/results/distributed.json, payloadByDimension). */
export const INLINE_MAX_DIMENSION = 256;

/** `auto` picks by size; the others force one way (benchmarks, tests). */
export type PayloadMode = "auto" | "rows" | "recipe" | "batch";

export interface BatchInput {
  /** Per row, what its job carries. */
  inputs: QueryInput[];
  /** To store under thetaKey before the jobs go out. */
  theta?: Buffer;
  /** To store under pointsKey before the jobs go out. */
  points?: Buffer;
}

/** Whether `recipe` describes exactly this batch. */
export function recipeFits(recipe: QueryRecipe | null | undefined, rows: number, dimension: number, iteration: number): recipe is QueryRecipe {
  return recipe !== null && recipe !== undefined && recipe.kinds.length === rows && recipe.dimension === dimension && recipe.iteration === iteration && recipe.theta.length === dimension;
}

export function batchInput(points: Float64Array, rows: number, dimension: number, recipe: QueryRecipe | undefined, mode: PayloadMode = "auto"): BatchInput {
  const chosen = mode === "auto" ? (dimension <= INLINE_MAX_DIMENSION ? "rows" : recipe ? "recipe" : "batch") : mode;
  if (chosen === "recipe") {
    if (!recipe) throw new Error("no recipe for this batch: its rows are not built from seeds");
    const { mu, sampler } = recipe;
    return {
      inputs: recipe.kinds.map((row, query) => ({ kind: "rebuild", row, direction: recipe.seeds[query], mu, sampler })),
      theta: floatsToBuffer(recipe.theta), // no copy: theta moves only at tell, after the batch is back
    };
  }
  if (chosen === "batch") return { inputs: Array.from({ length: rows }, () => ({ kind: "batch" })), points: floatsToBuffer(points.subarray(0, rows * dimension)) };
  return {
    inputs: Array.from({ length: rows }, (_, query) => ({ kind: "row", row: floatsToBuffer(points.subarray(query * dimension, (query + 1) * dimension)).toString("base64") })),
  };
}
