// CMA-ES and sep-CMA-ES behind the engine's ask/tell: a generation is one
// batch of lambda samples x_k = m + sigma * B D z_k (sep-CMA-ES: B = I).
// The update is Hansen's tutorial (arXiv 1604.00772, positive weights,
// cumulative step-size adaptation). z_k is drawn from the engine's generator
// seeded by (seed, generation, k), so a snapshot needs no generator state.
//
// Settings reuse the engine's config record where the meaning carries over:
// `queries` is the population lambda, `mu` the initial step size sigma_0,
// `lr` the mean's learning rate c_m (1 in the tutorial), `measureCenter`
// adds f(m) as row 0 for logging. Every other setting must keep its preset
// value (CMA_BASE_CONFIG). Bounds: each sample is projected onto the box
// before it is evaluated and the update uses the projected sample, so the
// mean, a convex combination of samples when c_m = 1, stays inside.
import { recordBest } from "../best";
import { type OptimizerConfig, resolveConfig } from "../config";
import { checkToldValues, ConfigError } from "../errors";
import type { AskBatch, Inspection, OptimizerOptions, TellResult } from "../optimizer";
import { checkBounds } from "../optimizer";
import { type Box, project } from "../projection";
import { Rng, directionSeed } from "../random";
import { norm2, squaredDistance } from "../vector";
import { symmetricEigen } from "./eigen";
import { type CmaStrategy, cmaStrategy, defaultPopulation, eigenInterval } from "./strategy";
import type { CmaSnapshot, CmaVariant, SearchInspection } from "./types";

/** Above this dimension full CMA-ES refuses: C, B and the eigensolver's copy hold 3 d^2 numbers, O(d^3) per update. */
export const FULL_CMA_DIMENSION_LIMIT = 2000;

/**
 * The engine settings of the CMA-ES presets. `queries` here is a placeholder:
 * left unset, the population is 4 + floor(3 ln d) (see createCmaOptimizer).
 */
export const CMA_BASE_CONFIG: Partial<OptimizerConfig> = {
  estimator: "average",
  sampler: "gaussian",
  queries: 10,
  mu: 1,
  histories: 0,
  history: "none",
  rankValues: true,
  dimensionScale: false,
  measureCenter: false,
  update: "sgd",
  lr: 1,
};

/** Settings with no meaning for CMA-ES: they must keep the values of CMA_BASE_CONFIG. */
const FIXED_KEYS = ["estimator", "sampler", "histories", "history", "rankValues", "dimensionScale", "update"] as const;

/** Smallest step size kept: below it every sample would round to the mean. */
const MIN_SIGMA = 1e-300;

export class CmaEsOptimizer {
  readonly name: string;
  readonly config: OptimizerConfig;
  readonly variant: CmaVariant;
  readonly dimension: number;
  readonly seed: number;
  private readonly strategy: CmaStrategy;
  private readonly bounds: Box | null;
  private iteration = 0;
  private evaluations = 0;
  private sampleCount = 0;
  private readonly mean: Float64Array;
  private sigma: number;
  private readonly covariance: Float64Array;
  private readonly eigenvectors: Float64Array;
  private readonly axes: Float64Array;
  private eigenSamples = 0;
  private readonly pathSigma: Float64Array;
  private readonly pathC: Float64Array;
  private readonly weightedStep: Float64Array;
  private best: { value: number; iteration: number; point: Float64Array };
  private last: TellResult | null = null;

  // Work buffers, allocated once.
  private readonly rng = new Rng(0);
  private readonly z: Float64Array;
  private readonly scratch: Float64Array;
  private readonly previousMean: Float64Array;
  private readonly points: Float64Array;
  private readonly steps: Float64Array;
  private readonly rows: number;
  private readonly centerRow: number;
  private askedIteration = -1;

