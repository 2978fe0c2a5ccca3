// The ask/tell optimizer. `ask()` returns the points to evaluate this
// iteration; `tell(values)` consumes their values and takes one step. The
// optimizer never calls the objective, so evaluation can happen anywhere: in
// this thread, in a worker, in one batched model call.
import { recordBest } from "./best";
import type { SearchInspection } from "./cma/types";
import { type OptimizerConfig, directionQueries, estimatorUsesCenter, evaluatesCenter, resolveConfig } from "./config";
import { checkToldValues, ConfigError } from "./errors";
import { CentralEstimator } from "./estimators/central";
import { ForwardEstimator } from "./estimators/forward";
import type { BufferEntry, EstimatorState, GradientEstimator } from "./estimators/types";
import { ZoarEstimator } from "./estimators/zoar";
import { EstimateHistory, type HistoryState } from "./history";
import { type PrecisionOf, type Vector, vectorFrom, zeros } from "./precision";
import { type DrawingThreads, type QueryRows, drawingThreadsFor } from "./parallel";
import { type Box, project } from "./projection";
import { directionSeed } from "./random";
import type { QueryRecipe, QueryRowKind } from "./recipe";
import { QueryRowWriter } from "./query-rows";
import { type MomentState, applyUpdate, initMoments } from "./updates";
import { broadcast, norm2, squaredDistance } from "./vector";

/**
 * Above this many stored numbers (2(N+1)d for the ZoAR buffer, (N+1)d for a
 * window of estimates), a window keeps seeds and regenerates directions.
 * Stored vectors save drawing the oldest iteration's K directions again, but
 * their memory grows with N: "auto" stores while the window stays small
 * (32 MB in float64), so from d = 10^6 on, memory is O(d) and the cost of an
 * iteration is the same for every N.
 */
const VECTOR_STORAGE_LIMIT = 1 << 22;

export interface OptimizerOptions {
  initial: ArrayLike<number>;
  seed?: number;
  bounds?: { lower: number | ArrayLike<number>; upper: number | ArrayLike<number> };
  /** Registry name, kept for display and snapshots. */
  name?: string;
}

export interface AskBatch<V extends Vector = Vector> {
  iteration: number;
  /** rows x dimension, row-major, in the optimizer's precision. Reused by the next ask: consume it before then. */
  points: V;
  rows: number;
  dimension: number;
  /** Row holding theta itself, or -1 when the centre is not evaluated. */
  centerRow: number;
}

export interface TellResult {
  iteration: number;
  /** f(theta) before the update when the centre was evaluated, else the mean of the queries. */
  value: number;
  valueKind: "center" | "mean";
  baseline: number;
  gradientNorm: number;
  stepNorm: number;
  evaluations: number;
  /** Evaluations the estimates used (the logging-only centre query excluded). */
  estimatorEvaluations: number;
  bestValue: number;
}

export interface Inspection<V extends Vector = Vector> {
  name: string;
  iteration: number;
  dimension: number;
  config: OptimizerConfig;
  theta: V;
  gradient: V;
  m: V;
  v: V;
  baseline: number;
  buffer: BufferEntry[];
  /** Queries the buffer holds when full. */
  bufferCapacity: number;
  /** Estimates averaged by ZoHS-style histories. */
  heldEstimates: { iteration: number; norm: number }[];
  last: TellResult | null;
  best: { value: number; iteration: number; point: V };
  /** The search distribution of CMA-ES optimizers (they keep no buffer). */
  search?: SearchInspection;
}

export interface OptimizerSnapshot<V extends Vector = Vector> {
  format: "zoar-optimizer/1";
  name: string;
  config: OptimizerConfig;
  dimension: number;
  seed: number;
  iteration: number;
  evaluations: number;
  estimatorEvaluations: number;
  theta: V;
  gradient: V;
  bounds: Box | null;
  moments: MomentState;
  estimator: EstimatorState;
  history: HistoryState;
  best: { value: number; iteration: number; point: V };
  last: TellResult | null;
}

/**
 * V is the type of its vectors: Float64Array (the default precision) or
 * Float32Array (`precision: "float32"`); createOptimizer infers it from the settings.
 */
