// The estimators' direction sums, five directions per pass: the same bits as
// the plain loop over q that forms each sum from 0 in query order.
import assert from "node:assert/strict";
import { sumRowDirections, sumTileDirections } from "../../src/engine/row-sums";
import { gaussianStart } from "./helpers";

/** a[j] = sum_q w_q u_q[from + j], b[j] = sum_q u_q[from + j], one coordinate at a time. */
function plainSums(weights: Float64Array, count: number, direction: (q: number, i: number) => number, from: number, length: number): [Float64Array, Float64Array] {
  const a = new Float64Array(length);
  const b = new Float64Array(length);
  for (let j = 0; j < length; j++) {
    let y = 0;
    let s = 0;
    for (let q = 0; q < count; q++) {
      const u = direction(q, from + j);
      y += weights[q] * u;
      s += u;
    }
    a[j] = y;
    b[j] = s;
  }
  return [a, b];
}

describe("direction sums", () => {
  const d = 37;
  for (const precision of ["float64", "float32"] as const) {
    it(`from query rows (${precision}): every count 0..13 and span, the bits of the plain loop`, () => {
      for (let count = 0; count <= 13; count++) {
        const rows = count + 2;
        const points = precision === "float32" ? Float32Array.from(gaussianStart(rows * d, count)) : gaussianStart(rows * d, count);
        const theta = points.subarray(0, d);
        const inverseMu = 1 / 0.05;
        // Rows 1, 3, 5, ... as with antithetic pairs: the starts need not be consecutive.
        const starts = Int32Array.from({ length: count }, (_, q) => ((1 + 2 * q) % rows) * d);
        const weights = gaussianStart(count, 100 + count).map((w) => w * 1e3);
        for (const [from, length] of [[0, d], [5, 20], [36, 1]]) {
          const a = new Float64Array(length).fill(NaN);
          const b = new Float64Array(length).fill(NaN);
          sumRowDirections(a, b, weights, count, { points, starts, theta, inverseMu }, from, length);
          const [wantedA, wantedB] = plainSums(weights, count, (q, i) => (points[starts[q] + i] - theta[i]) * inverseMu, from, length);
          assert.deepEqual(a, wantedA, `count ${count}, from ${from}`);
          assert.deepEqual(b, wantedB, `count ${count}, from ${from}`);
        }
      }
    });
  }

  it("from a tile of regenerated directions: every count 0..13, the bits of the plain loop", () => {
    const stride = 40;
    for (let count = 0; count <= 13; count++) {
      const tile = gaussianStart(Math.max(1, count) * stride, count);
      const weights = gaussianStart(count, 200 + count);
      const a = new Float64Array(d).fill(NaN);
      const b = new Float64Array(d).fill(NaN);
      sumTileDirections(a, b, weights, count, tile, stride, d);
      const [wantedA, wantedB] = plainSums(weights, count, (q, i) => tile[q * stride + i], 0, d);
      assert.deepEqual(a, wantedA, `count ${count}`);
      assert.deepEqual(b, wantedB, `count ${count}`);
    }
  });
});
