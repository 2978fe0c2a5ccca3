// Small vector kernels shared by the engine. Plain indexed loops: V8
// compiles them to tight machine code, and none of them allocates. A run
// process keeps one precision, so each loop sees one array type.
import type { Vector } from "./precision";
import { type RowDirections, sumRowDirections } from "./row-sums";

/** Euclidean norm. */
export function norm2(x: Vector): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return Math.sqrt(sum);
}

/** Squared Euclidean distance between x and y. */
export function squaredDistance(x: Vector, y: Vector): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] - y[i]) * (x[i] - y[i]);
  return sum;
}

/** out += alpha * row, where row is x[offset .. offset + out.length). */
export function addScaledRow(out: Vector, alpha: number, x: Vector, offset: number): void {
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

/** The rows of a QueryBatch that carry directions (see estimators/types.ts). */
export interface DirectionRows {
  points: Vector;
  firstRow: number;
  stride: number;
  theta: Vector;
  inverseMu: number;
}

/** Coordinates per span of addWeightedDirections: its sums stay in L1. */
const SPAN = 1024;
const spanSums = new Float64Array(SPAN);
/** The plain sums row-sums.ts forms alongside; unused here. */
const spanPlain = new Float64Array(SPAN);
let spanStarts = new Int32Array(0);

/**
 * out[i] += sum over k < count, in order, of weights[k] * u_k[i], where
 * u_k = (x_k - theta) / mu is direction k recovered from its query row.
 * Each out[i] is written once (row-sums.ts forms the sums a span at a time).
 */
export function addWeightedDirections(out: Vector, weights: ArrayLike<number>, count: number, rows: DirectionRows): void {
  const d = out.length;
  const { points, firstRow, stride, theta, inverseMu } = rows;
  if (spanStarts.length < count) spanStarts = new Int32Array(count);
  for (let k = 0; k < count; k++) spanStarts[k] = (firstRow + k * stride) * d;
  const directions: RowDirections = { points, starts: spanStarts, theta, inverseMu };
  for (let from = 0; from < d; from += SPAN) {
    const length = Math.min(SPAN, d - from);
    sumRowDirections(spanSums, spanPlain, weights, count, directions, from, length);
    for (let j = 0; j < length; j++) out[from + j] += spanSums[j];
  }
}
