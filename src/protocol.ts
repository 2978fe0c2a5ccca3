// Messages between the extension host and the dashboard webview, one union
// per direction. Both sides import this file, so it holds types, the
// hyperparameter rules the settings form and the host share, and the check
// the host runs on everything the webview posts. It imports only types from
// the engine (no node:, no vscode): the webview bundle includes it.
//
// Numbers that may be non-finite are `number | null` on the wire: webview
// messages travel as JSON, which turns NaN and Infinity into null.
import type { BufferEntry, EstimatorKind, HistoryKind, OptimizerConfig, OptimizerEntry, UpdateKind } from "./engine";

/** A number, or null where it is not finite (not measured yet, no baseline, ...). */
export type WireNumber = number | null;

export function toWireNumber(x: number): WireNumber {
  return Number.isFinite(x) ? x : null;
}

// ---------------------------------------------------------------------------
// Settings form schema

export type HyperparameterKey =
  | "queries"
  | "mu"
  | "lr"
  | "lrSchedule"
  | "lrDecaySteps"
  | "lrFinalFraction"
  | "histories"
  | "emaDecay"
  | "beta1"
  | "beta2"
  | "eps"
  | "momentumWarmup"
  | "sampler"
  | "measureCenter"
  | "rankValues"
  | "dimensionScale"
  | "biasCorrection"
  | "amsgrad"
  | "epsInsideSqrt";

export type HyperparameterValue = number | boolean | string;

/** Hyperparameters that differ from an optimizer's defaults, typed as the engine's configuration. */
export type HyperparameterOverrides = Partial<Pick<OptimizerConfig, HyperparameterKey>>;

interface FieldRuleBase {
  /** Advanced fields sit in a section the form shows folded. */
  advanced?: boolean;
  label: string;
  /** One line shown under the field. */
  help: string;
  /** Whether the field applies to an optimizer's configuration (hidden otherwise). */
  appliesTo: (config: OptimizerConfig) => boolean;
}

interface NumberRule extends FieldRuleBase {
  kind: "integer" | "number";
  min: number;
  minExclusive?: boolean;
  max?: number;
  maxExclusive?: boolean;
}

interface BooleanRule extends FieldRuleBase {
  kind: "boolean";
}

interface ChoiceRule extends FieldRuleBase {
  kind: "choice";
  choices: readonly string[];
}

type FieldRule = NumberRule | BooleanRule | ChoiceRule;

const always = () => true;
const adaptive = (c: OptimizerConfig) => c.update !== "sgd";
const ranksApply = (c: OptimizerConfig) => c.estimator === "average" || c.estimator === "zoar";

