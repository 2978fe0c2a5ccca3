// The default strategy parameters of CMA-ES (N. Hansen, "The CMA Evolution
// Strategy: A Tutorial", arXiv 1604.00772, table 1) and of sep-CMA-ES
// (R. Ros, N. Hansen, PPSN 2008: diagonal covariance, learning rates x (d+2)/3).

export interface CmaStrategy {
  /** lambda: samples per generation. */
  population: number;
  /** mu: parents, the best floor(lambda / 2). */
  parents: number;
  /** Positive recombination weights, decreasing, summing to 1. */
  weights: Float64Array;
  /** mu_eff = 1 / sum w_i^2. */
  effectiveParents: number;
  /** c_sigma and d_sigma: step-size path and damping. */
  cSigma: number;
  dSigma: number;
  /** c_c: covariance path. */
  cC: number;
  /** c_1 and c_mu: rank-one and rank-mu learning rates. */
  c1: number;
  cMu: number;
  /** E||N(0, I)||. */
  chiN: number;
}

/** lambda = 4 + floor(3 ln d). */
export function defaultPopulation(d: number): number {
  return 4 + Math.floor(3 * Math.log(d));
}

export function cmaStrategy(d: number, population: number, separable: boolean): CmaStrategy {
  const parents = Math.floor(population / 2);
  // w_i proportional to ln((lambda + 1) / 2) - ln i, i = 1..mu (equal to ln(mu + 1/2) - ln i for even lambda).
  const weights = new Float64Array(parents);
  let sum = 0;
  for (let i = 0; i < parents; i++) sum += weights[i] = Math.log((population + 1) / 2) - Math.log(i + 1);
  let squares = 0;
  for (let i = 0; i < parents; i++) {
    weights[i] /= sum;
    squares += weights[i] * weights[i];
  }
  const mueff = 1 / squares;
  const cSigma = (mueff + 2) / (d + mueff + 5);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (d + 1)) - 1) + cSigma;
  const cC = (4 + mueff / d) / (d + 4 + (2 * mueff) / d);
  let c1 = 2 / ((d + 1.3) ** 2 + mueff);
  let cMu = Math.min(1 - c1, (2 * (mueff - 2 + 1 / mueff)) / ((d + 2) ** 2 + mueff));
  if (separable) {
    // The diagonal has d free numbers, not d^2/2: it can learn (d + 2)/3 times faster.
    const speedUp = (d + 2) / 3;
    c1 = Math.min(1, c1 * speedUp);
    cMu = Math.min(1 - c1, cMu * speedUp);
  }
  const chiN = Math.sqrt(d) * (1 - 1 / (4 * d) + 1 / (21 * d * d));
  return { population, parents, weights, effectiveParents: mueff, cSigma, dSigma, cC, c1, cMu, chiN };
}

/** Evaluations between two eigendecompositions of C: lambda / ((c1 + c_mu) d 10), as in the tutorial and pycma. */
export function eigenInterval(strategy: CmaStrategy, d: number): number {
  return strategy.population / ((strategy.c1 + strategy.cMu) * d * 10);
}