  constructor(config: OptimizerConfig, variant: CmaVariant, options: OptimizerOptions) {
    this.config = resolveConfig(config);
    this.variant = variant;
    this.name = options.name ?? (variant === "full" ? "cma-es" : "sep-cma-es");
    const c = this.config;
    for (const key of FIXED_KEYS) {
      if (c[key] !== CMA_BASE_CONFIG[key]) {
        throw new ConfigError(key, `does not apply to ${this.name} (it takes queries = population, mu = initial step size, lr = mean learning rate, measureCenter)`);
      }
    }
    if (c.lrSchedule !== "constant") throw new ConfigError("lrSchedule", `does not apply to ${this.name}: its mean learning rate lr is constant`);
    if (c.precision !== "float64") throw new ConfigError("precision", `${this.name} keeps its state in float64 only (got ${JSON.stringify(c.precision)})`);
    if (c.queries < 2) throw new ConfigError("queries", `the population of ${this.name} must be at least 2 (got ${c.queries})`);
    if (c.lr > 1) throw new ConfigError("lr", `the mean learning rate of ${this.name} must be in (0, 1] (got ${c.lr})`);
    const initial = options.initial;
    const d = initial?.length ?? 0;
    if (!Number.isInteger(d) || d < 1) throw new ConfigError("initial", "must be a non-empty array of numbers");
    for (let i = 0; i < d; i++) {
      if (!Number.isFinite(initial[i])) throw new ConfigError("initial", `coordinate ${i} is ${initial[i]}, not a finite number`);
    }
    if (variant === "full" && d > FULL_CMA_DIMENSION_LIMIT) {
      throw new ConfigError(
        "optimizer",
        `cma-es keeps a ${d} x ${d} covariance matrix and decomposes it (O(d^3)); above d = ${FULL_CMA_DIMENSION_LIMIT} use sep-cma-es (diagonal covariance, O(d) per sample)`,
      );
    }
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ConfigError("seed", `must be an integer in [0, 2^32) (got ${seed})`);
    this.dimension = d;
    this.seed = seed;
    this.strategy = cmaStrategy(d, c.queries, variant === "separable");
    this.bounds = options.bounds ? checkBounds(options.bounds, d) : null;
    this.mean = Float64Array.from(initial);
    project(this.mean, this.bounds);
    this.sigma = c.mu;

    const full = variant === "full";
    this.covariance = new Float64Array(full ? d * d : d);
    this.eigenvectors = new Float64Array(full ? d * d : 0);
    if (full) for (let i = 0; i < d; i++) this.covariance[i * d + i] = this.eigenvectors[i * d + i] = 1;
    else this.covariance.fill(1);
    this.axes = new Float64Array(d).fill(1);
    this.pathSigma = new Float64Array(d);
    this.pathC = new Float64Array(d);
    this.weightedStep = new Float64Array(d);

    this.z = new Float64Array(d);
    this.scratch = new Float64Array(d);
    this.previousMean = new Float64Array(d);
    this.rows = c.queries + (c.measureCenter ? 1 : 0);
    this.centerRow = c.measureCenter ? 0 : -1;
    this.points = new Float64Array(this.rows * d);
    this.steps = new Float64Array(c.queries * d);
    this.best = { value: Infinity, iteration: -1, point: this.mean.slice() };
  }

  /** The generation's samples (and f(m) first with measureCenter); the same batch until `tell`. */
  ask(): AskBatch<Float64Array> {
    const d = this.dimension;
    if (this.askedIteration !== this.iteration) {
      const { mean, points, z, axes } = this;
      let row = 0;
      if (this.centerRow >= 0) points.set(mean, d * row++);
      for (let k = 0; k < this.config.queries; k++, row++) {
        this.rng.reseed(directionSeed(this.seed, this.iteration, k));
        this.rng.fillNormal(z, 0, d);
        const offset = row * d;
        if (this.variant === "separable") {
          for (let i = 0; i < d; i++) points[offset + i] = mean[i] + this.sigma * axes[i] * z[i];
        } else {
          const B = this.eigenvectors;
          for (let j = 0; j < d; j++) z[j] *= axes[j];
          for (let i = 0; i < d; i++) {
            let y = 0;
            const rowB = i * d;
            for (let j = 0; j < d; j++) y += B[rowB + j] * z[j];
            points[offset + i] = mean[i] + this.sigma * y;
          }
        }
        if (this.bounds) project(points.subarray(offset, offset + d), this.bounds);
      }
      this.askedIteration = this.iteration;
    }
    return { iteration: this.iteration, points: this.points, rows: this.rows, dimension: d, centerRow: this.centerRow };
  }

