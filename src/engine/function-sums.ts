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

function levySum(x: Coordinates, from: number, to: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    a0 += levyTerm(x[i]);
    a1 += levyTerm(x[i + 1]);
    a2 += levyTerm(x[i + 2]);
    a3 += levyTerm(x[i + 3]);
  }
  if (i < to) a0 += levyTerm(x[i]);
  if (i + 1 < to) a1 += levyTerm(x[i + 1]);
  if (i + 2 < to) a2 += levyTerm(x[i + 2]);
  return a0 + a2 + (a1 + a3);
}

function rastriginSum(x: Coordinates, from: number, to: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    a0 += rastriginTerm(x[i]);
    a1 += rastriginTerm(x[i + 1]);
    a2 += rastriginTerm(x[i + 2]);
    a3 += rastriginTerm(x[i + 3]);
  }
  if (i < to) a0 += rastriginTerm(x[i]);
  if (i + 1 < to) a1 += rastriginTerm(x[i + 1]);
  if (i + 2 < to) a2 += rastriginTerm(x[i + 2]);
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

/** The sums of `name` over x[from, to) into out (out[0]; ackley's second sum in out[1]). */
export function scalarSums(name: SummedFunction, x: Coordinates, from: number, to: number, out: Float64Array): void {
  if (name === "levy") out[0] = levySum(x, from, to);
  else if (name === "rastrigin") out[0] = rastriginSum(x, from, to);
  else ackleySums(x, from, to, out);
}
