// The one place a run chooses who evaluates its queries: the local objective
// worker, or zoar workers behind a Redis queue.
import { QueueEvaluator } from "../distributed/queue-evaluator";
import type { BatchEvaluator } from "../objective/batch-evaluator";
import { ObjectiveEvaluator, type ObjectiveEvaluatorOptions } from "../objective/evaluator";

export interface EvaluatorChoice extends ObjectiveEvaluatorOptions {
  /** redis:// or rediss:// URL; absent: evaluate locally. */
  queue?: string;
  /** The run's id, for the queue's job names and workers' messages. */
  runId: string;
}

export function openEvaluator(file: string, choice: EvaluatorChoice): Promise<BatchEvaluator> {
  const { queue, runId, ...options } = choice;
  return queue ? QueueEvaluator.open(file, { ...options, queue, runId }) : ObjectiveEvaluator.open(file, options);
}