  /**
   * Consume the values of the asked points (same order) and update the
   * distribution. Throws a TellError, with the state unchanged, on a wrong
   * count or a non-finite value.
   */
  tell(values: ArrayLike<number>): TellResult {
    const t = this.iteration;
    checkToldValues(values, { iteration: t, askedIteration: this.askedIteration, rows: this.rows, centerRow: this.centerRow });
    // Everything below succeeds: the state is only changed past this point.
    const d = this.dimension;
    const s = this.strategy;
    const lambda = this.config.queries;
    const first = this.centerRow >= 0 ? 1 : 0;
    recordBest(this.best, values, this.points, this.rows, t);

    // Steps y_k = (x_k - m) / sigma, recovered from the (possibly projected) samples.
    const { steps, points, mean } = this;
    const inverseSigma = 1 / this.sigma;
    for (let k = 0; k < lambda; k++) {
      const offset = (first + k) * d;
      for (let i = 0; i < d; i++) steps[k * d + i] = (points[offset + i] - mean[i]) * inverseSigma;
    }
    const order = Array.from({ length: lambda }, (_, k) => k).sort((a, b) => values[first + a] - values[first + b] || a - b);

    const yw = this.weightedStep;
    yw.fill(0);
    for (let j = 0; j < s.parents; j++) {
      const w = s.weights[j];
      const offset = order[j] * d;
      for (let i = 0; i < d; i++) yw[i] += w * steps[offset + i];
    }
    this.previousMean.set(mean);
    const meanStep = this.config.lr * this.sigma;
    for (let i = 0; i < d; i++) mean[i] += meanStep * yw[i];

    // Step-size path: p_sigma <- (1 - c_s) p_sigma + sqrt(c_s (2 - c_s) mu_eff) C^(-1/2) y_w.
    const whitened = this.scratch;
    this.whiten(yw, whitened);
    const sigmaPathScale = Math.sqrt(s.cSigma * (2 - s.cSigma) * s.effectiveParents);
    for (let i = 0; i < d; i++) this.pathSigma[i] = (1 - s.cSigma) * this.pathSigma[i] + sigmaPathScale * whitened[i];
    const pathSigmaNorm = norm2(this.pathSigma);
    // h_sigma stalls the covariance path while sigma is still growing fast.
    const correction = Math.sqrt(1 - Math.pow(1 - s.cSigma, 2 * (t + 1)));
    const hSigma = pathSigmaNorm / correction / s.chiN < 1.4 + 2 / (d + 1) ? 1 : 0;
    const cPathScale = hSigma * Math.sqrt(s.cC * (2 - s.cC) * s.effectiveParents);
    for (let i = 0; i < d; i++) this.pathC[i] = (1 - s.cC) * this.pathC[i] + cPathScale * yw[i];

    this.updateCovariance(order, hSigma);
    this.sigma = Math.max(MIN_SIGMA, this.sigma * Math.exp(Math.min(1, (s.cSigma / s.dSigma) * (pathSigmaNorm / s.chiN - 1))));
    this.sampleCount += lambda;
    this.updateAxes();

    this.evaluations += this.rows;
    let meanValue = 0;
    for (let k = 0; k < lambda; k++) meanValue += values[first + k];
    meanValue /= lambda;
    this.last = {
      iteration: t,
      value: this.centerRow >= 0 ? values[this.centerRow] : meanValue,
      valueKind: this.centerRow >= 0 ? "center" : "mean",
      baseline: meanValue,
      gradientNorm: norm2(yw),
      stepNorm: Math.sqrt(squaredDistance(mean, this.previousMean)),
      evaluations: this.evaluations,
      estimatorEvaluations: this.sampleCount,
      bestValue: this.best.value,
    };
    this.iteration = t + 1;
    return this.last;
  }

  /** out = C^(-1/2) y = B D^-1 B^T y (separable: y / D). */
  private whiten(y: Float64Array, out: Float64Array): void {
    const d = this.dimension;
    const D = this.axes;
    if (this.variant === "separable") {
      for (let i = 0; i < d; i++) out[i] = y[i] / D[i];
      return;
    }
    const B = this.eigenvectors;
    const projected = this.z; // free between ask and the next ask
    projected.fill(0);
    for (let i = 0; i < d; i++) {
      const yi = y[i];
      const rowB = i * d;
      for (let j = 0; j < d; j++) projected[j] += B[rowB + j] * yi;
    }
    for (let j = 0; j < d; j++) projected[j] /= D[j];
    for (let i = 0; i < d; i++) {
      let sum = 0;
      const rowB = i * d;
      for (let j = 0; j < d; j++) sum += B[rowB + j] * projected[j];
      out[i] = sum;
    }
  }

