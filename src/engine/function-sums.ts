// The sums over the coordinates of the bench's trigonometric functions, in
// the order of their WebAssembly kernel (src/engine/kernels/functions.ts):
// coordinate i of [from, to) goes into lane (i - from) mod 4, and the lanes
// are combined as (l0 + l2) + (l1 + l3). Each term is the kernel's sequence
// of operations, so both give the same bits; this is the kernel's reference
// and the path where WebAssembly SIMD cannot run. Four lanes also break the
// one long chain of additions, which is most of a scalar loop's time.
import { cosine, sinSquared } from "./trig";

const TWO_PI = 2 * Math.PI;

/** A row's coordinates: a Float64Array or, promoted exactly, a Float32Array. */
export type Coordinates = Float64Array | Float32Array;

/** The functions whose sums the kernel computes; ackley has two sums (squares, cosines). */
export type SummedFunction = "levy" | "ackley" | "rastrigin";

/** levy's term of coordinate x: (w - 1)^2 (1 + 10 sin^2(pi w + 1)), w = 1 + (x - 1) / 4. */
function levyTerm(x: number): number {
  const w = 1 + (x - 1) * 0.25;
  const f = sinSquared(Math.PI * w + 1);
  return (w - 1) * (w - 1) * (1 + 10 * f);
}

function rastriginTerm(x: number): number {
  return x * x - 10 * cosine(TWO_PI * x);
}

/**
 * The sum of term(x_i) over [from, to) in the kernel's four lanes. It serves
 * levy and rastrigin where the kernel cannot run, so one loop is enough; the
 * polynomial functions below, which have no kernel, keep a loop each.
 */
function laneSum(term: (x: number) => number, x: Coordinates, from: number, to: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    a0 += term(x[i]);
    a1 += term(x[i + 1]);
    a2 += term(x[i + 2]);
    a3 += term(x[i + 3]);
  }
  if (i < to) a0 += term(x[i]);
  if (i + 1 < to) a1 += term(x[i + 1]);
  if (i + 2 < to) a2 += term(x[i + 2]);
  return a0 + a2 + (a1 + a3);
}

/** ackley's sums of x^2 (out[0]) and cos(2 pi x) (out[1]). */
function ackleySums(x: Coordinates, from: number, to: number, out: Float64Array): void {
  const squares = [0, 0, 0, 0];
  const cosines = [0, 0, 0, 0];
  for (let i = from; i < to; i++) {
    const lane = (i - from) & 3;
    const v = x[i];
    squares[lane] += v * v;
    cosines[lane] += cosine(TWO_PI * v);
  }
  out[0] = squares[0] + squares[2] + (squares[1] + squares[3]);
  out[1] = cosines[0] + cosines[2] + (cosines[1] + cosines[3]);
}

// The polynomial functions run no kernel (their loops are a few flops per
// number read), but they sum in four lanes too: one chain of additions is
// bound by the adder's latency, four are not.

/** sum of x_i^2 over [from, to), in four lanes. */
export function sumOfSquares(x: Coordinates, from: number, to: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    const x0 = x[i];
    const x1 = x[i + 1];
    const x2 = x[i + 2];
    const x3 = x[i + 3];
    a0 += x0 * x0;
    a1 += x1 * x1;
    a2 += x2 * x2;
    a3 += x3 * x3;
  }
  if (i < to) a0 += x[i] * x[i];
  if (i + 1 < to) a1 += x[i + 1] * x[i + 1];
  if (i + 2 < to) a2 += x[i + 2] * x[i + 2];
  return a0 + a2 + (a1 + a3);
}

/** sum of w_i x_{o+i}^2 over i in [0, d), in four lanes. */
export function weightedSumOfSquares(w: Float64Array, x: Coordinates, o: number, d: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let i = 0;
  for (; i + 4 <= d; i += 4) {
    const x0 = x[o + i];
    const x1 = x[o + i + 1];
    const x2 = x[o + i + 2];
    const x3 = x[o + i + 3];
    a0 += w[i] * x0 * x0;
    a1 += w[i + 1] * x1 * x1;
    a2 += w[i + 2] * x2 * x2;
    a3 += w[i + 3] * x3 * x3;
  }
  if (i < d) a0 += w[i] * x[o + i] * x[o + i];
  if (i + 1 < d) a1 += w[i + 1] * x[o + i + 1] * x[o + i + 1];
  if (i + 2 < d) a2 += w[i + 2] * x[o + i + 2] * x[o + i + 2];
  return a0 + a2 + (a1 + a3);
}

/** rosenbrock's term of coordinates (x, next): 100 (next - x^2)^2 + (1 - x)^2. */
function rosenbrockTerm(x: number, next: number): number {
  const a = next - x * x;
  const b = 1 - x;
  return 100 * a * a + b * b;
}

/** The sum of rosenbrock's terms for i in [from, to) (each reads x[i] and x[i + 1]), in four lanes. */
export function rosenbrockSum(x: Coordinates, from: number, to: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    a0 += rosenbrockTerm(x[i], x[i + 1]);
    a1 += rosenbrockTerm(x[i + 1], x[i + 2]);
    a2 += rosenbrockTerm(x[i + 2], x[i + 3]);
    a3 += rosenbrockTerm(x[i + 3], x[i + 4]);
  }
  if (i < to) a0 += rosenbrockTerm(x[i], x[i + 1]);
  if (i + 1 < to) a1 += rosenbrockTerm(x[i + 1], x[i + 2]);
  if (i + 2 < to) a2 += rosenbrockTerm(x[i + 2], x[i + 3]);
  return a0 + a2 + (a1 + a3);
}

/** The sums of `name` over x[from, to) into out (out[0]; ackley's second sum in out[1]). */
export function scalarSums(name: SummedFunction, x: Coordinates, from: number, to: number, out: Float64Array): void {
  if (name === "levy") out[0] = laneSum(levyTerm, x, from, to);
  else if (name === "rastrigin") out[0] = laneSum(rastriginTerm, x, from, to);
  else ackleySums(x, from, to, out);
}