/** The hyperparameters the form offers, with the ranges the engine's validateConfig enforces. */
const FIELD_RULES: Readonly<Record<HyperparameterKey, FieldRule>> = {
  queries: { kind: "integer", min: 1, label: "Directions per iteration (K)", help: "Random directions queried each iteration", appliesTo: always },
  mu: { kind: "number", min: 0, minExclusive: true, label: "Smoothing radius (mu)", help: "Queries are theta + mu u", appliesTo: always },
  lr: { kind: "number", min: 0, minExclusive: true, label: "Learning rate (lr)", help: "Step size of the update", appliesTo: always },
  lrSchedule: {
    advanced: true,
    kind: "choice",
    choices: ["constant", "cosine", "linear"],
    label: "Learning rate schedule",
    help: "constant, or decaying from lr to lr x the final fraction",
    appliesTo: always,
  },
  lrDecaySteps: { advanced: true, kind: "integer", min: 0, label: "Decay steps", help: "Updates over which the rate decays; 0 = the run's iterations", appliesTo: always },
  lrFinalFraction: { advanced: true, kind: "number", min: 0, max: 1, label: "Final learning rate fraction", help: "The decayed rate, as a fraction of lr", appliesTo: always },
  histories: {
    kind: "integer",
    min: 0,
    label: "Past iterations kept (N)",
    help: "Iterations whose queries or estimates are reused",
    appliesTo: (c) => c.estimator === "zoar" || c.history === "mean",
  },
  emaDecay: {
    kind: "number",
    min: 0,
    max: 1,
    maxExclusive: true,
    label: "Average decay",
    help: "g = decay g + (1 - decay) estimate",
    appliesTo: (c) => c.history === "ema",
  },
  beta1: { advanced: true, kind: "number", min: 0, max: 1, maxExclusive: true, label: "First moment decay (beta1)", help: "Momentum of the adaptive update", appliesTo: adaptive },
  beta2: { advanced: true, kind: "number", min: 0, max: 1, maxExclusive: true, label: "Second moment decay (beta2)", help: "Decay of the squared-gradient average", appliesTo: adaptive },
  eps: { advanced: true, kind: "number", min: 0, label: "Epsilon (eps)", help: "Added to the root of the second moment", appliesTo: adaptive },
  momentumWarmup: { advanced: true, kind: "integer", min: 0, label: "Momentum warm-up steps", help: "Steps that use v = 1 (plain momentum)", appliesTo: adaptive },
  sampler: { advanced: true, kind: "choice", choices: ["gaussian", "sphere"], label: "Directions", help: "Distribution of the random directions", appliesTo: always },
  measureCenter: {
    advanced: true,
    kind: "boolean",
    label: "Evaluate f(theta) each iteration",
    help: "For logging; costs one evaluation per iteration",
    appliesTo: (c) => c.estimator !== "vanilla",
  },
  rankValues: { advanced: true, kind: "boolean", label: "Rank values", help: "Centred ranks instead of raw values", appliesTo: ranksApply },
  dimensionScale: { advanced: true, kind: "boolean", label: "Scale the estimate by d", help: "The R-AdaZO paper's factor", appliesTo: always },
  biasCorrection: { advanced: true, kind: "boolean", label: "Bias correction", help: "Adam's correction of the moments", appliesTo: adaptive },
  amsgrad: { advanced: true, kind: "boolean", label: "AMSGrad", help: "Keep the largest second moment seen", appliesTo: adaptive },
  epsInsideSqrt: { advanced: true, kind: "boolean", label: "Epsilon inside the root", help: "sqrt(v + eps), the R-AdaZO paper's form", appliesTo: adaptive },
};

export const HYPERPARAMETER_KEYS = Object.keys(FIELD_RULES) as HyperparameterKey[];

export function isHyperparameterKey(key: string): key is HyperparameterKey {
  return Object.prototype.hasOwnProperty.call(FIELD_RULES, key);
}

/** Hyperparameters with numeric values: the ones a sweep can vary. */
export function isNumericHyperparameter(key: string): key is HyperparameterKey {
  if (!isHyperparameterKey(key)) return false;
  const { kind } = FIELD_RULES[key];
  return kind === "number" || kind === "integer";
}

/** One field of the settings form, as the webview draws it. */
export interface HyperparameterField {
  key: HyperparameterKey;
  label: string;
  help: string;
  kind: "integer" | "number" | "boolean" | "choice";
  advanced: boolean;
  default: HyperparameterValue;
  /** The default is the objective's recommendation (its optimizerDefaults) rather than the preset's; the preset's value then. */
  recommended?: { preset: HyperparameterValue };
  min?: number;
  minExclusive?: boolean;
  max?: number;
  maxExclusive?: boolean;
  choices?: string[];
}

/** An optimizer as the settings form offers it. */
export interface OptimizerSchema {
  name: string;
  summary: string;
  fields: HyperparameterField[];
}

function fieldOf(key: HyperparameterKey, config: OptimizerConfig): HyperparameterField {
  const rule = FIELD_RULES[key];
  const field: HyperparameterField = { key, label: rule.label, help: rule.help, kind: rule.kind, advanced: rule.advanced ?? false, default: config[key] };
  if (rule.kind === "choice") field.choices = [...rule.choices];
  if (rule.kind === "integer" || rule.kind === "number") {
    field.min = rule.min;
    if (rule.minExclusive) field.minExclusive = true;
    if (rule.max !== undefined) field.max = rule.max;
    if (rule.maxExclusive) field.maxExclusive = true;
  }
  return field;
}

