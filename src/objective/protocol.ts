/**
 * Host <-> objective worker protocol. Points and values travel in
 * SharedArrayBuffers; per batch the host posts one small "batch" message and
 * the worker answers success by bumping a shared counter (Atomics.notify), which
 * the host awaits with Atomics.waitAsync. A message back costs several times
 * more than that on the host's event loop, so only failures are posted.
 */
import type { ObjectivePrecision, OptimizerDefaults } from "./definition";
import type { ObjectiveFailure } from "./errors";
import type { ParameterSpace } from "./parameters";
import type { OnnxProviderPreference } from "./runtime-context";

export type NonFinitePolicy = "fail" | "skip";

export interface WorkerStartData {
  objectiveFile: string;
  code: string;
  bundleSources: string[];
  userSources: string[];
  provider: OnnxProviderPreference | undefined;
  onnxRuntimeDir: string | undefined;
  nonFinite: NonFinitePolicy;
  /** The run's seed: with the iteration it makes each evaluation context (definition.ts, evaluationContext). */
  runSeed: number;
  /** Int32Array view, indexed by CONTROL. */
  control: SharedArrayBuffer;
}

export const CONTROL = {
  /** Sequence number of the last batch the worker finished successfully. */
  done: 0,
  /** Query being evaluated (-1 while evaluateBatch runs), so a timeout can say which. */
  query: 1,
  length: 2,
} as const;

/** Shared arrays of one capacity (rows); replaced by larger ones when a batch needs more. */
export interface BatchBuffers {
  capacity: number;
  /** The element type of `points`: the run's precision. */
  precision: ObjectivePrecision;
  /** Float64Array or Float32Array (precision), capacity * dimension, row-major. */
  points: SharedArrayBuffer;
  /** Float64Array, capacity. */
  values: SharedArrayBuffer;
  /** Uint8Array, capacity: a ValueStatus per value. */
  statuses: SharedArrayBuffer;
}

export type HostMessage =
  | {
      type: "batch";
      seq: number;
      rows: number;
      iteration: number;
      buffers?: BatchBuffers;
    }
  /** The objective's metrics of theta; rare, so theta travels in the message. */
  | { type: "metrics"; seq: number; iteration: number; theta: Float64Array | Float32Array }
  /** The run is over: end by closing the port, so everything the objective printed reaches the host first. */
  | { type: "close" };

export interface ObjectiveInfoMessage {
  name: string;
  description: string | undefined;
  dimension: number;
  initial: Float64Array;
  bounds: { lower: Float64Array; upper: Float64Array } | undefined;
  /** Named parameters; the points are then their normalised coordinates. */
  parameters: ParameterSpace | undefined;
  /** The precision the objective declares (its rows' type). */
  precision: ObjectivePrecision;
  provider: string | undefined;
  providerNote: string | undefined;
  /** Whether the objective defines metrics(), and how often it asks for them. */
  hasMetrics: boolean;
  metricsEvery: number;
  /** The objective's recommended settings per optimizer (definition.ts, OptimizerDefaults). */
  optimizerDefaults: OptimizerDefaults;
}

export type WorkerMessage =
  | { type: "metrics"; seq: number; metrics: Record<string, number> }
  | { type: "ready"; info: ObjectiveInfoMessage }
  | { type: "failed"; failure: ObjectiveFailure }
  | { type: "provider"; provider: string; providerNote: string | undefined }
  /** Sent just before the objective's process.exit takes the worker down. */
  | { type: "exit-called"; code: number; stack: string | undefined };

/** Why a value was skipped (policy "skip"); 0 means it is a finite number. */
export const VALUE_STATUS = ["ok", "NaN", "Infinity", "-Infinity", "not a number"] as const;
export type ValueStatus = (typeof VALUE_STATUS)[number];

export function valueStatus(value: unknown): number {
  if (typeof value !== "number") return 4;
  if (Number.isFinite(value)) return 0;
  if (Number.isNaN(value)) return 1;
  return value > 0 ? 2 : 3;
}
