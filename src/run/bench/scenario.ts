// One optimizer on one synthetic objective under an evaluation budget, with
// what the paper leaves open: noisy evaluations and a drifting optimum. The
// optimizer sees the observed values; the figures are the true ones,
// f(theta) without noise at the current optimum, measured outside the budget.
import type { BenchmarkResult } from "../benchmark";
import { type OptimizerConfig, Rng, createOptimizer, directionSeed, evaluateRows, standardNormalStart, syntheticFunction } from "../../engine";

/** Heavy-tailed noise: Student's t with 2 degrees of freedom (infinite variance). */
export type NoiseKind = "gaussian" | "student-t2";

export interface Noise {
  kind: NoiseKind;
  /** Scale of the noise as a fraction of the true f(x0). */
  level: number;
}

export interface Drift {
  /** Distance the optimum of 0.5 ||x - c(t)||^2 moves per 1,000 evaluations, along a fixed random direction. */
  speed: number;
}

export interface ScenarioSettings {
  optimizer: string;
  overrides: Partial<OptimizerConfig>;
  function: string;
  dimension: number;
  seed: number;
  /** Evaluations the optimizer may spend; an iteration that would exceed it is not run. */
  budget: number;
  noise?: Noise;
  drift?: Drift;
  /** True values to time: the first evaluation count at which f(theta) <= target. */
  targets?: number[];
  /** Points of the value-against-evaluations curve, evenly spaced. */
  curvePoints?: number;
}

/** The `bench synthetic` fields, with `initial`, `final` and `trace` as true (noise-free, current-optimum) values. */
export interface ScenarioResult extends Omit<BenchmarkResult, "logged"> {
  /** [evaluations, true value], at about evenly spaced evaluation counts (0 and the end included). */
  curve: [number, number][];
  budget: number;
  overrides: Partial<OptimizerConfig>;
  noise: (Noise & { sd: number }) | null;
  drift: Drift | null;
  /** Mean true value over the second half of the budget: the steady tracking error of a drifting objective. */
  secondHalfMean: number;
  targets: { target: number; evaluations: number | null }[];
}

/** A row-major batch evaluator whose optimum may move with the evaluation count. */
type TrueObjective = (points: Float64Array, rows: number, d: number, out: Float64Array, evaluations: number) => Float64Array;

function trueObjective(settings: ScenarioSettings): TrueObjective {
  const f = syntheticFunction(settings.function);
  const drift = settings.drift;
  if (!drift) return (points, rows, d, out) => evaluateRows(f, points, rows, d, out);
  if (settings.function !== "quadratic") throw new Error(`a drifting optimum is defined for the quadratic only (got ${settings.function})`);
  const d = settings.dimension;
  const direction = new Float64Array(d);
  new Rng(directionSeed(settings.seed, 0xd71f7, 0)).fillNormal(direction, 0, d);
  const length = Math.sqrt(direction.reduce((sum, x) => sum + x * x, 0));
  for (let i = 0; i < d; i++) direction[i] /= length;
  return (points, rows, dim, out, evaluations) => {
    const shift = (drift.speed * evaluations) / 1000;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let i = 0; i < dim; i++) {
        const x = points[r * dim + i] - shift * direction[i];
        s += x * x;
      }
      out[r] = 0.5 * s;
    }
    return out;
  };
}

/** Adds noise to each value; deterministic from the run's seed. */
function noiseSource(noise: Noise | undefined, sd: number, seed: number): (values: Float64Array, rows: number) => void {
  if (!noise || noise.level === 0) return () => {};
  const rng = new Rng(directionSeed(seed, 0x6e6f6973, 0));
  if (noise.kind === "gaussian") {
    return (values, rows) => {
      for (let r = 0; r < rows; r++) values[r] += sd * rng.normal();
    };
  }
  // t_2 = z / sqrt(chi^2_2 / 2), and chi^2_2 / 2 = -ln U.
  return (values, rows) => {
    for (let r = 0; r < rows; r++) values[r] += (sd * rng.normal()) / Math.sqrt(-Math.log(rng.uniform()));
  };
}

