// Synthetic test functions, all minimised. The first four are the ZoAR
// paper's benchmark (ALGORITHMS.md); the rest are classics.
import { type Coordinates, type SummedFunction, rosenbrockSum, scalarSums, sumOfSquares, weightedSumOfSquares } from "./function-sums";
import { functionKernels } from "./kernels/functions";
import { Rng, initialPointSeed } from "./random";

export interface SyntheticFunction {
  name: string;
  /** Where the minimum (value 0) is. */
  minimum: string;
  value(x: Float64Array | Float32Array, offset: number, d: number): number;
}

const TWO_PI = 2 * Math.PI;

const FUNCTIONS: SyntheticFunction[] = [
  {
    name: "quadratic",
    minimum: "x = 0",
    value(x, o, d) {
      return 0.5 * sumOfSquares(x, o, o + d);
    },
  },
  {
    name: "levy",
    minimum: "x = 1",
    value(x, o, d) {
      const w1 = 1 + (x[o] - 1) / 4;
      const head = Math.sin(Math.PI * w1);
      const wd = 1 + (x[o + d - 1] - 1) / 4;
      const tail = Math.sin(TWO_PI * wd);
      return head * head + sums("levy", x, o, o + d - 1)[0] + (wd - 1) * (wd - 1) * (1 + tail * tail);
    },
  },
  {
    name: "rosenbrock",
    minimum: "x = 1",
    value(x, o, d) {
      return rosenbrockSum(x, o, o + d - 1);
    },
  },
  {
    name: "ackley",
    minimum: "x = 0",
    value(x, o, d) {
      const both = sums("ackley", x, o, o + d);
      const squares = both[0];
      const cosines = both[1];
      return -20 * Math.exp(-0.2 * Math.sqrt(squares / d)) - Math.exp(cosines / d) + 20 + Math.E;
    },
  },
  {
    name: "sphere",
    minimum: "x = 0",
    value(x, o, d) {
      return sumOfSquares(x, o, o + d);
    },
  },
  {
    name: "rastrigin",
    minimum: "x = 0",
    value(x, o, d) {
      return 10 * d + sums("rastrigin", x, o, o + d)[0];
    },
  },
  {
    name: "ellipsoid",
    minimum: "x = 0",
    value(x, o, d) {
      // Condition number 10^6: coordinate i is weighted by 10^(6 i / (d - 1)).
      return weightedSumOfSquares(ellipsoidWeights(d), x, o, d);
    },
  },
];

/** Below this many coordinates a call into the kernel costs more than it saves (the bits are the same). */
const KERNEL_MIN_COORDINATES = 32;
const sumsOut = new Float64Array(2);

/** The sums of a trigonometric function's terms over x[from, to), by its kernel where it runs. */
function sums(name: SummedFunction, x: Coordinates, from: number, to: number): Float64Array {
  const kernels = to - from >= KERNEL_MIN_COORDINATES ? functionKernels() : null;
  if (kernels) kernels.sum(name, x, from, to, sumsOut);
  else scalarSums(name, x, from, to, sumsOut);
  return sumsOut;
}

/** The ellipsoid's weights for the last dimension asked (the K+1 rows of an iteration share them). */
let ellipsoidCache = new Float64Array(0);
function ellipsoidWeights(d: number): Float64Array {
  if (ellipsoidCache.length !== d) {
    const exponent = d > 1 ? 6 / (d - 1) : 0;
    ellipsoidCache = new Float64Array(d);
    for (let i = 0; i < d; i++) ellipsoidCache[i] = Math.pow(10, exponent * i);
  }
  return ellipsoidCache;
}

export function syntheticFunctionNames(): string[] {
  return FUNCTIONS.map((f) => f.name);
}

export function syntheticFunction(name: string): SyntheticFunction {
  const f = FUNCTIONS.find((candidate) => candidate.name === name);
  if (!f) throw new Error(`unknown function "${name}" (known: ${syntheticFunctionNames().join(", ")})`);
  return f;
}

/** Evaluate every row of a row-major batch. */
export function evaluateRows(f: SyntheticFunction, points: Float64Array | Float32Array, rows: number, d: number, out: Float64Array): Float64Array {
  for (let r = 0; r < rows; r++) out[r] = f.value(points, r * d, d);
  return out;
}

/** The paper's starting point: x0 ~ N(0, I) from the seed, the same for every optimizer. */
export function standardNormalStart(d: number, seed: number): Float64Array {
  const x = new Float64Array(d);
  new Rng(initialPointSeed(seed)).fillNormal(x, 0, d);
  return x;
}