export class ZerothOrderOptimizer<V extends Vector = Float64Array> {
  readonly name: string;
  readonly config: OptimizerConfig;
  readonly dimension: number;
  readonly seed: number;
  private iteration = 0;
  private evaluations = 0;
  private estimatorEvaluations = 0;
  private readonly theta: V;
  private readonly bounds: Box | null;
  private moments: MomentState;
  private readonly estimator: GradientEstimator;
  private readonly history: EstimateHistory;
  private readonly rowWriter: QueryRowWriter;
  /** The helper thread that draws half of the query rows, or null (parallel.ts). */
  private readonly threads: DrawingThreads | null;
  private best: { value: number; iteration: number; point: V };
  private last: TellResult | null = null;

  // Per-iteration work buffers, allocated once.
  private readonly seeds: Uint32Array;
  private readonly points: V;
  private readonly directionValues: Float64Array;
  private readonly gradient: V;
  /** theta before the update; only kept with bounds, where projection alters the step. */
  private readonly previousTheta: V | null;
  private readonly rows: number;
  private readonly centerRow: number;
  private askedIteration = -1;

  constructor(config: Partial<OptimizerConfig> & { precision?: PrecisionOf<V> }, options: OptimizerOptions) {
    this.config = resolveConfig(config);
    this.name = options.name ?? "custom";
    const initial = options.initial;
    const d = initial?.length ?? 0;
    if (!Number.isInteger(d) || d < 1) throw new ConfigError("initial", "must be a non-empty array of numbers");
    for (let i = 0; i < d; i++) {
      if (!Number.isFinite(initial[i])) throw new ConfigError("initial", `coordinate ${i} is ${initial[i]}, not a finite number`);
    }
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ConfigError("seed", `must be an integer in [0, 2^32) (got ${seed})`);
    this.dimension = d;
    this.seed = seed;
    const c = this.config;
    const precision = c.precision;
    // The helper thread draws float64 rows; a float32 optimizer draws on the calling thread.
    this.threads = precision === "float64" ? drawingThreadsFor(d) : null;
    // The helper thread reads theta and writes query rows: both live on shared memory then.
    const allocate = (length: number): V => (this.threads?.sharedArray(length) ?? zeros(precision, length)) as V;
    this.theta = allocate(d);
    this.theta.set(initial);
    for (let i = 0; i < d; i++) {
      if (!Number.isFinite(this.theta[i])) throw new ConfigError("initial", `coordinate ${i} is ${initial[i]}, beyond the range of ${precision}`);
    }
    this.bounds = options.bounds ? checkBounds(options.bounds, d) : null;
    project(this.theta, this.bounds);

    this.rowWriter = new QueryRowWriter(c.sampler, d);
    this.estimator = makeEstimator(c, d);
    this.history = new EstimateHistory(c.history, c.histories + 1, c.emaDecay, d, c.sampler, storesVectors(c, (c.histories + 1) * d), precision);
    this.moments = initMoments(c, d);

    const withCenter = evaluatesCenter(c);
    this.rows = directionQueries(c) + (withCenter ? 1 : 0);
    this.centerRow = withCenter ? 0 : -1;
    this.seeds = new Uint32Array(c.queries);
    this.points = allocate(this.rows * d);
    this.directionValues = new Float64Array(directionQueries(c));
    this.gradient = zeros(precision, d) as V;
    this.previousTheta = this.bounds ? (zeros(precision, d) as V) : null;
    this.best = { value: Infinity, iteration: -1, point: this.theta.slice() as V };
  }

  /** The batch of points to evaluate at the current iteration (the same batch until `tell`). */
  ask(): AskBatch<V> {
    const d = this.dimension;
    const c = this.config;
    if (this.askedIteration !== this.iteration) {
      const { theta, points } = this;
      if (this.centerRow >= 0) points.set(theta, 0);
      for (let k = 0; k < c.queries; k++) this.seeds[k] = directionSeed(this.seed, this.iteration, k);
      const rows: QueryRows = {
        sampler: c.sampler,
        dimension: d,
        points,
        theta,
        mu: c.mu,
        antithetic: c.estimator === "central",
        firstRow: this.centerRow >= 0 ? 1 : 0,
        seeds: this.seeds,
        from: 0,
        to: c.queries,
      };
      if (this.threads !== null && c.queries > 1) {
        // The later half of the directions on the helper, the first half here.
        const half = c.queries >> 1;
        this.threads.start({ ...rows, from: half });
        this.rowWriter.write({ ...rows, to: half });
        this.threads.finish();
      } else {
        this.rowWriter.write(rows);
      }
      this.askedIteration = this.iteration;
    }
    return { iteration: this.iteration, points: this.points, rows: this.rows, dimension: d, centerRow: this.centerRow };
  }

