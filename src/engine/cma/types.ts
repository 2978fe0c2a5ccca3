// Plain-data shapes of the CMA-ES optimizers: what the inspector shows and
// what a snapshot holds.
import type { OptimizerConfig } from "../config";
import type { TellResult } from "../optimizer";
import type { Box } from "../projection";

/** "full": a d x d covariance (CMA-ES); "separable": its diagonal only (sep-CMA-ES). */
export type CmaVariant = "full" | "separable";

/** The search distribution N(m, sigma^2 C), as the dashboard's inspector shows it. */
export interface SearchInspection {
  variant: CmaVariant;
  sigma: number;
  /** lambda, mu and mu_eff. */
  population: number;
  parents: number;
  effectiveParents: number;
  /** The largest recombination weights (of the best, second best, ... sample). */
  topWeights: number[];
  /** Standard deviation of the samples along each coordinate, sigma * sqrt(C_ii): smallest, root mean square, largest. */
  spread: { min: number; rms: number; max: number };
  /** sqrt(largest / smallest eigenvalue of C): how elongated the distribution is. */
  axisRatio: number;
  /** ||p_sigma|| / E||N(0, I)||: above 1 sigma grows, below 1 it shrinks. */
  stepPathRatio: number;
}

export interface CmaSnapshot {
  format: "zoar-cma/1";
  name: string;
  variant: CmaVariant;
  config: OptimizerConfig;
  dimension: number;
  seed: number;
  iteration: number;
  evaluations: number;
  estimatorEvaluations: number;
  /** The mean m. */
  theta: Float64Array;
  sigma: number;
  /** C: d x d row-major (full) or its diagonal (separable). */
  covariance: Float64Array;
  /** B, the eigenvectors of C as columns (full only; empty for separable). */
  eigenvectors: Float64Array;
  /** D, square roots of C's eigenvalues (full) or of its diagonal (separable). */
  axes: Float64Array;
  /** Sample count at the last eigendecomposition. */
  eigenSamples: number;
  pathSigma: Float64Array;
  pathC: Float64Array;
  /** y_w of the last generation. */
  weightedStep: Float64Array;
  bounds: Box | null;
  best: { value: number; iteration: number; point: Float64Array };
  last: TellResult | null;
}