export function runScenario(settings: ScenarioSettings): ScenarioResult {
  const d = settings.dimension;
  const start = standardNormalStart(d, settings.seed);
  const optimizer = createOptimizer(settings.optimizer, settings.overrides, { initial: start, seed: settings.seed });
  const truth = trueObjective(settings);
  const single = new Float64Array(1);
  const trueAt = (x: Float64Array, evaluations: number) => truth(x, 1, d, single, evaluations)[0];
  const initial = trueAt(start, 0);
  const sd = settings.noise ? settings.noise.level * Math.abs(initial) : 0;
  const addNoise = noiseSource(settings.noise, sd, settings.seed);
  const targets = (settings.targets ?? []).map((target) => ({ target, evaluations: initial <= target ? 0 : (null as number | null) }));
  const spacing = settings.budget / (settings.curvePoints ?? 100);
  const curve: [number, number][] = [[0, initial]];
  const trace: [number, number][] = [[0, initial]];
  let nextMark = spacing;
  let best = initial;
  let value = initial;
  let halfSum = 0;
  let halfCount = 0;
  let values = new Float64Array(0);
  let engineMs = 0;
  let peakRss = process.memoryUsage.rss();
  const started = performance.now();
  for (;;) {
    let mark = performance.now();
    const batch = optimizer.ask();
    engineMs += performance.now() - mark;
    const spent = optimizer.totalEvaluations;
    if (spent + batch.rows > settings.budget) break;
    if (values.length !== batch.rows) values = new Float64Array(batch.rows);
    truth(batch.points, batch.rows, d, values, spent);
    addNoise(values, batch.rows);
    mark = performance.now();
    optimizer.tell(values);
    engineMs += performance.now() - mark;
    const evaluations = optimizer.totalEvaluations;
    value = trueAt(optimizer.parameters, evaluations);
    best = Math.min(best, value);
    if (evaluations > settings.budget / 2) {
      halfSum += value;
      halfCount++;
    }
    for (const t of targets) if (t.evaluations === null && value <= t.target) t.evaluations = evaluations;
    if (evaluations >= nextMark) {
      curve.push([evaluations, value]);
      trace.push([optimizer.currentIteration, value]);
      while (nextMark <= evaluations) nextMark += spacing;
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }
  }
  const evaluations = optimizer.totalEvaluations;
  if (curve.at(-1)![0] !== evaluations) {
    curve.push([evaluations, value]);
    trace.push([optimizer.currentIteration, value]);
  }
  const elapsed = performance.now() - started;
  const iterations = Math.max(1, optimizer.currentIteration);
  const config = optimizer.config;
  return {
    optimizer: settings.optimizer,
    function: settings.function,
    dimension: d,
    iterations: optimizer.currentIteration,
    seed: settings.seed,
    evaluations,
    initial,
    final: value,
    best,
    msPerIteration: elapsed / iterations,
    engineMsPerIteration: engineMs / iterations,
    peakRssMB: peakRss / 2 ** 20,
    bufferStorage: config.estimator === "zoar" ? config.bufferStorage : "-",
    trace,
    curve,
    budget: settings.budget,
    overrides: settings.overrides,
    noise: settings.noise ? { ...settings.noise, sd } : null,
    drift: settings.drift ?? null,
    secondHalfMean: halfCount > 0 ? halfSum / halfCount : value,
    targets,
  };
}

/** The curve's values at evaluation counts xs (the last point at or before each). */
export function resample(curve: readonly [number, number][], xs: readonly number[]): number[] {
  const out: number[] = [];
  let j = 0;
  for (const x of xs) {
    while (j + 1 < curve.length && curve[j + 1][0] <= x) j++;
    out.push(curve[j][1]);
  }
  return out;
}