  /**
   * How the asked batch was built (theta, mu and each row's kind and seed),
   * for evaluators that rebuild rows elsewhere with QueryRowBuilder; null
   * before the first ask of an iteration, and for float32 optimizers (their
   * evaluators receive the points). theta is a view, valid until `tell`.
   */
  queryRecipe(): QueryRecipe | null {
    if (this.askedIteration !== this.iteration) return null;
    const theta = this.theta;
    if (!(theta instanceof Float64Array)) return null;
    const c = this.config;
    const kinds: QueryRowKind[] = [];
    const seeds = new Uint32Array(this.rows);
    if (this.centerRow >= 0) kinds.push("center");
    const perQuery: readonly QueryRowKind[] = c.estimator === "central" ? ["plus", "minus"] : ["forward"];
    for (let k = 0; k < c.queries; k++) {
      for (const kind of perQuery) {
        seeds[kinds.length] = this.seeds[k];
        kinds.push(kind);
      }
    }
    return { iteration: this.iteration, dimension: this.dimension, sampler: c.sampler, mu: c.mu, theta, kinds, seeds };
  }

  /**
   * Consume the values of the asked points (same order) and take one step.
   * Throws a TellError, with the state unchanged, on a wrong count or a
   * non-finite value.
   */
  tell(values: ArrayLike<number>): TellResult {
    const t = this.iteration;
    checkToldValues(values, { iteration: t, askedIteration: this.askedIteration, rows: this.rows, centerRow: this.centerRow });
    // Everything below succeeds: the state is only changed past this point.
    const c = this.config;
    const center = this.centerRow >= 0 ? values[this.centerRow] : NaN;
    const first = this.centerRow >= 0 ? 1 : 0;
    const ys = this.directionValues;
    for (let q = 0; q < ys.length; q++) ys[q] = values[first + q];
    recordBest(this.best, values, this.points, this.rows, t);
    if (c.rankValues) centredRanks(ys);

    const g = this.gradient;
    const baseline = this.estimator.estimate(
      {
        iteration: t,
        seeds: this.seeds,
        points: this.points,
        firstRow: first,
        stride: c.estimator === "central" ? 2 : 1,
        theta: this.theta,
        inverseMu: 1 / c.mu,
        values: ys,
        center,
      },
      g,
    );
    this.history.apply(g, t, c.history === "mean" ? (this.estimator.combination?.() ?? null) : null);
    this.previousTheta?.set(this.theta);
    let stepSquared = applyUpdate(c, this.moments, this.theta, g);
    if (this.previousTheta) {
      project(this.theta, this.bounds);
      stepSquared = squaredDistance(this.theta, this.previousTheta);
    }

    this.evaluations += this.rows;
    this.estimatorEvaluations += ys.length + (estimatorUsesCenter(c) ? 1 : 0);
    let value = center;
    if (this.centerRow < 0) {
      value = 0;
      for (let q = 0; q < ys.length; q++) value += values[first + q];
      value /= ys.length;
    }
    this.last = {
      iteration: t,
      value,
      valueKind: this.centerRow >= 0 ? "center" : "mean",
      baseline,
      gradientNorm: norm2(g),
      stepNorm: Math.sqrt(stepSquared),
      evaluations: this.evaluations,
      estimatorEvaluations: this.estimatorEvaluations,
      bestValue: this.best.value,
    };
    this.iteration = t + 1;
    return this.last;
  }


  /** Current parameters (a copy, in the optimizer's precision). */
  get parameters(): V {
    return this.theta.slice() as V;
  }

  get currentIteration(): number {
    return this.iteration;
  }

  get totalEvaluations(): number {
    return this.evaluations;
  }

  /** Best evaluated point so far (a copy) and its value. */
  get bestPoint(): { value: number; iteration: number; point: V } {
    return { ...this.best, point: this.best.point.slice() as V };
  }

  /** What a dashboard shows: parameters, moments, the history buffer and the last step. */
  inspect(): Inspection<V> {
    const c = this.config;
    return {
      name: this.name,
      iteration: this.iteration,
      dimension: this.dimension,
      config: { ...c },
      theta: this.theta.slice() as V,
      gradient: this.gradient.slice() as V,
      m: this.moments.m.slice() as V,
      v: this.moments.v.slice() as V,
      baseline: this.last?.baseline ?? NaN,
      // Ages count from the last completed iteration (its queries have age 0).
      buffer: this.estimator.entries(this.iteration - 1),
      bufferCapacity: directionQueries(c) * (c.estimator === "zoar" ? c.histories + 1 : 1),
      heldEstimates: this.history.heldEstimates(),
      last: this.last ? { ...this.last } : null,
      best: this.bestPoint,
    };
  }

