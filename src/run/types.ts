// The plain-data records of a run: what it was asked to do, what it writes per
// iteration, what it reports while running and what it ends with. Shared by
// the loop, the store, the worker messages and the command line.
import type { BufferEntry, OptimizerConfig, Precision, SearchInspection, TellResult, Vector } from "../engine";
import type { EvaluatorStatus } from "../objective/batch-evaluator";
import type { OptimizerDefaults } from "../objective/definition";
import type { ParameterSpace } from "../objective/parameters";
import type { NonFinitePolicy } from "../objective/protocol";
import type { OnnxProviderPreference } from "../objective/runtime-context";

/** When a run ends by itself. Every condition given applies; the first one met ends the run. */
export interface StopConditions {
  /** Total iterations of the run (across resumes). */
  iterations?: number;
  /** Evaluation budget: an iteration that would exceed it is not started. */
  evaluations?: number;
  /** Ends the run once the best value found is <= target. */
  target?: number;
  /** Active running time in ms (paused time excluded), checked between iterations. */
  timeMs?: number;
}

export interface CheckpointPolicy {
  /** Write a checkpoint after this many iterations since the last one (0: never by count). */
  iterations: number;
  /** ... or after this many ms since the last one, whichever comes first (0: never by time). */
  ms: number;
}

export const DEFAULT_CHECKPOINT_POLICY: Readonly<CheckpointPolicy> = Object.freeze({ iterations: 1000, ms: 5000 });

export interface RunSettings {
  objectiveFile: string;
  /** Registry name of the optimizer. */
  optimizer: string;
  overrides?: Partial<OptimizerConfig>;
  seed?: number;
  stop?: StopConditions;
  /** Limit per batch evaluation (and for loading); 0 for none. Default: the evaluator's (60 s). */
  timeoutMs?: number;
  nonFinite?: NonFinitePolicy;
  provider?: OnnxProviderPreference;
  /** Folder holding one folder per run; default `.zoar/runs` under the current directory. */
  runsDir?: string;
  /** The run's own folder; default: a new id under runsDir. */
  runDir?: string;
  checkpoint?: Partial<CheckpointPolicy>;
  /** Evaluate on `zoar worker` processes through this Redis queue (redis:// or rediss:// URL); default: locally. Never stored. */
  queue?: string;
  /** A saved parameters file (.json) the run starts from instead of the objective's initial point. */
  initialFile?: string;
  /** Iterations between two metrics computations; default: the objective's metricsEvery. */
  metricsEvery?: number;
}

/** config.json: everything needed to understand or resume a run. */
export interface RunConfig {
  format: "zoar-run/1";
  id: string;
  created: string;
  objective: {
    file: string;
    name: string;
    description?: string;
    dimension: number;
    /** Named parameters; the run's vectors (best point, checkpoints) are then their normalised coordinates. */
    parameters?: ParameterSpace;
    /** Everything the objective recommends, per optimizer (its optimizerDefaults; `recommended` is what applied to this run); absent when nothing. */
    optimizerDefaults?: OptimizerDefaults;
  };
  optimizer: string;
  /** The optimizer's configuration after the overrides were applied. */
  config: OptimizerConfig;
  overrides: Partial<OptimizerConfig>;
  /** The objective's recommended settings for this optimizer (its optimizerDefaults) that applied under overrides; absent when none. */
  recommended?: Partial<OptimizerConfig>;
  seed: number;
  stop: StopConditions;
  timeoutMs: number;
  nonFinite: NonFinitePolicy;
  /** The ONNX provider asked for; result.json records the one used. */
  provider: OnnxProviderPreference | undefined;
  checkpoint: CheckpointPolicy;
  /** The parameters file the run started from, when it did not start at the objective's initial point. */
  initialFile?: string;
  /** Iterations between two metrics computations; absent when the objective has no metrics(). */
  metricsEvery?: number;
}

/** One line of trace.jsonl. Non-finite numbers are written as null. */
export interface TraceLine {
  iteration: number;
  /** Evaluations after this iteration, all of the run's. */
  evaluations: number;
  /** f(theta) at this iteration (or the mean of its queries when the centre is not evaluated). */
  value: number;
  /** Best value evaluated so far. */
  best: number;
  baseline: number;
  gradientNorm: number;
  stepNorm: number;
  /** Active time since the run started, resumes included. */
  elapsedMs: number;
  /** Queries whose non-finite value was skipped (policy "skip"); absent when none. */
  skipped?: number;
  /** The objective's metrics of this iteration's theta, every metricsEvery iterations; absent otherwise. */
  metrics?: Record<string, number>;
}