/** The CMA-ES presets take these settings only, under their own names (src/engine/cma/cmaes.ts). */
const CMA_FIELDS: Partial<Record<HyperparameterKey, { label: string; help: string }>> = {
  queries: { label: "Population (lambda)", help: "Samples per generation; 4 + floor(3 ln d) unless changed" },
  mu: { label: "Initial step size (sigma0)", help: "Spread of the first generation's samples" },
  lr: { label: "Mean learning rate (c_m)", help: "1 in Hansen's tutorial; at most 1" },
  measureCenter: { label: "Evaluate f(m) each generation", help: "For logging; costs one evaluation per generation" },
};

/** The settings form's schema for registry entries (the host passes optimizerNames().map(optimizerEntry)). */
export function optimizerSchemas(entries: readonly OptimizerEntry[]): OptimizerSchema[] {
  return entries.map((entry) => ({
    name: entry.name,
    summary: entry.summary,
    fields: entry.cma
      ? HYPERPARAMETER_KEYS.filter((key) => key in CMA_FIELDS).map((key) => ({ ...fieldOf(key, entry.config), ...CMA_FIELDS[key] }))
      : HYPERPARAMETER_KEYS.filter((key) => FIELD_RULES[key].appliesTo(entry.config)).map((key) => fieldOf(key, entry.config)),
  }));
}

/**
 * The form's schemas with the objective's recommendations as the defaults
 * (marked as such), as a run started without those fields would get them:
 * preset < objective's recommendation < the run's settings. Recommendations
 * for settings the form does not show, or of the wrong type, are left out.
 */
export function withObjectiveDefaults(schemas: OptimizerSchema[], optimizerDefaults: ObjectiveInfo["optimizerDefaults"]): OptimizerSchema[] {
  if (!optimizerDefaults) return schemas;
  return schemas.map((schema) => {
    const recommended: Partial<Record<string, unknown>> = Object.hasOwn(optimizerDefaults, schema.name) ? optimizerDefaults[schema.name] : {};
    if (Object.keys(recommended).length === 0) return schema;
    const fields = schema.fields.map((field) => {
      const value = recommended[field.key];
      if (value === undefined || value === field.default || checkHyperparameter(field.key, value) !== null) return field;
      return { ...field, default: value as HyperparameterValue, recommended: { preset: field.default } };
    });
    return { ...schema, fields };
  });
}

/** What a number must be, in words: "a number > 0", "an integer >= 1", "a number in [0, 1)". */
export function describeRange(kind: "integer" | "number", min: number, minExclusive = false, max?: number, maxExclusive = false): string {
  const noun = kind === "integer" ? "an integer" : "a number";
  if (max === undefined) return `${noun} ${minExclusive ? ">" : ">="} ${min}`;
  return `${noun} in ${minExclusive ? "(" : "["}${min}, ${max}${maxExclusive ? ")" : "]"}`;
}

/** Why `value` is not acceptable for hyperparameter `key`, or null when it is. */
export function checkHyperparameter(key: HyperparameterKey, value: unknown): string | null {
  const rule = FIELD_RULES[key];
  if (rule.kind === "boolean") return typeof value === "boolean" ? null : "must be true or false";
  if (rule.kind === "choice") return typeof value === "string" && rule.choices.includes(value) ? null : `must be one of ${rule.choices.join(", ")}`;
  const range = describeRange(rule.kind, rule.min, rule.minExclusive, rule.max, rule.maxExclusive);
  if (typeof value !== "number" || !Number.isFinite(value)) return `must be ${range}`;
  if (rule.kind === "integer" && !Number.isInteger(value)) return `must be ${range}`;
  if (rule.minExclusive ? value <= rule.min : value < rule.min) return `must be ${range}`;
  if (rule.max !== undefined && (rule.maxExclusive ? value >= rule.max : value > rule.max)) return `must be ${range}`;
  return null;
}

