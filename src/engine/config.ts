// The full set of choices behind an optimizer: which directions to draw, how
// to turn query values into a gradient estimate, and how to step. Named
// optimizers (registry.ts) are presets of this one plain-data record.
import { ConfigError } from "./errors";
import { LR_SCHEDULES, type LrSchedule } from "./lr-schedule";
import { PRECISIONS, type Precision } from "./precision";

/** How query values become a gradient estimate (ALGORITHMS.md, "Gradient estimators"). */
export type EstimatorKind =
  | "vanilla" // forward difference with baseline f(theta)
  | "average" // baseline = mean of this iteration's values (ZoAR-0, REINFORCE)
  | "zoar" // averaged baseline over a FIFO of the last N+1 iterations' queries, all reused
  | "central"; // antithetic pairs (f(theta+mu z) - f(theta-mu z)) / 2mu (SPSA/MeZO)

/** Distribution of the directions u. */
export type SamplerKind = "gaussian" | "sphere";

/** Averaging of successive estimates before the update (ZoHS and the antithetic ZoAR). */
export type HistoryKind = "none" | "mean" | "ema";

export type UpdateKind = "sgd" | "adam" | "radazo";

/** Where windows (the ZoAR buffer, a mean of estimates) keep old iterations: as vectors, or as seeds regenerated on removal. */
export type BufferStorage = "auto" | "vectors" | "seeds";

export interface OptimizerConfig {
  estimator: EstimatorKind;
  sampler: SamplerKind;
  /** K: directions per iteration (for `central`: antithetic pairs, 2K queries). */
  queries: number;
  /** Smoothing radius: queries are theta + mu * u. */
  mu: number;
  /** N: past iterations kept (ZoAR's query buffer, or the window of `history: "mean"`). */
  histories: number;
  history: HistoryKind;
  /** Factor of `history: "ema"`: g <- decay * g + (1 - decay) * estimate. */
  emaDecay: number;
  /** Replace each iteration's values by centred ranks 2*rank - (K-1) (average and zoar only). */
  rankValues: boolean;
  /** Multiply the estimate by d (the R-AdaZO paper's form; its code has no such factor). */
  dimensionScale: boolean;
  /** Evaluate f(theta) each iteration even when the estimator does not use it (for logging). */
  measureCenter: boolean;
  update: UpdateKind;
  lr: number;
  /** How the learning rate changes over the updates (lr-schedule.ts); "constant" keeps lr. */
  lrSchedule: LrSchedule;
  /** Updates over which a decaying schedule goes from lr to lr * lrFinalFraction; 0 = not set (zoar run sets the run's iterations). */
  lrDecaySteps: number;
  /** The decaying schedules' last rate, as a fraction of lr. */
  lrFinalFraction: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** sqrt(v + eps) as in the R-AdaZO paper, instead of sqrt(v) + eps as in the code. */
  epsInsideSqrt: boolean;
  biasCorrection: boolean;
  /** v_hat = max(v_hat, v), the original ZO-AdaMM. */
  amsgrad: boolean;
  /** For the first n steps the step uses v = 1 (plain momentum), as the ZoAR fine-tuning code. */
  momentumWarmup: number;
  bufferStorage: BufferStorage;
  /** What the d-sized state is kept in (parameters, query rows, moments, window sums); see precision.ts. */
  precision: Precision;
}

/** The reference-code defaults of the ZoAR paper's synthetic experiments. */
export const DEFAULT_CONFIG: Readonly<OptimizerConfig> = Object.freeze({
  estimator: "zoar",
  sampler: "gaussian",
  queries: 10,
  mu: 0.05,
  histories: 5,
  history: "none",
  emaDecay: 0.9,
  rankValues: false,
  dimensionScale: false,
  measureCenter: true,
  update: "radazo",
  lr: 0.001,
  lrSchedule: "constant",
  lrDecaySteps: 0,
  lrFinalFraction: 0,
  beta1: 0.9,
  beta2: 0.99,
  eps: 1e-8,
  epsInsideSqrt: false,
  biasCorrection: false,
  amsgrad: false,
  momentumWarmup: 0,
  bufferStorage: "auto",
  precision: "float64",
});

