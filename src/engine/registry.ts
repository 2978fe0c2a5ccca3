// Named optimizers: presets of OptimizerConfig with the papers' defaults.
// Every entry is exercised by the registry-wide tests (test/engine/registry.test.ts).
import { DEFAULT_CONFIG, type OptimizerConfig, directionQueries, evaluatesCenter, resolveConfig } from "./config";
import { CMA_BASE_CONFIG, CmaEsOptimizer, createCmaOptimizer } from "./cma/cmaes";
import type { CmaSnapshot, CmaVariant } from "./cma/types";
import { ConfigError } from "./errors";
import { type OptimizerOptions, type OptimizerSnapshot, ZerothOrderOptimizer } from "./optimizer";
import type { PrecisionOf, Vector, VectorFor } from "./precision";

export interface OptimizerEntry {
  name: string;
  /** One line: what it is. */
  summary: string;
  config: OptimizerConfig;
  /** Set for the CMA-ES family, which samples a distribution instead of estimating a gradient. */
  cma?: CmaVariant;
}

/** Any optimizer of the registry: the same ask/tell, inspect and snapshot. V: the type of its vectors (CMA-ES: always Float64Array). */
export type Optimizer<V extends Vector = Float64Array> = ZerothOrderOptimizer<V> | CmaEsOptimizer;
export type EngineSnapshot<V extends Vector = Float64Array> = OptimizerSnapshot<V> | CmaSnapshot;

// The ZoAR paper runs every method with the radazo update and these settings.
const ZOAR_PAPER: Partial<OptimizerConfig> = { queries: 10, mu: 0.05, lr: 0.001, beta1: 0.9, beta2: 0.99, eps: 1e-8, update: "radazo" };

const PRESETS: { name: string; summary: string; config: Partial<OptimizerConfig>; cma?: CmaVariant }[] = [
  { name: "zoar", summary: "ZoAR: averaged baseline over the last N+1 iterations' queries, all reused in the estimate", config: { ...ZOAR_PAPER, estimator: "zoar", histories: 5 } },
  { name: "zoar-0", summary: "ZoAR-0: this iteration's mean value as baseline (REINFORCE), no reuse", config: { ...ZOAR_PAPER, estimator: "average", histories: 0 } },
  { name: "vanilla", summary: "Forward differences against f(theta), the classic ZO estimator", config: { ...ZOAR_PAPER, estimator: "vanilla", histories: 0 } },
  { name: "zohs", summary: "ZoHS: mean of the last N+1 vanilla estimates", config: { ...ZOAR_PAPER, estimator: "vanilla", history: "mean", histories: 5 } },
  { name: "zohs-ema", summary: "ZoHS variant: exponential moving average (0.9) of vanilla estimates", config: { ...ZOAR_PAPER, estimator: "vanilla", history: "ema", emaDecay: 0.9, histories: 0 } },
  {
    name: "radazo",
    summary: "R-AdaZO as in its code: unit-sphere directions, forward differences, refined second moment",
    config: { estimator: "vanilla", sampler: "sphere", queries: 10, mu: 5e-3, histories: 0, update: "radazo", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  },
  { name: "zo-adamm", summary: "ZO-AdaMM: vanilla estimates with the Adam update", config: { ...ZOAR_PAPER, estimator: "vanilla", histories: 0, update: "adam" } },
  { name: "zo-sgd", summary: "ZO-SGD: vanilla estimates with plain gradient steps", config: { ...ZOAR_PAPER, estimator: "vanilla", histories: 0, update: "sgd" } },
  {
    name: "spsa",
    summary: "SPSA / MeZO: one antithetic pair, central difference, plain gradient steps",
    config: { estimator: "central", queries: 1, mu: 1e-3, histories: 0, update: "sgd", lr: 0.001, measureCenter: false },
  },
  {
    name: "zoar-pairs",
    summary: "ZoAR for fine-tuning: antithetic pairs, mean of the last N+1 central estimates, momentum warm-up",
    config: { estimator: "central", queries: 1, mu: 1e-2, histories: 15, history: "mean", update: "radazo", lr: 5e-5, beta1: 0.9, beta2: 0.99, momentumWarmup: 29, measureCenter: false },
  },
  {
    name: "cma-es",
    summary: "CMA-ES (Hansen's defaults): a population per iteration, full covariance adapted from the ranks; d <= 2,000",
    config: CMA_BASE_CONFIG,
    cma: "full",
  },
  {
    name: "sep-cma-es",
    summary: "sep-CMA-ES: CMA-ES with a diagonal covariance, O(d) per sample, for high dimensions",
    config: CMA_BASE_CONFIG,
    cma: "separable",
  },
];

const REGISTRY: ReadonlyMap<string, OptimizerEntry> = new Map(
  PRESETS.map((p) => [p.name, { name: p.name, summary: p.summary, config: resolveConfig(p.config, { ...DEFAULT_CONFIG }), ...(p.cma ? { cma: p.cma } : {}) }]),
);

export function optimizerNames(): string[] {
  return [...REGISTRY.keys()];
}

export function optimizerEntry(name: string): OptimizerEntry {
  const entry = REGISTRY.get(name);
  if (!entry) throw new ConfigError("optimizer", `unknown optimizer "${name}" (known: ${optimizerNames().join(", ")})`);
  return { ...entry, config: { ...entry.config } };
}

/** Queries per iteration of a configuration, the centre included when evaluated. */
export function queriesPerIteration(config: OptimizerConfig): number {
  return directionQueries(config) + (evaluatesCenter(config) ? 1 : 0);
}

/** Points an optimizer asks for per iteration. */
export function rowsPerIteration(optimizer: Optimizer<Vector>): number {
  return optimizer instanceof CmaEsOptimizer ? optimizer.config.queries + (optimizer.config.measureCenter ? 1 : 0) : queriesPerIteration(optimizer.config);
}

/** A registered optimizer with some settings overridden. */
export function createOptimizer<O extends Partial<OptimizerConfig>>(name: string, overrides: O, options: OptimizerOptions): Optimizer<VectorFor<O>> {
  const entry = optimizerEntry(name);
  if (entry.cma) return createCmaOptimizer(entry.cma, entry.config, overrides, { ...options, name });
  const config = resolveConfig(overrides, entry.config) as OptimizerConfig & { precision: PrecisionOf<VectorFor<O>> };
  return new ZerothOrderOptimizer<VectorFor<O>>(config, { ...options, name });
}

/** The optimizer a snapshot was taken from, continuing bit-identically. */
export function restoreOptimizer<V extends Vector>(snapshot: EngineSnapshot<V>): Optimizer<V> {
  return snapshot?.format === "zoar-cma/1" ? CmaEsOptimizer.restore(snapshot) : ZerothOrderOptimizer.restore(snapshot);
}
