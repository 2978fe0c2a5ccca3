// What a run needs from whatever evaluates its queries: the local objective
// worker (evaluator.ts) or a queue of remote workers (src/distributed).
import type { QueryRecipe } from "../engine";
import type { ObjectiveInfo } from "./evaluator";

/** How queries are being evaluated, for progress lines and the dashboard header. */
export interface EvaluatorStatus {
  /** "local", or "queue redis://host:port" (never a password). */
  label: string;
  /** Worker processes connected to the queue; absent for local evaluation. */
  workers?: number;
  /** The batch in progress has queries that no worker has taken yet, and no worker is connected. */
  waitingForWorkers?: boolean;
}

export interface BatchEvaluator {
  readonly info: ObjectiveInfo;
  /** Whether evaluateBatch reads a recipe (absent: never, so the run does not describe its batches). */
  readonly usesRecipes?: boolean;
  /**
   * Values of `rows` points laid out row-major in `points` (either precision), in row order; `iteration` labels errors.
   * `recipe`, when the engine built the rows from seeds, lets a remote evaluator send theta instead of the points;
   * it is passed only to evaluators that say `usesRecipes`.
   */
  evaluateBatch(points: Float64Array | Float32Array, rows: number, iteration: number, recipe?: QueryRecipe | null): Promise<Float64Array>;
  /** The objective's metrics() of `theta` with iteration `iteration`'s context; rejects when it defines none. */
  metrics(theta: Float64Array | Float32Array, iteration: number): Promise<Record<string, number>>;
  /** Ends evaluation; a batch still running rejects. Safe to call more than once. */
  close(): Promise<void>;
  /** Absent: local evaluation. */
  status?(): EvaluatorStatus;
  /** Calls `listener` when status() changes (workers come and go); returns the function that stops listening. */
  onStatusChange?(listener: () => void): () => void;
}

/** `queue redis://host:port, 6 workers`, or the label alone for local evaluation. */
export function describeEvaluator(status: EvaluatorStatus): string {
  if (status.workers === undefined) return status.label;
  return `${status.label}, ${status.workers} worker${status.workers === 1 ? "" : "s"}`;
}
