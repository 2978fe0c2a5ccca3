// Weighted sums of an iteration's directions over a span of coordinates:
//   a[j] = sum_q w_q u_q[from + j],   b[j] = sum_q u_q[from + j],
// with the directions either recovered from query rows, u = (x - theta) / mu,
// or read from a tile of regenerated directions (tiles.ts). These are the
// estimators' hot loops.
//
// The span is walked once per group of five directions (then two, then
// one), each coordinate's sums read and written once per group: five times
// fewer passes than one per direction, and five independent loads per
// coordinate instead of a chain of additions waiting on each other (K = 10:
// three times faster than the loop over q per coordinate, measured). Each sum
// is still formed from 0 in query order, ((0 + w_0 u_0) + w_1 u_1) + ...,
// so the results are the bits of the plain loop over q.
import type { Vector } from "./precision";

/** Where an iteration's query rows are: direction q's row starts at starts[q] in points. */
export interface RowDirections {
  points: Vector;
  starts: Int32Array;
  theta: Vector;
  inverseMu: number;
}

/** a and b (see above) over coordinates [from, from + length) of directions q < count. */
export function sumRowDirections(a: Float64Array, b: Float64Array, weights: ArrayLike<number>, count: number, rows: RowDirections, from: number, length: number): void {
  if (count === 0) {
    a.fill(0, 0, length);
    b.fill(0, 0, length);
    return;
  }
  for (let q = 0; q < count; ) {
    const group = count - q >= 5 ? 5 : count - q >= 2 ? 2 : 1;
    if (group === 5) fiveRows(a, b, weights, q, rows, from, length);
    else if (group === 2) twoRows(a, b, weights, q, rows, from, length);
    else oneRow(a, b, weights, q, rows, from, length);
    q += group;
  }
}

function fiveRows(a: Float64Array, b: Float64Array, weights: ArrayLike<number>, q: number, rows: RowDirections, from: number, length: number): void {
  const { points, starts, theta, inverseMu } = rows;
  const w0 = weights[q];
  const w1 = weights[q + 1];
  const w2 = weights[q + 2];
  const w3 = weights[q + 3];
  const w4 = weights[q + 4];
  const p0 = starts[q] + from;
  const p1 = starts[q + 1] + from;
  const p2 = starts[q + 2] + from;
  const p3 = starts[q + 3] + from;
  const p4 = starts[q + 4] + from;
  const first = q === 0;
  for (let j = 0; j < length; j++) {
    const origin = theta[from + j];
    const u0 = (points[p0 + j] - origin) * inverseMu;
    const u1 = (points[p1 + j] - origin) * inverseMu;
    const u2 = (points[p2 + j] - origin) * inverseMu;
    const u3 = (points[p3 + j] - origin) * inverseMu;
    const u4 = (points[p4 + j] - origin) * inverseMu;
    a[j] = (first ? 0 : a[j]) + w0 * u0 + w1 * u1 + w2 * u2 + w3 * u3 + w4 * u4;
    b[j] = (first ? 0 : b[j]) + u0 + u1 + u2 + u3 + u4;
  }
}

function twoRows(a: Float64Array, b: Float64Array, weights: ArrayLike<number>, q: number, rows: RowDirections, from: number, length: number): void {
  const { points, starts, theta, inverseMu } = rows;
  const w0 = weights[q];
  const w1 = weights[q + 1];
  const p0 = starts[q] + from;
  const p1 = starts[q + 1] + from;
  const first = q === 0;
  for (let j = 0; j < length; j++) {
    const origin = theta[from + j];
    const u0 = (points[p0 + j] - origin) * inverseMu;
    const u1 = (points[p1 + j] - origin) * inverseMu;
    a[j] = (first ? 0 : a[j]) + w0 * u0 + w1 * u1;
    b[j] = (first ? 0 : b[j]) + u0 + u1;
  }
}

function oneRow(a: Float64Array, b: Float64Array, weights: ArrayLike<number>, q: number, rows: RowDirections, from: number, length: number): void {
  const { points, starts, theta, inverseMu } = rows;
  const w = weights[q];
  const p = starts[q] + from;
  const first = q === 0;
  for (let j = 0; j < length; j++) {
    const u = (points[p + j] - theta[from + j]) * inverseMu;
    a[j] = (first ? 0 : a[j]) + w * u;
    b[j] = (first ? 0 : b[j]) + u;
  }
}

/** a and b over the first `length` coordinates of a tile: direction q's are tile[q * stride ..]. */
export function sumTileDirections(a: Float64Array, b: Float64Array, weights: ArrayLike<number>, count: number, tile: Float64Array, stride: number, length: number): void {
  if (count === 0) {
    a.fill(0, 0, length);
    b.fill(0, 0, length);
    return;
  }
  for (let q = 0; q < count; ) {
    const group = count - q >= 5 ? 5 : count - q >= 2 ? 2 : 1;
    if (group === 5) fiveTiles(a, b, weights, q, tile, stride, length);
    else if (group === 2) twoTiles(a, b, weights, q, tile, stride, length);
    else oneTile(a, b, weights, q, tile, stride, length);
    q += group;
  }
}

function fiveTiles(a: Float64Array, b: Float64Array, weights: ArrayLike<number>, q: number, tile: Float64Array, stride: number, length: number): void {
  const w0 = weights[q];
  const w1 = weights[q + 1];
  const w2 = weights[q + 2];
  const w3 = weights[q + 3];
  const w4 = weights[q + 4];
  const t0 = q * stride;
  const t1 = t0 + stride;
  const t2 = t1 + stride;
  const t3 = t2 + stride;
  const t4 = t3 + stride;
  const first = q === 0;
  for (let j = 0; j < length; j++) {
    const u0 = tile[t0 + j];
    const u1 = tile[t1 + j];
    const u2 = tile[t2 + j];
    const u3 = tile[t3 + j];
    const u4 = tile[t4 + j];
    a[j] = (first ? 0 : a[j]) + w0 * u0 + w1 * u1 + w2 * u2 + w3 * u3 + w4 * u4;
    b[j] = (first ? 0 : b[j]) + u0 + u1 + u2 + u3 + u4;
  }
}

function twoTiles(a: Float64Array, b: Float64Array, weights: ArrayLike<number>, q: number, tile: Float64Array, stride: number, length: number): void {
  const w0 = weights[q];
  const w1 = weights[q + 1];
  const t0 = q * stride;
  const t1 = t0 + stride;
  const first = q === 0;
  for (let j = 0; j < length; j++) {
    const u0 = tile[t0 + j];
    const u1 = tile[t1 + j];
    a[j] = (first ? 0 : a[j]) + w0 * u0 + w1 * u1;
    b[j] = (first ? 0 : b[j]) + u0 + u1;
  }
}

function oneTile(a: Float64Array, b: Float64Array, weights: ArrayLike<number>, q: number, tile: Float64Array, stride: number, length: number): void {
  const w = weights[q];
  const t = q * stride;
  const first = q === 0;
  for (let j = 0; j < length; j++) {
    const u = tile[t + j];
    a[j] = (first ? 0 : a[j]) + w * u;
    b[j] = (first ? 0 : b[j]) + u;
  }
}