// ---------------------------------------------------------------------------
// Runs, series and inspector data

/** Where a run is: from being started to its end. */
export type RunStatus = "starting" | "running" | "paused" | "done" | "stopped" | "failed";

export const ACTIVE_STATUSES: readonly RunStatus[] = ["starting", "running", "paused"];

export function isActive(status: RunStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

/** When a run ends by itself; the first condition met ends it. */
export interface StopSettings {
  iterations?: number;
  /** Evaluation budget. */
  evaluations?: number;
  /** Ends the run once the best value is <= target. */
  target?: number;
}

export type XAxis = "iteration" | "evaluations";
export type YScale = "linear" | "log";

export interface ChartView {
  x: XAxis;
  y: YScale;
}

/**
 * A decimated trace, one column per field, all columns the same length, rows
 * in iteration order. `value` and `best` are the run's own values at each
 * row's iteration; the diagnostics hold each bucket's min/max envelope.
 */
export interface DecimatedSeries {
  iteration: number[];
  evaluations: number[];
  value: WireNumber[];
  best: WireNumber[];
  baseline: WireNumber[];
  gradientNorm: WireNumber[];
  stepNorm: WireNumber[];
}

export const SERIES_COLUMNS = ["iteration", "evaluations", "value", "best", "baseline", "gradientNorm", "stepNorm"] as const;

/** Incremental change to a series: keep rows [0, from), then append `rows`; `total` rows result. */
export interface SeriesUpdate {
  from: number;
  total: number;
  rows: DecimatedSeries;
}

export function emptySeries(): DecimatedSeries {
  return { iteration: [], evaluations: [], value: [], best: [], baseline: [], gradientNorm: [], stepNorm: [] };
}

/**
 * Apply an update in place. Returns false, leaving the series as it was, when
 * the update starts past the series' end (a message was missed: ask for a snapshot).
 */
export function applySeriesUpdate(series: DecimatedSeries, update: SeriesUpdate): boolean {
  if (update.from > series.iteration.length) return false;
  for (const key of SERIES_COLUMNS) {
    const column: WireNumber[] = series[key];
    column.length = update.from;
    for (const x of update.rows[key]) column.push(x);
  }
  return true;
}

export interface ObjectiveInfo {
  name: string;
  /** Workspace-relative path, for display. */
  file: string;
  dimension: number;
  description?: string;
  /** The settings the objective recommends per optimizer (its optimizerDefaults), once a run of it has said; absent when it recommends none. */
  optimizerDefaults?: Record<string, Partial<OptimizerConfig>>;
}

/** The figures of a run's header. */
export interface RunHeader {
  runId: string;
  /** Short name for legends: "zoar #3", or "zoar lr=0.01 #1" for a run of a sweep. */
  label: string;
  /** The swept value a run of a sweep was given ("lr=0.01"): legends name runs by it. */
  variant?: string;
  /** Runs started together that differ only by seed share this key: the chart draws them as a mean with a min-max band. */
  seedGroup?: string;
  optimizer: string;
  seed: number;
  status: RunStatus;
  /** Why the run ended ("iterations", "target", "stopped", an error message, ...). */
  reason?: string;
  /** Completed iterations. */
  iteration: number;
  evaluations: number;
  /** Value logged at the last completed iteration. */
  value: WireNumber;
  bestValue: WireNumber;
  elapsedMs: number;
  evaluationsPerSecond: WireNumber;
  /** ONNX provider the objective runs on ("CPU", "CUDA"), null for plain TypeScript objectives. */
  provider: string | null;
  stop: StopSettings;
  /** Who evaluates the queries: "queue redis://host:port, 6 workers", or "waiting for workers on ..."; absent: locally. */
  evaluator?: string;
}

/** What the history-buffer inspector shows of the selected run's optimizer. */
export interface InspectorData {
  runId: string;
  optimizer: string;
  iteration: number;
  dimension: number;
  estimator: EstimatorKind;
  update: UpdateKind;
  history: HistoryKind;
  baseline: WireNumber;
  /** The queries behind the last estimate, oldest first (the host may send only the newest ones). */
  buffer: BufferEntry[];
  bufferCapacity: number;
  /** Estimates averaged by ZoHS-style histories. */
  heldEstimates: { iteration: number; norm: WireNumber }[];
  /** Norms of the last estimate, the parameters and the moments. */
  norms: { gradient: WireNumber; theta: WireNumber; m: WireNumber; v: WireNumber };
  /** Objectives that declare parameters: which normalised coordinates belong to which parameter. */
  coordinates?: string;
  /** CMA-ES optimizers: their search distribution, shown instead of a buffer. */
  search?: SearchData;
}

/** The search distribution N(m, sigma^2 C) of a CMA-ES optimizer, on the wire. */
export interface SearchData {
  variant: "full" | "separable";
  sigma: WireNumber;
  population: number;
  parents: number;
  effectiveParents: WireNumber;
  topWeights: WireNumber[];
  spread: { min: WireNumber; rms: WireNumber; max: WireNumber };
  axisRatio: WireNumber;
  stepPathRatio: WireNumber;
}

/** A parameter vector reduced for display: its first coordinates and a histogram of all. */
export interface ParameterSummary {
  runId: string;
  /** Iteration whose queries hold the best value. */
  iteration: number;
  value: WireNumber;
  dimension: number;
  head: number[];
  histogram: { min: number; max: number; counts: number[] };
  /** Objectives that declare parameters: the best point by name (head and histogram then describe its normalised coordinates). */
  named?: NamedParameterRow[];
}

/** One declared parameter of the best point, as the parameters table shows it. */
export interface NamedParameterRow {
  name: string;
  kind: "uniform" | "logUniform" | "integer" | "choice" | "vector";
  /** The declaration in a few words: `logUniform(0.00001, 0.1)`. */
  declaration: string;
  /** A number or an option; null for vectors (see histogram). */
  value: number | string | boolean | null;
  /** Scalars: the declared range. */
  lower?: number;
  upper?: number;
  /** Scalars: where the value sits in its range, 0 to 1 (on the log scale for logUniform). */
  position?: number;
  /** Vectors: their length and a histogram of their values. */
  length?: number;
  histogram?: { min: number; max: number; counts: number[] };
}

/** The objective's metrics (held-out accuracy, ...) at one iteration; runs log them every metricsEvery iterations. */
export interface MetricsPoint {
  iteration: number;
  evaluations: number;
  values: Record<string, WireNumber>;
}

export interface RunSnapshot {
  header: RunHeader;
  series: DecimatedSeries;
  /** Every metrics point of the run, in iteration order; absent when the objective has no metrics(). */
  metrics?: MetricsPoint[];
}

/** Everything the dashboard shows. */
/** What the settings form starts from: the zoar.* settings that apply to the objective. */
export interface FormDefaults {
  optimizer: string;
  overrides: Partial<Record<HyperparameterKey, HyperparameterValue>>;
  seed: number;
  stop: StopSettings;
  /** Optimizers checked for Compare. */
  compare: string[];
}

export interface DashboardSnapshot {
  objective: ObjectiveInfo | null;
  optimizers: OptimizerSchema[];
  /** Absent in snapshots that predate them (the form keeps its own then). */
  formDefaults?: FormDefaults;
  /** Runs of this objective, oldest first. */
  runs: RunSnapshot[];
  selectedRunId: string | null;
  inspector: InspectorData | null;
  parameters: ParameterSummary | null;
  view: ChartView;
  /** False in an untrusted workspace: nothing may run. */
  canRun: boolean;
  canRunReason?: string;
}

// ---------------------------------------------------------------------------
// Host -> webview

export interface SnapshotMessage {
  type: "snapshot";
  snapshot: DashboardSnapshot;
}

/** New points and figures of one run; inspector and parameters only for the selected run. */
export interface ProgressMessage {
  type: "progress";
  header: RunHeader;
  series: SeriesUpdate;
  /** Metrics points logged since the last message, to append. */
  metrics?: MetricsPoint[];
  inspector?: InspectorData;
  parameters?: ParameterSummary;
}

export interface RunStateMessage {
  type: "runState";
  runId: string;
  status: RunStatus;
  reason?: string;
}

export interface ErrorMessage {
  type: "error";
  message: string;
}

/** Answer to a webview request carrying `requestId`. */
export interface ResponseMessage {
  type: "response";
  requestId: number;
  ok: boolean;
  /** What happened, for the user ("Saved to params.json", "Invalid lr: ..."). */
  message?: string;
  /** Form field the error is about (a hyperparameter key, "seed", "iterations", "evaluations", "target"). */
  field?: string;
  /** Run(s) a start or compare created. */
  runIds?: string[];
}

/** Show only these runs on the convergence chart (Compare Selected in the Runs view); the others stay listed. */
export interface ShowOnlyMessage {
  type: "showOnly";
  runIds: string[];
}

export type HostMessage = SnapshotMessage | ProgressMessage | RunStateMessage | ErrorMessage | ResponseMessage | ShowOnlyMessage;

// ---------------------------------------------------------------------------
// Webview -> host

/** The webview listens and wants a full snapshot (on load, and whenever its series are out of step). */
export interface ReadyMessage {
  type: "ready";
}

export interface StartMessage {
  type: "start";
  requestId: number;
  optimizer: string;
  /** Hyperparameters that differ from the optimizer's defaults. */
  overrides: HyperparameterOverrides;
  seed: number;
  stop: StopSettings;
  /** Start from the objective's saved parameters (where Save writes them) instead of its initial point. */
  startFromSaved?: boolean;
}

/** Run several optimizers, each with its defaults, the same seed and the same stop conditions. */
export interface CompareMessage {
  type: "compare";
  requestId: number;
  optimizers: string[];
  seed: number;
  stop: StopSettings;
  /** Runs per optimizer, with seeds seed, seed + 1, ... (default 1). */
  seeds?: number;
}

/** Run one optimizer once per value of one hyperparameter (and per seed), the other settings the same. */
export interface SweepMessage {
  type: "sweep";
  requestId: number;
  optimizer: string;
  /** The other hyperparameters, as for a start. */
  overrides: HyperparameterOverrides;
  key: HyperparameterKey;
  values: number[];
  /** Runs per value, with seeds seed, seed + 1, ... */
  seeds: number;
  seed: number;
  stop: StopSettings;
}

/** File formats the dashboard exports: a chart as PNG or SVG, a run's whole trace as CSV. */
export type ExportFormat = "png" | "svg" | "csv";

/** Largest export the webview may send (a PNG as base64, an SVG). */
export const MAX_EXPORT_CHARS = 32 * 2 ** 20;

/**
 * Save a file the user names in a save dialog. PNG data is base64, SVG data
 * text; for CSV the host writes the run's whole trace (not the decimated series).
 */
export interface ExportMessage {
  type: "export";
  requestId: number;
  format: ExportFormat;
  /** Suggested file name, without folder: "convergence.svg". */
  name: string;
  data?: string;
  runId?: string;
}

export interface RunCommandMessage {
  type: "pause" | "resume" | "step" | "stop";
  runId: string;
}

export interface SaveParametersMessage {
  type: "saveParameters";
  requestId: number;
  runId: string;
}

export interface SelectRunMessage {
  type: "selectRun";
  runId: string;
}

export interface SetAxisMessage {
  type: "setAxis";
  view: ChartView;
}

export type WebviewMessage = ReadyMessage | StartMessage | CompareMessage | SweepMessage | ExportMessage | RunCommandMessage | SaveParametersMessage | SelectRunMessage | SetAxisMessage;

export type WebviewMessageType = WebviewMessage["type"];

// ---------------------------------------------------------------------------
// Checking what the webview posts: the host logs and ignores anything rejected.

/** Largest seed the engine accepts, plus one. */
export const SEED_LIMIT = 2 ** 32;
export const MAX_COMPARED = 12;
/** Largest sweep from the dashboard: values, seeds per value, and runs in all. */
export const MAX_SWEPT_VALUES = 12;
export const MAX_SWEEP_SEEDS = 10;
export const MAX_SWEEP_RUNS = 60;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_RUN_ID_LENGTH = 200;

class Rejection extends Error {}

function reject(message: string): never {
  throw new Rejection(message);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) reject(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function requestId(message: Record<string, unknown>): number {
  const id = message.requestId;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) reject("requestId must be a non-negative integer");
  return id;
}

function runId(message: Record<string, unknown>): string {
  const id = message.runId;
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_RUN_ID_LENGTH) reject(`runId must be a string of 1 to ${MAX_RUN_ID_LENGTH} characters`);
  return id;
}

