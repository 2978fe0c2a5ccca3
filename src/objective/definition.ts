/**
 * What an objective file must export, and the checks that turn those exports
 * into one normalized objective. Used by the SDK (light checks at
 * defineObjective time, so errors point at the user's call) and by the worker
 * (the full normalization, for both forms of objective file). No node: imports:
 * this file is bundled into every objective. Objectives that declare named
 * parameters (parameters.ts) are normalized to the same vector form here.
 */
import type { OptimizerConfig } from "../engine/config";
import {
  decodeParameters,
  encodeParameters,
  initialValues,
  type ParameterSpace,
  type ParameterValues,
  spaceDimension,
  spaceProblems,
} from "./parameters";

export interface ObjectiveBounds {
  /** A number applies to every coordinate; -Infinity leaves a side open. */
  lower: number | ArrayLike<number>;
  upper: number | ArrayLike<number>;
}

/**
 * What an evaluation is part of. Every query of one iteration gets the same
 * context, so an objective can draw one minibatch per iteration from `seed`
 * (both sides of a MeZO pair see the same data). It depends only on the
 * iteration and the run's seed (see evaluationSeed): a resumed run, or a
 * worker elsewhere, builds the same one.
 */
export interface EvaluationContext {
  /** The iteration the query belongs to (0-based). */
  readonly iteration: number;
  /** A 32-bit seed for this iteration's randomness, derived from the run's seed. */
  readonly seed: number;
}

/** Named numbers an objective reports about a point, e.g. { accuracy: 0.93 }. */
export type Metrics = Record<string, number>;

/**
 * The numbers an objective receives: float64 (the default), or float32 for
 * objectives that compute in float32 anyway (models). A run keeps its state
 * in the objective's precision unless --precision says otherwise; rows
 * always reach the objective in the precision it declares.
 */
export type ObjectivePrecision = "float64" | "float32";

/** The vector type of an objective of precision P. */
export type ObjectiveVector<P extends ObjectivePrecision = "float64"> = P extends "float32" ? Float32Array : Float64Array;

/** `precision: "float32"` must be written to get Float32Array rows; float64 is the default. */
type PrecisionField<P extends ObjectivePrecision> = P extends "float32" ? { precision: "float32" } : { precision?: "float64" };

export const OBJECTIVE_PRECISIONS: readonly ObjectivePrecision[] = ["float64", "float32"];

/**
 * Settings an objective recommends, per optimizer name, on top of that
 * optimizer's preset, e.g. `{ "zoar-pairs": { lr: 1e-3 }, spsa: { lr: 3e-3 } }`.
 * A setting given for the run itself (a command-line flag, a dashboard field)
 * wins; an optimizer not named here runs its preset.
 */
export type OptimizerDefaults = Readonly<Record<string, Partial<OptimizerConfig>>>;

interface ObjectiveDefinitionCommon<P extends ObjectivePrecision> {
  /** Number of parameters, a positive integer. */
  dimension: number;
  /** Starting point (length `dimension`; a Float32Array or Float64Array of millions is fine; initial() may be async); default: the middle of the bounds, or zeros. */
  initial?: ArrayLike<number> | (() => ArrayLike<number> | Promise<ArrayLike<number>>);
  /**
   * Held-out numbers about the current parameters (accuracy, F1, a validation
   * loss), computed every `metricsEvery` iterations and written into the
   * trace, the result and the dashboard's Metrics chart. Never optimized.
   */
  metrics?(theta: ObjectiveVector<P>, context: EvaluationContext): Metrics | Promise<Metrics>;
  /** Iterations between two metrics computations; default 10. `--metrics-every` overrides it. */
  metricsEvery?: number;
  /** Recommended optimizer settings for this objective, per optimizer; see OptimizerDefaults. */
  optimizerDefaults?: OptimizerDefaults;
  bounds?: ObjectiveBounds;
  name?: string;
  description?: string;
  /** Runs once in the worker before the first evaluation (load data, warm a model). */
  setup?(): void | Promise<void>;
}

/** An objective evaluated one point at a time. */
export type PointwiseObjectiveDefinition<P extends ObjectivePrecision = "float64"> = ObjectiveDefinitionCommon<P> &
  PrecisionField<P> & {
    evaluate(x: ObjectiveVector<P>, context: EvaluationContext): number | Promise<number>;
    evaluateBatch?: undefined;
  };