  /** Plain-data state; `ZerothOrderOptimizer.restore` continues bit-identically from it. */
  snapshot(): OptimizerSnapshot<V> {
    return {
      format: "zoar-optimizer/1",
      name: this.name,
      config: { ...this.config },
      dimension: this.dimension,
      seed: this.seed,
      iteration: this.iteration,
      evaluations: this.evaluations,
      estimatorEvaluations: this.estimatorEvaluations,
      theta: this.theta.slice() as V,
      gradient: this.gradient.slice() as V,
      bounds: this.bounds ? { lower: this.bounds.lower.slice(), upper: this.bounds.upper.slice() } : null,
      moments: { step: this.moments.step, m: this.moments.m.slice(), v: this.moments.v.slice(), vMax: this.moments.vMax.slice() },
      estimator: this.estimator.snapshot(),
      history: this.history.snapshot(),
      best: this.bestPoint,
      last: this.last ? { ...this.last } : null,
    };
  }

  static restore<V extends Vector>(snapshot: OptimizerSnapshot<V>): ZerothOrderOptimizer<V> {
    if (snapshot?.format !== "zoar-optimizer/1") throw new ConfigError("snapshot", `unknown format ${JSON.stringify(snapshot?.format)}`);
    const optimizer = new ZerothOrderOptimizer<V>(snapshot.config as OptimizerConfig & { precision: PrecisionOf<V> }, {
      initial: snapshot.theta,
      seed: snapshot.seed,
      bounds: snapshot.bounds ?? undefined,
      name: snapshot.name,
    });
    optimizer.iteration = snapshot.iteration;
    optimizer.evaluations = snapshot.evaluations;
    optimizer.estimatorEvaluations = snapshot.estimatorEvaluations;
    optimizer.gradient.set(snapshot.gradient);
    const m = snapshot.moments;
    const precision = optimizer.config.precision;
    optimizer.moments = { step: m.step, m: vectorFrom(precision, m.m), v: vectorFrom(precision, m.v), vMax: vectorFrom(precision, m.vMax) };
    optimizer.estimator.restore(snapshot.estimator);
    optimizer.history.restore(snapshot.history);
    optimizer.best = { ...snapshot.best, point: vectorFrom(precision, snapshot.best.point) as V };
    optimizer.last = snapshot.last ? { ...snapshot.last } : null;
    return optimizer;
  }
}

/** Whether a window of `numbers` stored numbers keeps vectors rather than seeds. */
function storesVectors(c: OptimizerConfig, numbers: number): boolean {
  return c.bufferStorage === "vectors" || (c.bufferStorage === "auto" && numbers <= VECTOR_STORAGE_LIMIT);
}

function makeEstimator(c: OptimizerConfig, d: number): GradientEstimator {
  const factor = c.dimensionScale ? d : 1;
  switch (c.estimator) {
    case "vanilla":
      return new ForwardEstimator("center", factor / (c.queries * c.mu));
    case "average":
      return new ForwardEstimator("average", factor / (c.queries * c.mu));
    case "central":
      return new CentralEstimator(factor / (2 * c.queries * c.mu));
    case "zoar":
      return new ZoarEstimator(c.histories, c.mu, factor, storesVectors(c, 2 * (c.histories + 1) * d), d, c.sampler, c.precision);
  }
}

export function checkBounds(bounds: NonNullable<OptimizerOptions["bounds"]>, d: number): Box {
  for (const side of ["lower", "upper"] as const) {
    const value = bounds[side];
    if (typeof value !== "number" && value?.length !== d) {
      throw new ConfigError(`bounds.${side}`, `must be a number or have ${d} entries (got ${value?.length ?? String(value)})`);
    }
  }
  const box = { lower: broadcast(bounds.lower, d), upper: broadcast(bounds.upper, d) };
  for (let i = 0; i < d; i++) {
    if (Number.isNaN(box.lower[i]) || Number.isNaN(box.upper[i]) || box.lower[i] > box.upper[i]) {
      throw new ConfigError("bounds", `coordinate ${i}: lower ${box.lower[i]} must be <= upper ${box.upper[i]}`);
    }
  }
  return box;
}

/** Replace values by 2 * rank - (K - 1), rank 0 for the smallest (ties keep query order). */
function centredRanks(values: Float64Array): void {
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b] || a - b);
  const k = values.length;
  order.forEach((query, rank) => (values[query] = 2 * rank - (k - 1)));
}