function optimizerName(value: unknown, what: string): string {
  if (typeof value !== "string" || !NAME_PATTERN.test(value)) reject(`${what} must be an optimizer name`);
  return value;
}

function seed(message: Record<string, unknown>): number {
  const value = message.seed;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value >= SEED_LIMIT) reject("seed must be an integer in [0, 2^32)");
  return value;
}

/** Why a stop setting is not acceptable, or null; shared with the settings form. */
export function checkStopSetting(key: keyof StopSettings, value: unknown): string | null {
  if (key === "target") return typeof value === "number" && Number.isFinite(value) ? null : "must be a finite number";
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1 ? null : "must be an integer >= 1";
}

function stopSettings(message: Record<string, unknown>): StopSettings {
  const given = record(message.stop, "stop");
  const stop: StopSettings = {};
  for (const key of ["iterations", "evaluations", "target"] as const) {
    const value = given[key];
    if (value === undefined) continue;
    const problem = checkStopSetting(key, value);
    if (problem) reject(`stop.${key} ${problem}`);
    stop[key] = value as number;
  }
  return stop;
}

function overrides(message: Record<string, unknown>): HyperparameterOverrides {
  const given = record(message.overrides, "overrides");
  // Each value is checked against its key's rule below, so it has the configuration's type.
  const result: Record<string, HyperparameterValue> = {};
  for (const [key, value] of Object.entries(given)) {
    if (!isHyperparameterKey(key)) reject(`overrides.${key} is not a hyperparameter`);
    const problem = checkHyperparameter(key, value);
    if (problem) reject(`overrides.${key} ${problem}`);
    result[key] = value as HyperparameterValue;
  }
  return result as HyperparameterOverrides;
}