export type RunStatus = "done" | "stopped" | "failed";

export type StopReason =
  | "iterations"
  | "evaluations"
  | "target"
  | "time"
  | "stopped" // asked to stop (Ctrl-C, the stop button)
  | "objective" // the objective failed
  | "error"; // anything else went wrong (the run process could not start, the store could not be written)

/** Where and why a run failed; the place fields come from the objective's error. */
export interface RunErrorRecord {
  message: string;
  kind?: string;
  file?: string;
  line?: number;
  column?: number;
  iteration?: number;
  query?: number;
}

/** result.json, and the final message of a run. */
export interface RunResult {
  status: RunStatus;
  reason: StopReason;
  /** Undefined when the run ended before its folder existed (the objective could not be loaded). */
  runDir: string | undefined;
  /** Completed iterations (iterations 0 .. iterations - 1 are in the trace). */
  iterations: number;
  evaluations: number;
  bestValue: number;
  /** Iteration whose queries hold the best value, -1 when none. */
  bestIteration: number;
  /** Value logged at the last completed iteration (NaN when none). */
  finalValue: number;
  elapsedMs: number;
  /** ONNX provider the objective ran on, when it loaded a model. */
  provider: string | undefined;
  /** What the run kept its parameters and moments in (config.json's config.precision); absent when it ended before it started. */
  precision?: Precision;
  /** The objective's metrics of the final parameters, when it defines metrics(). */
  metrics?: Record<string, number>;
  error?: RunErrorRecord;
  finished: string;
}

/** A failed run with nothing completed; callers fill in what they know (folder, trace). */
export function failedRunResult(error: RunErrorRecord, fields: Partial<RunResult> = {}): RunResult {
  return {
    status: "failed",
    reason: "error",
    runDir: undefined,
    iterations: 0,
    evaluations: 0,
    bestValue: NaN,
    bestIteration: -1,
    finalValue: NaN,
    elapsedMs: 0,
    provider: undefined,
    error,
    finished: new Date().toISOString(),
    ...fields,
  };
}

/** A point and its value, e.g. the best point found. */
export interface MeasuredPoint {
  iteration: number;
  value: number;
  /** In the run's precision. */
  parameters: Vector;
}

/** What a dashboard shows of the optimizer, without the d-sized vectors. */
export interface InspectionSummary {
  name: string;
  iteration: number;
  dimension: number;
  config: OptimizerConfig;
  baseline: number;
  buffer: BufferEntry[];
  bufferCapacity: number;
  heldEstimates: { iteration: number; norm: number }[];
  last: TellResult | null;
  best: { value: number; iteration: number };
  norms: { theta: number; gradient: number; m: number; v: number };
  /** The first PARAMETER_PREVIEW coordinates of theta. */
  thetaHead: number[];
  /** CMA-ES optimizers: their search distribution. */
  search?: SearchInspection;
}

export type RunState = "running" | "paused" | "finished";

/** A progress event: at most 20 per second, and one at the end. */
export interface RunProgress {
  state: RunState;
  /** Completed iterations. */
  iteration: number;
  evaluations: number;
  /** Value logged at the last completed iteration (NaN before the first). */
  value: number;
  best: number;
  evaluationsPerSecond: number;
  elapsedMs: number;
  /** Estimated remaining time when an iteration, evaluation or time limit is set. */
  etaMs: number | undefined;
  /** Fraction of the nearest limit used, in [0, 1], when a limit is set. */
  fraction: number | undefined;
  /** Trace lines completed since the previous event, so a listener can keep the whole trace. */
  trace: TraceLine[];
  inspection: InspectionSummary;
  /** Who evaluates the queries (a queue and its workers); absent for local evaluation. */
  evaluator?: EvaluatorStatus;
}

/** What the run announces once its objective is loaded and its folder exists. */
export interface RunStarted {
  runDir: string;
  id: string;
  config: RunConfig;
  /** Iteration the run starts (or resumes) at. */
  iteration: number;
  resumed: boolean;
  provider: string | undefined;
  providerNote: string | undefined;
  /** Set when a resume could not use checkpoint.json and continued from the previous checkpoint: what happened. */
  checkpointFallback?: string;
  /** Who evaluates the queries; absent for local evaluation. */
  evaluator?: EvaluatorStatus;
}
