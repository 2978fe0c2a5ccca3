// Small Float64Array kernels shared by the engine. Plain indexed loops: V8
// compiles them to tight machine code, and none of them allocates.

/** Euclidean norm. */
export function norm2(x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return Math.sqrt(sum);
}

/** out += alpha * row, where row is x[offset .. offset + out.length). */
export function addScaledRow(out: Float64Array, alpha: number, x: Float64Array, offset: number): void {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] += alpha * x[offset + i];
}

/** Mean of values[start .. end). */
export function mean(values: ArrayLike<number>, start = 0, end = values.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += values[i];
  return sum / (end - start);
}

/** Copy of a number or per-coordinate array as a Float64Array of length d. */
export function broadcast(value: number | ArrayLike<number>, d: number): Float64Array {
  const out = new Float64Array(d);
  if (typeof value === "number") out.fill(value);
  else out.set(value);
  return out;
}

/**
 * out[i] = sum over rows k, in order, of weights[k] * x[k * d + i], with d = out.length.
 * Coordinate-major: each out[i] is written once.
 */
export function weightedRowSum(out: Float64Array, weights: ArrayLike<number>, rows: number, x: Float64Array): void {
  const d = out.length;
  for (let i = 0; i < d; i++) {
    let sum = 0;
    for (let k = 0; k < rows; k++) sum += weights[k] * x[k * d + i];
    out[i] = sum;
  }
}