function seedCount(seeds: unknown, runsPerSeed: number): number {
  if (typeof seeds !== "number" || !Number.isInteger(seeds) || seeds < 1 || seeds > MAX_SWEEP_SEEDS) reject(`seeds must be an integer in [1, ${MAX_SWEEP_SEEDS}]`);
  if (runsPerSeed * seeds > MAX_SWEEP_RUNS) reject(`at most ${MAX_SWEEP_RUNS} runs at once (values x seeds)`);
  return seeds;
}

function sweepValues(message: Record<string, unknown>): Pick<SweepMessage, "key" | "values" | "seeds"> {
  const key = message.key;
  if (typeof key !== "string" || !isNumericHyperparameter(key)) reject("key must be a numeric hyperparameter");
  const values = message.values;
  if (!Array.isArray(values) || values.length === 0 || values.length > MAX_SWEPT_VALUES) reject(`values must be a list of 1 to ${MAX_SWEPT_VALUES} numbers`);
  values.forEach((value, i) => {
    const problem = checkHyperparameter(key, value);
    if (problem) reject(`values[${i}] ${problem}`);
  });
  if (new Set(values).size !== values.length) reject("values must not repeat a value");
  const seeds = seedCount(message.seeds, values.length);
  if (isHyperparameterKey(key) && key in record(message.overrides, "overrides")) reject(`overrides must not hold the swept ${key}`);
  return { key, values: values as number[], seeds };
}

