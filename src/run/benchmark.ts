// The synthetic benchmark of the ZoAR paper: every optimizer from the same
// x0 ~ N(0, I), the engine driven in this thread, f(theta_t) logged before
// each update. Time is split into the engine's share (ask + tell) and the
// whole iteration (with the function evaluations).
import { type OptimizerConfig, createOptimizer, evaluateRows, optimizerEntry, standardNormalStart, syntheticFunction } from "../engine";
import { withLrHorizon } from "./lr-horizon";

export interface BenchmarkSettings {
  function: string;
  dimension: number;
  iterations: number;
  optimizer: string;
  seed: number;
  overrides: Partial<OptimizerConfig>;
  /** Trace points to keep, about evenly spaced (the last iteration always included). */
  tracePoints?: number;
}

export interface BenchmarkResult {
  optimizer: string;
  function: string;
  dimension: number;
  iterations: number;
  seed: number;
  evaluations: number;
  initial: number;
  final: number;
  best: number;
  msPerIteration: number;
  engineMsPerIteration: number;
  /** Largest resident set size seen during the run, in MB. */
  peakRssMB: number;
  bufferStorage: string;
  trace: [number, number][];
  /** Every logged value f(theta_t), t = 0 .. iterations - 1. */
  logged: Float64Array;
}

export function runBenchmark(settings: BenchmarkSettings, onProgress?: (iteration: number) => void): BenchmarkResult {
  const { dimension: d, iterations } = settings;
  const f = syntheticFunction(settings.function);
  const overrides = withLrHorizon(settings.overrides, optimizerEntry(settings.optimizer).config, iterations);
  const optimizer = createOptimizer(settings.optimizer, overrides, { initial: standardNormalStart(d, settings.seed), seed: settings.seed });
  const every = Math.max(1, Math.floor(iterations / (settings.tracePoints ?? 100)));
  const trace: [number, number][] = [];
  let values = new Float64Array(0);
  const logged = new Float64Array(iterations);
  let engineMs = 0;
  let peakRss = process.memoryUsage.rss();
  const started = performance.now();
  for (let t = 0; t < iterations; t++) {
    let mark = performance.now();
    const batch = optimizer.ask();
    engineMs += performance.now() - mark;
    if (values.length !== batch.rows) values = new Float64Array(batch.rows);
    evaluateRows(f, batch.points, batch.rows, d, values);
    mark = performance.now();
    const result = optimizer.tell(values);
    engineMs += performance.now() - mark;
    logged[t] = result.value;
    if (t % every === 0 || t === iterations - 1) {
      trace.push([t, result.value]);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      onProgress?.(t + 1);
    }
  }
  const elapsed = performance.now() - started;
  const storage = optimizer.config.estimator === "zoar" ? optimizer.config.bufferStorage : "-";
  return {
    optimizer: settings.optimizer,
    function: settings.function,
    dimension: d,
    iterations,
    seed: settings.seed,
    evaluations: optimizer.totalEvaluations,
    initial: logged[0],
    final: logged[iterations - 1],
    best: logged.reduce((a, b) => Math.min(a, b), Infinity),
    msPerIteration: elapsed / iterations,
    engineMsPerIteration: engineMs / iterations,
    peakRssMB: peakRss / 2 ** 20,
    bufferStorage: storage,
    trace,
    logged,
  };
}

/** First iteration whose logged value is `value` or lower, or null. */
export function iterationReaching(logged: Float64Array, value: number): number | null {
  const t = logged.findIndex((v) => v <= value);
  return t < 0 ? null : t;
}
