// The one place a run chooses who evaluates its queries: the local objective
// worker, or zoar workers behind a Redis queue.
import type { BatchEvaluator } from "../objective/batch-evaluator";
import { ObjectiveEvaluator, type ObjectiveEvaluatorOptions } from "../objective/evaluator";

export interface EvaluatorChoice extends ObjectiveEvaluatorOptions {
  /** redis:// or rediss:// URL; absent: evaluate locally. */
  queue?: string;
  /** The run's id, for the queue's job names and workers' messages. */
  runId: string;
}

export async function openEvaluator(file: string, choice: EvaluatorChoice): Promise<BatchEvaluator> {
  const { queue, runId, ...options } = choice;
  if (!queue) return ObjectiveEvaluator.open(file, options);
  // BullMQ and ioredis (20 MB resident) load only for runs that use a queue.
  const { QueueEvaluator } = await import("../distributed/queue-evaluator");
  return float64Points(await QueueEvaluator.open(file, { ...options, queue, runId }));
}

/**
 * Queue workers read points as float64: the rows of a float32 run are
 * widened (exactly) on their way there.
 */
function float64Points(evaluator: BatchEvaluator): BatchEvaluator {
  const widen = (x: Float64Array | Float32Array) => (x instanceof Float32Array ? Float64Array.from(x) : x);
  return {
    get info() {
      return evaluator.info;
    },
    usesRecipes: evaluator.usesRecipes,
    evaluateBatch: (points, rows, iteration, recipe) => evaluator.evaluateBatch(widen(points), rows, iteration, recipe),
    metrics: (theta, iteration) => evaluator.metrics(widen(theta), iteration),
    close: () => evaluator.close(),
    ...(evaluator.status ? { status: () => evaluator.status!() } : {}),
    ...(evaluator.onStatusChange ? { onStatusChange: (listener: () => void) => evaluator.onStatusChange!(listener) } : {}),
  };
}
