// The best point evaluated so far: every optimizer keeps one, the same way.
import type { Vector } from "./precision";

export interface BestPoint {
  value: number;
  iteration: number;
  point: Vector;
}

/** Moves `best` to the lowest of a batch's values, if it improves on it; `points` holds the batch's rows row-major. */
export function recordBest(best: BestPoint, values: ArrayLike<number>, points: Vector, rows: number, iteration: number): void {
  let bestRow = -1;
  for (let q = 0; q < rows; q++) {
    if (values[q] < (bestRow >= 0 ? values[bestRow] : best.value)) bestRow = q;
  }
  if (bestRow < 0) return;
  const d = best.point.length;
  best.value = values[bestRow];
  best.iteration = iteration;
  best.point.set(points.subarray(bestRow * d, (bestRow + 1) * d));
}