const EXPORT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;

function exportMessage(message: Record<string, unknown>): ExportMessage {
  const format = message.format;
  if (format !== "png" && format !== "svg" && format !== "csv") reject('format must be "png", "svg" or "csv"');
  const name = message.name;
  if (typeof name !== "string" || !EXPORT_NAME.test(name) || !name.endsWith(`.${format}`)) reject(`name must be a plain file name ending in .${format}`);
  const result: ExportMessage = { type: "export", requestId: requestId(message), format, name };
  if (format === "csv") return { ...result, runId: runId(message) };
  const data = message.data;
  if (typeof data !== "string" || data.length === 0 || data.length > MAX_EXPORT_CHARS) reject(`data must be a string of 1 to ${MAX_EXPORT_CHARS} characters`);
  if (format === "png" && !/^[A-Za-z0-9+/]+=*$/.test(data)) reject("data of a PNG must be base64");
  return { ...result, data };
}

function chartView(message: Record<string, unknown>): ChartView {
  const view = record(message.view, "view");
  if (view.x !== "iteration" && view.x !== "evaluations") reject('view.x must be "iteration" or "evaluations"');
  if (view.y !== "linear" && view.y !== "log") reject('view.y must be "linear" or "log"');
  return { x: view.x, y: view.y };
}