/** An objective evaluated a whole batch at a time (vectorised code, ONNX models). */
export type BatchObjectiveDefinition<P extends ObjectivePrecision = "float64"> = ObjectiveDefinitionCommon<P> &
  PrecisionField<P> & {
    evaluateBatch(xs: ObjectiveVector<P>[], context: EvaluationContext): ArrayLike<number> | Promise<ArrayLike<number>>;
    evaluate?: undefined;
  };

interface ParametricDefinitionCommon<S extends ParameterSpace> {
  /** Named parameters: uniform(), logUniform(), integer(), choice(), vector(). They replace dimension, bounds and initial. */
  parameters: S;
  name?: string;
  description?: string;
  setup?(): void | Promise<void>;
  /** As for vector objectives, with the decoded parameters; see ObjectiveDefinitionCommon.metrics. */
  metrics?(p: ParameterValues<S>, context: EvaluationContext): Metrics | Promise<Metrics>;
  metricsEvery?: number;
  optimizerDefaults?: OptimizerDefaults;
  dimension?: undefined;
  bounds?: undefined;
  initial?: undefined;
  /** Named parameters are decoded into numbers: their coordinates reach the objective as float64. */
  precision?: undefined;
}

/** An objective over named parameters, evaluated one point at a time. */
export interface PointwiseParametricDefinition<S extends ParameterSpace> extends ParametricDefinitionCommon<S> {
  evaluate(p: ParameterValues<S>, context: EvaluationContext): number | Promise<number>;
  evaluateBatch?: undefined;
}

/** An objective over named parameters, evaluated a whole batch at a time. */
export interface BatchParametricDefinition<S extends ParameterSpace> extends ParametricDefinitionCommon<S> {
  evaluateBatch(ps: ParameterValues<S>[], context: EvaluationContext): ArrayLike<number> | Promise<ArrayLike<number>>;
  evaluate?: undefined;
}

export type ParametricObjectiveDefinition<S extends ParameterSpace = ParameterSpace> =
  | PointwiseParametricDefinition<S>
  | BatchParametricDefinition<S>;

/** Exactly one of `evaluate` and `evaluateBatch`, in either precision. */
export type ObjectiveDefinition =
  | PointwiseObjectiveDefinition<"float64">
  | BatchObjectiveDefinition<"float64">
  | PointwiseObjectiveDefinition<"float32">
  | BatchObjectiveDefinition<"float32">;

/** A row of either precision, as the worker hands it over. */
type Row = Float64Array | Float32Array;

/**
 * A definition as an objective file exports it, before its precision is
 * read: its functions take rows of either precision (the worker hands each
 * one rows of its own).
 */
export type LoadedDefinition = Omit<ObjectiveDefinitionCommon<"float64">, "metrics"> & {
  precision?: ObjectivePrecision;
  evaluate?: (x: Row, context: EvaluationContext) => unknown;
  evaluateBatch?: (xs: Row[], context: EvaluationContext) => unknown;
  metrics?: (theta: Row, context: EvaluationContext) => unknown;
};

export const DEFINITION_ERROR_NAME = "ObjectiveDefinitionError";

/** A definition problem; the worker reports it as kind "definition". */
export class DefinitionError extends Error {
  // The SDK and the worker each bundle their own copy of this class, so the
  // worker recognises it by name rather than with instanceof.
  override readonly name = DEFINITION_ERROR_NAME;
}

/** Where defineObjective was called: an Error whose stack the worker reads when a later check fails. */
export const DEFINITION_SITE = Symbol.for("zoar.definitionSite");

export interface NormalizedObjective {
  name: string;
  description: string | undefined;
  dimension: number;
  initial: Float64Array;
  bounds: { lower: Float64Array; upper: Float64Array } | undefined;
  /** What evaluate, evaluateBatch and metrics receive: rows of this precision only. */
  precision: ObjectivePrecision;
  evaluate: ((x: Row, context: EvaluationContext) => unknown) | undefined;
  evaluateBatch: ((xs: Row[], context: EvaluationContext) => unknown) | undefined;
  metrics: ((theta: Row, context: EvaluationContext) => unknown) | undefined;
  metricsEvery: number;
  /** Empty when the objective recommends nothing. */
  optimizerDefaults: OptimizerDefaults;
  setup: (() => unknown) | undefined;
  /** The declared parameters, when the objective has them; `evaluate` then decodes x into them. */
  parameters: ParameterSpace | undefined;
}