  /** C <- (1 - c1 - c_mu + (1 - h_sigma) c1 c_c (2 - c_c)) C + c1 p_c p_c^T + c_mu sum_j w_j y_j y_j^T. */
  private updateCovariance(order: number[], hSigma: number): void {
    const d = this.dimension;
    const s = this.strategy;
    const C = this.covariance;
    const pc = this.pathC;
    const steps = this.steps;
    const decay = 1 - s.c1 - s.cMu + (1 - hSigma) * s.c1 * s.cC * (2 - s.cC);
    const parentOffsets = order.slice(0, s.parents).map((k) => k * d);
    const weights = s.weights;
    if (this.variant === "separable") {
      for (let i = 0; i < d; i++) {
        let rankMu = 0;
        for (let j = 0; j < s.parents; j++) {
          const y = steps[parentOffsets[j] + i];
          rankMu += weights[j] * y * y;
        }
        C[i] = decay * C[i] + s.c1 * pc[i] * pc[i] + s.cMu * rankMu;
      }
      return;
    }
    // Lower triangle, then mirrored: C stays exactly symmetric.
    for (let i = 0; i < d; i++) {
      for (let k = 0; k <= i; k++) {
        let rankMu = 0;
        for (let j = 0; j < s.parents; j++) rankMu += weights[j] * steps[parentOffsets[j] + i] * steps[parentOffsets[j] + k];
        const value = decay * C[i * d + k] + s.c1 * pc[i] * pc[k] + s.cMu * rankMu;
        C[i * d + k] = value;
        C[k * d + i] = value;
      }
    }
  }

  /** D (and B) from C: every generation for the diagonal, lazily for the full matrix. */
  private updateAxes(): void {
    const d = this.dimension;
    const D = this.axes;
    if (this.variant === "separable") {
      for (let i = 0; i < d; i++) D[i] = Math.sqrt(Math.max(this.covariance[i], Number.MIN_VALUE));
      return;
    }
    if (this.sampleCount - this.eigenSamples <= eigenInterval(this.strategy, d)) return;
    this.eigenSamples = this.sampleCount;
    symmetricEigen(this.covariance, d, D, this.eigenvectors);
    // Rounding can leave a tiny negative eigenvalue; C is positive definite in exact arithmetic.
    for (let i = 0; i < d; i++) D[i] = Math.sqrt(Math.max(D[i], Number.MIN_VALUE));
  }


  /** The mean m (a copy). */
  get parameters(): Float64Array {
    return this.mean.slice();
  }

  get currentIteration(): number {
    return this.iteration;
  }

  get totalEvaluations(): number {
    return this.evaluations;
  }

  get bestPoint(): { value: number; iteration: number; point: Float64Array } {
    return { ...this.best, point: this.best.point.slice() };
  }

  /** The search distribution. The ZO-shaped fields: gradient = y_w, m = p_c, v = diag(C); no buffer. */
  search(): SearchInspection {
    const d = this.dimension;
    const s = this.strategy;
    let min = Infinity;
    let max = 0;
    let squares = 0;
    for (let i = 0; i < d; i++) {
      const c = this.variant === "full" ? this.covariance[i * d + i] : this.covariance[i];
      const spread = this.sigma * Math.sqrt(c);
      min = Math.min(min, spread);
      max = Math.max(max, spread);
      squares += spread * spread;
    }
    let smallest = Infinity;
    let largest = 0;
    for (let i = 0; i < d; i++) {
      smallest = Math.min(smallest, this.axes[i]);
      largest = Math.max(largest, this.axes[i]);
    }
    return {
      variant: this.variant,
      sigma: this.sigma,
      population: s.population,
      parents: s.parents,
      effectiveParents: s.effectiveParents,
      topWeights: Array.from(s.weights.subarray(0, 5)),
      spread: { min, rms: Math.sqrt(squares / d), max },
      axisRatio: largest / smallest,
      stepPathRatio: norm2(this.pathSigma) / s.chiN,
    };
  }

  /** Samples go through the covariance and the bounds: no recipe, evaluators send the points themselves. */
  queryRecipe(): null {
    return null;
  }

