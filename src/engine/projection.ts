// Box bounds, applied by projection (clamping) after each update.
import type { Vector } from "./precision";

export interface Box {
  lower: Float64Array;
  upper: Float64Array;
}

export function project(theta: Vector, box: Box | null): void {
  if (!box) return;
  const { lower, upper } = box;
  for (let i = 0; i < theta.length; i++) {
    if (theta[i] < lower[i]) theta[i] = lower[i];
    else if (theta[i] > upper[i]) theta[i] = upper[i];
  }
}