function parse(raw: unknown): WebviewMessage {
  const message = record(raw, "message");
  const type = message.type;
  switch (type) {
    case "ready":
      return { type };
    case "start": {
      const start: StartMessage = { type, requestId: requestId(message), optimizer: optimizerName(message.optimizer, "optimizer"), overrides: overrides(message), seed: seed(message), stop: stopSettings(message) };
      if (message.startFromSaved !== undefined) {
        if (typeof message.startFromSaved !== "boolean") reject("startFromSaved must be true or false");
        start.startFromSaved = message.startFromSaved as boolean;
      }
      return start;
    }
    case "compare": {
      const names = message.optimizers;
      if (!Array.isArray(names) || names.length === 0 || names.length > MAX_COMPARED) reject(`optimizers must be a list of 1 to ${MAX_COMPARED} names`);
      const optimizers = names.map((name, i) => optimizerName(name, `optimizers[${i}]`));
      if (new Set(optimizers).size !== optimizers.length) reject("optimizers must not repeat a name");
      const compare: CompareMessage = { type, requestId: requestId(message), optimizers, seed: seed(message), stop: stopSettings(message) };
      if (message.seeds !== undefined) compare.seeds = seedCount(message.seeds, optimizers.length);
      return compare;
    }
    case "sweep":
      return { type, requestId: requestId(message), optimizer: optimizerName(message.optimizer, "optimizer"), overrides: overrides(message), ...sweepValues(message), seed: seed(message), stop: stopSettings(message) };
    case "export":
      return exportMessage(message);
    case "pause":
    case "resume":
    case "step":
    case "stop":
      return { type, runId: runId(message) };
    case "saveParameters":
      return { type, requestId: requestId(message), runId: runId(message) };
    case "selectRun":
      return { type, runId: runId(message) };
    case "setAxis":
      return { type, view: chartView(message) };
    default:
      return reject(`unknown message type ${JSON.stringify(type)}`);
  }
}

/** The message rebuilt from its known fields only, or why it was rejected. */
export function validateWebviewMessage(raw: unknown): WebviewMessage | { error: string } {
  try {
    return parse(raw);
  } catch (error) {
    if (error instanceof Rejection) return { error: error.message };
    throw error;
  }
}