const CHOICES: Partial<Record<keyof OptimizerConfig, readonly string[]>> = {
  estimator: ["vanilla", "average", "zoar", "central"],
  sampler: ["gaussian", "sphere"],
  history: ["none", "mean", "ema"],
  update: ["sgd", "adam", "radazo"],
  lrSchedule: LR_SCHEDULES,
  bufferStorage: ["auto", "vectors", "seeds"],
  precision: PRECISIONS,
};

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function requireNumber(name: string, value: unknown, test: (x: number) => boolean, rule: string): void {
  if (typeof value !== "number" || Number.isNaN(value) || !test(value)) {
    throw new ConfigError(name, `must be ${rule} (got ${describe(value)})`);
  }
}

/**
 * Complete `overrides` with the defaults and check every field; throws a
 * ConfigError naming the first invalid parameter.
 */
export function resolveConfig(overrides: Partial<OptimizerConfig> = {}, base: OptimizerConfig = DEFAULT_CONFIG): OptimizerConfig {
  for (const key of Object.keys(overrides)) {
    if (!(key in DEFAULT_CONFIG)) throw new ConfigError(key, `unknown parameter (known: ${Object.keys(DEFAULT_CONFIG).join(", ")})`);
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const config: OptimizerConfig = { ...base, ...defined };
  validateConfig(config);
  return config;
}

export function validateConfig(c: OptimizerConfig): void {
  for (const [key, allowed] of Object.entries(CHOICES)) {
    const value = c[key as keyof OptimizerConfig];
    if (!allowed.includes(value as string)) {
      throw new ConfigError(key, `must be one of ${allowed.join(", ")} (got ${describe(value)})`);
    }
  }
  const finite = Number.isFinite;
  requireNumber("queries", c.queries, (x) => Number.isInteger(x) && x >= 1, "an integer >= 1");
  requireNumber("mu", c.mu, (x) => finite(x) && x > 0, "a finite number > 0");
  requireNumber("histories", c.histories, (x) => Number.isInteger(x) && x >= 0, "an integer >= 0");
  requireNumber("emaDecay", c.emaDecay, (x) => x >= 0 && x < 1, "in [0, 1)");
  requireNumber("lr", c.lr, (x) => finite(x) && x > 0, "a finite number > 0");
  requireNumber("lrDecaySteps", c.lrDecaySteps, (x) => Number.isInteger(x) && x >= 0, "an integer >= 0");
  requireNumber("lrFinalFraction", c.lrFinalFraction, (x) => x >= 0 && x <= 1, "in [0, 1]");
  if (c.lrSchedule !== "constant" && c.lrDecaySteps === 0) {
    throw new ConfigError("lrDecaySteps", `the ${c.lrSchedule} schedule needs its horizon: the updates over which lr decays, an integer >= 1 (zoar run takes its iterations)`);
  }
  requireNumber("beta1", c.beta1, (x) => x >= 0 && x < 1, "in [0, 1)");
  requireNumber("beta2", c.beta2, (x) => x >= 0 && x < 1, "in [0, 1)");
  requireNumber("eps", c.eps, (x) => finite(x) && x >= 0, "a finite number >= 0");
  requireNumber("momentumWarmup", c.momentumWarmup, (x) => Number.isInteger(x) && x >= 0, "an integer >= 0");
  for (const flag of ["rankValues", "dimensionScale", "measureCenter", "epsInsideSqrt", "biasCorrection", "amsgrad"] as const) {
    if (typeof c[flag] !== "boolean") throw new ConfigError(flag, `must be true or false (got ${describe(c[flag])})`);
  }
  if (c.rankValues && c.estimator !== "average" && c.estimator !== "zoar") {
    throw new ConfigError("rankValues", `applies to the average and zoar estimators only (estimator is ${c.estimator})`);
  }
  if (c.update === "sgd" && (c.amsgrad || c.biasCorrection || c.momentumWarmup > 0)) {
    throw new ConfigError("update", "sgd takes no moment options (amsgrad, biasCorrection, momentumWarmup)");
  }
  if (c.update !== "sgd" && c.eps === 0 && !c.epsInsideSqrt) {
    // eps = 0 outside the root divides 0 by 0 for coordinates the estimate never moved.
    throw new ConfigError("eps", "must be > 0 for adaptive updates");
  }
}

/** Whether the estimator itself needs f(theta). */
export function estimatorUsesCenter(c: OptimizerConfig): boolean {
  return c.estimator === "vanilla";
}

/** Queries per iteration that carry a direction (the centre query excluded). */
export function directionQueries(c: OptimizerConfig): number {
  return c.estimator === "central" ? 2 * c.queries : c.queries;
}

/** Whether the centre point is among an iteration's queries. */
export function evaluatesCenter(c: OptimizerConfig): boolean {
  return estimatorUsesCenter(c) || c.measureCenter;
}
