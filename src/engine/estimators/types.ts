import type { Vector } from "../precision";

/** One iteration's queries as an estimator sees them. */
export interface QueryBatch {
  iteration: number;
  /** Seed of each direction (see random.ts: regenerates the direction exactly). */
  seeds: Uint32Array;
  /**
   * The asked points, row-major. Direction k's query is row firstRow + k * stride
   * (stride 2 for antithetic pairs: +z then -z). The estimators use the
   * perturbation actually applied, u = (x - theta) / mu, recovered from the
   * points, so no copy of the directions is kept.
   */
  points: Vector;
  firstRow: number;
  stride: number;
  theta: Vector;
  inverseMu: number;
  /** Value of each direction query in query order (for `central`: +z0, -z0, +z1, -z1, ...). */
  values: Float64Array;
  /** f(theta), or NaN when it was not evaluated. */
  center: number;
}

/** A query remembered by an estimator, as the dashboard's buffer inspector shows it. */
export interface BufferEntry {
  iteration: number;
  /** Index of the query among its iteration's direction queries. */
  query: number;
  seed: number;
  value: number;
  /** value - baseline. */
  advantage: number;
  /** Coefficient of this query's direction in the current estimate: g = sum(weight * u). */
  weight: number;
  /** Iterations since the query was made (0 = this iteration). */
  age: number;
}

/** g = sum_k weights[k] * u(seeds[k]): an estimate that can be regenerated from K seeds and K numbers. */
export interface DirectionCombination {
  seeds: Uint32Array;
  weights: Float64Array;
}

/** Plain-data state of an estimator, for snapshots. */
export type EstimatorState = Record<string, unknown>;

export interface GradientEstimator {
  /** Write the estimate into g and return the baseline used (NaN when there is none). */
  estimate(batch: QueryBatch, g: Vector): number;
  /** The queries behind the last estimate, oldest first. */
  entries(currentIteration: number): BufferEntry[];
  /**
   * The last estimate as one iteration's combination of directions, or null
   * when it is not one (a window of such estimates can then keep seeds).
   */
  combination?(): DirectionCombination | null;
  snapshot(): EstimatorState;
  restore(state: EstimatorState): void;
}

/**
 * Regenerates direction `seed` into out[offset .. offset + d), or, given
 * `shift`, writes the query point shift + scale * u there instead.
 */
export type DirectionSource = (seed: number, out: Vector, offset: number, shift?: Vector, scale?: number) => void;
