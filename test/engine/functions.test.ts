import { strict as assert } from "node:assert";
import { syntheticFunction, syntheticFunctionNames } from "../../src/engine";
import { cosine, sinSquared } from "../../src/engine/trig";
import { gaussianStart } from "./helpers";

// The bench's functions as they were written, one coordinate after another
// with Math.sin / Math.cos and Math.pow: the kernels and the four-lane sums
// must give the same values.
const TWO_PI = 2 * Math.PI;
const reference: Record<string, (x: Float64Array) => number> = {
  levy(x) {
    const d = x.length;
    const head = Math.sin(Math.PI * (1 + (x[0] - 1) / 4));
    let s = head * head;
    for (let i = 0; i < d - 1; i++) {
      const w = 1 + (x[i] - 1) / 4;
      const r = Math.sin(Math.PI * w + 1);
      s += (w - 1) * (w - 1) * (1 + 10 * r * r);
    }
    const wd = 1 + (x[d - 1] - 1) / 4;
    const tail = Math.sin(TWO_PI * wd);
    return s + (wd - 1) * (wd - 1) * (1 + tail * tail);
  },
  ackley(x) {
    const d = x.length;
    let squares = 0;
    let cosines = 0;
    for (let i = 0; i < d; i++) {
      squares += x[i] * x[i];
      cosines += Math.cos(TWO_PI * x[i]);
    }
    return -20 * Math.exp(-0.2 * Math.sqrt(squares / d)) - Math.exp(cosines / d) + 20 + Math.E;
  },
  rastrigin(x) {
    let s = 10 * x.length;
    for (let i = 0; i < x.length; i++) s += x[i] * x[i] - 10 * Math.cos(TWO_PI * x[i]);
    return s;
  },
  quadratic(x) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * x[i];
    return 0.5 * s;
  },
  sphere(x) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * x[i];
    return s;
  },
  rosenbrock(x) {
    let s = 0;
    for (let i = 0; i < x.length - 1; i++) {
      const a = x[i + 1] - x[i] * x[i];
      const b = 1 - x[i];
      s += 100 * a * a + b * b;
    }
    return s;
  },
  ellipsoid(x) {
    const d = x.length;
    let s = 0;
    const exponent = d > 1 ? 6 / (d - 1) : 0;
    for (let i = 0; i < d; i++) s += Math.pow(10, exponent * i) * x[i] * x[i];
    return s;
  },
};

/** Arguments spread over [-scale, scale], plus the multiples of pi/4 where the reduction changes quadrant. */
function argumentsUpTo(scale: number, count: number): number[] {
  const out: number[] = [];
  let s = 12345;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push((s / 2 ** 32 - 0.5) * 2 * scale);
  }
  for (let k = -64; k <= 64; k++) {
    const x = (k * Math.PI) / 4;
    out.push(x, x * (1 + 1e-15), x * (1 - 1e-15));
  }
  return out;
}

describe("bench function kernels", () => {
  it("sinSquared and cosine agree with Math.sin and Math.cos to a few ulps (absolute 1e-15) over [-1000, 1000], and beyond through Math itself", () => {
    for (const x of [...argumentsUpTo(1, 20000), ...argumentsUpTo(1000, 20000), 1e7, -3e9, 1e300, Infinity, NaN]) {
      const s = Math.sin(x);
      const wantedSquare = s * s;
      const wantedCos = Math.cos(x);
      if (Number.isNaN(wantedCos)) {
        assert.ok(Number.isNaN(sinSquared(x)) && Number.isNaN(cosine(x)), `x = ${x}`);
        continue;
      }
      assert.ok(Math.abs(sinSquared(x) - wantedSquare) <= 1e-15, `sin^2(${x}): ${sinSquared(x)} vs ${wantedSquare}`);
      assert.ok(Math.abs(cosine(x) - wantedCos) <= 1e-15, `cos(${x}): ${cosine(x)} vs ${wantedCos}`);
    }
  });

  it("sinSquared is relatively exact near its zeros (multiples of pi)", () => {
    for (let k = -50; k <= 50; k++) {
      const x = k * Math.PI + 1e-6;
      const wanted = Math.sin(x) ** 2;
      assert.ok(Math.abs(sinSquared(x) - wanted) <= 1e-9 * wanted, `x = ${x}: ${sinSquared(x)} vs ${wanted}`);
    }
  });

  for (const name of Object.keys(reference)) {
    it(`${name} gives the values of its one-coordinate-at-a-time form to 1e-12 relative, at d = 10^4 and at small d`, () => {
      const f = syntheticFunction(name);
      for (const [d, spread] of [[10000, 1], [10000, 30], [6, 2], [3, 1], [1, 5]] as const) {
        const x = gaussianStart(d, d + spread).map((v) => v * spread);
        // The value read from inside a larger array, as evaluateRows reads a row.
        const padded = new Float64Array(d + 7);
        padded.set(x, 5);
        const got = f.value(padded, 5, d);
        const wanted = reference[name](x);
        assert.ok(Math.abs(got - wanted) <= 1e-12 * Math.abs(wanted), `${name}, d = ${d}, spread ${spread}: ${got} vs ${wanted}`);
      }
    });
  }

  it("every function is compared above", () => {
    assert.deepEqual(syntheticFunctionNames().filter((n) => !(n in reference)), []);
  });
});