export const DEFAULT_METRICS_EVERY = 10;

/**
 * The seed of an iteration's context: the run's seed and the iteration mixed
 * by a 32-bit integer hash (murmur3's finalizer), so neighbouring iterations
 * get unrelated seeds and any process computes the same one.
 */
export function evaluationSeed(runSeed: number, iteration: number): number {
  let h = (Math.imul(runSeed >>> 0, 0x9e3779b1) ^ Math.imul(iteration >>> 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function evaluationContext(runSeed: number, iteration: number): EvaluationContext {
  return Object.freeze({ iteration, seed: evaluationSeed(runSeed, iteration) });
}

/** Problems with a definition that can be seen without running any of its code. */
export function definitionProblems(def: unknown): string[] {
  if (typeof def !== "object" || def === null) {
    return [`expected an object with dimension and evaluate, got ${def === null ? "null" : typeof def}`];
  }
  const d = def as Record<string, unknown>;
  if (d.parameters !== undefined) return parametricProblems(d);
  const problems: string[] = [];
  const dimension = d.dimension;
  const dimensionValid = typeof dimension === "number" && Number.isInteger(dimension) && dimension > 0;
  if (dimension === undefined) problems.push("dimension is missing");
  else if (!dimensionValid) problems.push(`dimension must be a positive integer, got ${String(dimension)}`);

  problems.push(...functionProblems(d));
  if (d.precision !== undefined && !OBJECTIVE_PRECISIONS.includes(d.precision as ObjectivePrecision)) {
    problems.push(`precision must be "float64" or "float32", got ${typeof d.precision === "string" ? JSON.stringify(d.precision) : String(d.precision)}`);
  }
  const size = dimensionValid ? (dimension as number) : undefined;
  if (d.initial !== undefined && typeof d.initial !== "function") {
    problems.push(...vectorProblems("initial", d.initial, size, false));
  }
  if (d.bounds !== undefined) problems.push(...boundsProblems(d.bounds, size));
  return problems;
}

/** A definition with `parameters`: the space, and no vector-form keys beside it. */
function parametricProblems(d: Record<string, unknown>): string[] {
  const conflicting = ["dimension", "bounds", "initial", "precision"].filter((key) => d[key] !== undefined);
  const problems = conflicting.map((key) => `${key} cannot be given with parameters (the parameters define it; remove ${key})`);
  return [...problems, ...spaceProblems(d.parameters), ...functionProblems(d)];
}

/** evaluate vs evaluateBatch, setup, name and description. */
function functionProblems(d: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const hasEvaluate = d.evaluate !== undefined;
  const hasBatch = d.evaluateBatch !== undefined;
  if (hasEvaluate && hasBatch) problems.push("define either evaluate or evaluateBatch, not both");
  else if (!hasEvaluate && !hasBatch) problems.push("evaluate (or evaluateBatch) is missing");
  else if (hasEvaluate && typeof d.evaluate !== "function") problems.push("evaluate must be a function");
  else if (hasBatch && typeof d.evaluateBatch !== "function") problems.push("evaluateBatch must be a function");

  for (const key of ["setup", "metrics"] as const) {
    if (d[key] !== undefined && typeof d[key] !== "function") problems.push(`${key} must be a function`);
  }
  for (const key of ["name", "description"] as const) {
    if (d[key] !== undefined && typeof d[key] !== "string") problems.push(`${key} must be a string`);
  }
  const every = d.metricsEvery;
  if (every !== undefined && !(typeof every === "number" && Number.isInteger(every) && every > 0)) {
    problems.push(`metricsEvery must be a positive integer, got ${String(every)}`);
  }
  problems.push(...optimizerDefaultsProblems(d.optimizerDefaults));
  return problems;
}

/** The shape of optimizerDefaults; the settings themselves are checked against the optimizer when a run starts. */
function optimizerDefaultsProblems(defaults: unknown): string[] {
  if (defaults === undefined) return [];
  const isRecord = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isRecord(defaults)) return [`optimizerDefaults must be an object keyed by optimizer name, e.g. { "zoar-pairs": { lr: 0.001 } }`];
  return Object.entries(defaults as Record<string, unknown>)
    .filter(([, settings]) => !isRecord(settings))
    .map(([name, settings]) => `optimizerDefaults["${name}"] must be an object of optimizer settings, got ${Array.isArray(settings) ? "an array" : String(settings)}`);
}

/** Reads an objective module's exports: `export default defineObjective({...})` or a bare default function. */
export function definitionFromExports(moduleExports: unknown): LoadedDefinition {
  const exports = (moduleExports ?? {}) as Record<string, unknown>;
  const main = exports.default;
  if (main === undefined) {
    throw new DefinitionError(
      "the objective file has no default export; write `export default defineObjective({ dimension, evaluate })`, " +
        "or `export default function (x: Float64Array): number` with `export const dimension = ...`",
    );
  }
  if (typeof main === "function") {
    if (exports.dimension === undefined) {
      throw new DefinitionError(
        "the default export is a function but the file has no `export const dimension = <number of parameters>`",
      );
    }
    return {
      dimension: exports.dimension as number,
      initial: exports.initial as LoadedDefinition["initial"],
      bounds: exports.bounds as ObjectiveBounds | undefined,
      name: exports.name as string | undefined,
      description: exports.description as string | undefined,
      evaluate: main as (x: Row, context: EvaluationContext) => number,
    };
  }
  if (typeof main !== "object" || main === null) {
    throw new DefinitionError(`the default export must be defineObjective({...}) or a function, got ${typeof main}`);
  }
  return main as LoadedDefinition;
}

/** Throws a DefinitionError listing every problem, or returns the definition as valid. */
export function checkDefinition(def: unknown): LoadedDefinition {
  const problems = definitionProblems(def);
  if (problems.length > 0) throw new DefinitionError(problems.join("; "));
  return def as LoadedDefinition;
}

/**
 * The final form the worker evaluates. `initialValues` is `def.initial` already
 * called when it was a function (the caller reports a throw there as the user's).
 */
export function normalizeDefinition(
  def: LoadedDefinition,
  initialValues: unknown,
  defaultName: string,
): NormalizedObjective {
  const parametric = def as unknown as ParametricObjectiveDefinition;
  if (parametric.parameters !== undefined) return normalizeParametric(parametric, defaultName);
  const dimension = def.dimension;
  const bounds = def.bounds === undefined ? undefined : normalizeBounds(def.bounds, dimension);
  let initial: Float64Array;
  if (initialValues === undefined) {
    initial = defaultInitial(dimension, bounds);
  } else {
    const problems = vectorProblems(typeof def.initial === "function" ? "initial()" : "initial", initialValues, dimension, false);
    if (problems.length > 0) throw new DefinitionError(problems.join("; "));
    initial = Float64Array.from(initialValues as ArrayLike<number>);
  }
  if (bounds) {
    for (let i = 0; i < dimension; i++) {
      if (initial[i] < bounds.lower[i] || initial[i] > bounds.upper[i]) {
        throw new DefinitionError(
          `initial[${i}] = ${initial[i]} lies outside the bounds [${bounds.lower[i]}, ${bounds.upper[i]}]`,
        );
      }
    }
  }
  return {
    name: def.name ?? defaultName,
    description: def.description,
    dimension,
    initial,
    bounds,
    precision: def.precision ?? "float64",
    // Bound rather than wrapped, so no frame of this file shows in the user's stack traces.
    evaluate: def.evaluate?.bind(def),
    evaluateBatch: def.evaluateBatch?.bind(def),
    metrics: def.metrics?.bind(def),
    metricsEvery: def.metricsEvery ?? DEFAULT_METRICS_EVERY,
    optimizerDefaults: def.optimizerDefaults ?? {},
    setup: def.setup?.bind(def),
    parameters: undefined,
  };
}

/**
 * The vector form of an objective over named parameters: the engine sees the
 * normalised coordinates in [0, 1] (parameters.ts), evaluate the decoded values.
 */
function normalizeParametric(def: ParametricObjectiveDefinition, defaultName: string): NormalizedObjective {
  const space = def.parameters;
  const dimension = spaceDimension(space);
  const decode = (x: Row) => decodeParameters(space, x);
  const { evaluate, evaluateBatch, metrics } = def;
  return {
    name: def.name ?? defaultName,
    description: def.description,
    dimension,
    initial: encodeParameters(space, initialValues(space)),
    bounds: { lower: new Float64Array(dimension), upper: new Float64Array(dimension).fill(1) },
    precision: "float64",
    // Later arguments pass through untouched, so evaluate(x, ...) extensions reach the objective.
    evaluate: evaluate && ((x: Row, ...rest: unknown[]) => (evaluate as (...args: unknown[]) => unknown).call(def, decode(x), ...rest)),
    evaluateBatch:
      evaluateBatch &&
      ((xs: Row[], ...rest: unknown[]) => (evaluateBatch as (...args: unknown[]) => unknown).call(def, xs.map(decode), ...rest)),
    metrics: metrics && ((theta: Row, context: EvaluationContext) => metrics.call(def, decode(theta), context)),
    metricsEvery: def.metricsEvery ?? DEFAULT_METRICS_EVERY,
    optimizerDefaults: def.optimizerDefaults ?? {},
    setup: def.setup?.bind(def),
    parameters: space,
  };
}

function normalizeBounds(bounds: ObjectiveBounds, dimension: number): { lower: Float64Array; upper: Float64Array } {
  const expand = (side: number | ArrayLike<number>) =>
    typeof side === "number" ? new Float64Array(dimension).fill(side) : Float64Array.from(side);
  return { lower: expand(bounds.lower), upper: expand(bounds.upper) };
}

/** The middle of the box where both sides are finite; otherwise 0, moved inside an open-ended side. */
function defaultInitial(dimension: number, bounds?: { lower: Float64Array; upper: Float64Array }): Float64Array {
  const initial = new Float64Array(dimension);
  if (!bounds) return initial;
  for (let i = 0; i < dimension; i++) {
    const lo = bounds.lower[i];
    const hi = bounds.upper[i];
    if (Number.isFinite(lo) && Number.isFinite(hi)) initial[i] = (lo + hi) / 2;
    else initial[i] = Math.min(Math.max(0, lo), hi);
  }
  return initial;
}

function boundsProblems(bounds: unknown, dimension: number | undefined): string[] {
  if (typeof bounds !== "object" || bounds === null) return ["bounds must be { lower, upper }"];
  const { lower, upper } = bounds as Record<string, unknown>;
  const problems = [
    ...vectorProblems("bounds.lower", lower, dimension, true),
    ...vectorProblems("bounds.upper", upper, dimension, true),
  ];
  if (problems.length > 0 || dimension === undefined) return problems;
  for (let i = 0; i < dimension; i++) {
    const lo = typeof lower === "number" ? lower : (lower as ArrayLike<number>)[i];
    const hi = typeof upper === "number" ? upper : (upper as ArrayLike<number>)[i];
    if (lo > hi) {
      problems.push(`bounds.lower[${i}] = ${lo} is above bounds.upper[${i}] = ${hi}`);
      break;
    }
  }
  return problems;
}

/** A number (when `scalarAllowed`) or an array-like of `dimension` numbers. */
function vectorProblems(label: string, value: unknown, dimension: number | undefined, scalarAllowed: boolean): string[] {
  if (typeof value === "number") {
    if (!scalarAllowed) return [`${label} must be an array of ${dimension ?? "dimension"} numbers, got a number`];
    return Number.isNaN(value) ? [`${label} is NaN`] : [];
  }
  const length = (value as { length?: unknown } | null | undefined)?.length;
  if (typeof value !== "object" || value === null || typeof length !== "number") {
    const expected = scalarAllowed ? "a number or an array of numbers" : "an array of numbers";
    return [`${label} must be ${expected}, got ${value === null ? "null" : typeof value}`];
  }
  if (dimension !== undefined && length !== dimension) {
    return [`${label} has ${length} values, expected dimension ${dimension}`];
  }
  const entries = value as ArrayLike<unknown>;
  for (let i = 0; i < length; i++) {
    const entry = entries[i];
    const valid = typeof entry === "number" && (scalarAllowed ? !Number.isNaN(entry) : Number.isFinite(entry));
    if (!valid) return [`${label}[${i}] must be a ${scalarAllowed ? "number" : "finite number"}, got ${String(entry)}`];
  }
  return [];
}