  inspect(): Inspection<Float64Array> {
    const d = this.dimension;
    const diagonal = new Float64Array(d);
    for (let i = 0; i < d; i++) diagonal[i] = this.variant === "full" ? this.covariance[i * d + i] : this.covariance[i];
    return {
      name: this.name,
      iteration: this.iteration,
      dimension: d,
      config: { ...this.config },
      theta: this.mean.slice(),
      gradient: this.weightedStep.slice(),
      m: this.pathC.slice(),
      v: diagonal,
      baseline: this.last?.baseline ?? NaN,
      buffer: [],
      bufferCapacity: 0,
      heldEstimates: [],
      last: this.last ? { ...this.last } : null,
      best: this.bestPoint,
      search: this.search(),
    };
  }

  /** Plain-data state; `CmaEsOptimizer.restore` continues bit-identically from it. */
  snapshot(): CmaSnapshot {
    return {
      format: "zoar-cma/1",
      name: this.name,
      variant: this.variant,
      config: { ...this.config },
      dimension: this.dimension,
      seed: this.seed,
      iteration: this.iteration,
      evaluations: this.evaluations,
      estimatorEvaluations: this.sampleCount,
      theta: this.mean.slice(),
      sigma: this.sigma,
      covariance: this.covariance.slice(),
      eigenvectors: this.eigenvectors.slice(),
      axes: this.axes.slice(),
      eigenSamples: this.eigenSamples,
      pathSigma: this.pathSigma.slice(),
      pathC: this.pathC.slice(),
      weightedStep: this.weightedStep.slice(),
      bounds: this.bounds ? { lower: this.bounds.lower.slice(), upper: this.bounds.upper.slice() } : null,
      best: this.bestPoint,
      last: this.last ? { ...this.last } : null,
    };
  }

  static restore(snapshot: CmaSnapshot): CmaEsOptimizer {
    if (snapshot?.format !== "zoar-cma/1") throw new ConfigError("snapshot", `unknown format ${JSON.stringify(snapshot?.format)}`);
    const optimizer = new CmaEsOptimizer(snapshot.config, snapshot.variant, {
      initial: snapshot.theta,
      seed: snapshot.seed,
      bounds: snapshot.bounds ?? undefined,
      name: snapshot.name,
    });
    const d = optimizer.dimension;
    const expect = (field: string, array: ArrayLike<number>, length: number) => {
      if (array?.length !== length) throw new ConfigError("snapshot", `${field} has ${array?.length} entries, expected ${length}`);
    };
    const full = snapshot.variant === "full";
    expect("covariance", snapshot.covariance, full ? d * d : d);
    expect("eigenvectors", snapshot.eigenvectors, full ? d * d : 0);
    for (const field of ["axes", "pathSigma", "pathC", "weightedStep"] as const) expect(field, snapshot[field], d);
    optimizer.iteration = snapshot.iteration;
    optimizer.evaluations = snapshot.evaluations;
    optimizer.sampleCount = snapshot.estimatorEvaluations;
    optimizer.sigma = snapshot.sigma;
    optimizer.covariance.set(snapshot.covariance);
    optimizer.eigenvectors.set(snapshot.eigenvectors);
    optimizer.axes.set(snapshot.axes);
    optimizer.eigenSamples = snapshot.eigenSamples;
    optimizer.pathSigma.set(snapshot.pathSigma);
    optimizer.pathC.set(snapshot.pathC);
    optimizer.weightedStep.set(snapshot.weightedStep);
    optimizer.best = { ...snapshot.best, point: Float64Array.from(snapshot.best.point) };
    optimizer.last = snapshot.last ? { ...snapshot.last } : null;
    return optimizer;
  }
}

/** A CMA-ES preset with overrides; the population defaults to 4 + floor(3 ln d) unless `queries` is given. */
export function createCmaOptimizer(variant: CmaVariant, base: OptimizerConfig, overrides: Partial<OptimizerConfig>, options: OptimizerOptions): CmaEsOptimizer {
  const d = options.initial?.length ?? 0;
  const population = overrides.queries ?? (d >= 1 ? defaultPopulation(d) : base.queries);
  return new CmaEsOptimizer(resolveConfig({ ...overrides, queries: population }, base), variant, options);
}
