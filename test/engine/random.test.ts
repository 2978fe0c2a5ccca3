import assert from "node:assert/strict";
import { Rng, directionSeed, standardNormalStart } from "../../src/engine";

describe("random", () => {
  it("direction seeds are a pure function of (seed, iteration, index), distinct across all three", () => {
    assert.equal(directionSeed(1, 2, 3), directionSeed(1, 2, 3));
    const seen = new Set<number>();
    for (let s = 0; s < 4; s++) for (let t = 0; t < 50; t++) for (let k = 0; k < 10; k++) seen.add(directionSeed(s, t, k));
    assert.equal(seen.size, 2000);
  });

  it("normal draws have the moments and tails of N(0, 1)", () => {
    const n = 400000;
    const x = new Float64Array(n);
    new Rng(2024).fillNormal(x, 0, n);
    let mean = 0;
    for (const v of x) mean += v;
    mean /= n;
    let variance = 0;
    let fourth = 0;
    let beyond2 = 0;
    for (const v of x) {
      variance += (v - mean) ** 2;
      fourth += (v - mean) ** 4;
      if (Math.abs(v) > 2) beyond2++;
    }
    variance /= n;
    assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.01, `variance ${variance}`);
    assert.ok(Math.abs(fourth / n / variance ** 2 - 3) < 0.05, "kurtosis");
    // P(|X| > 2) = 0.0455; standard error about 0.00033.
    assert.ok(Math.abs(beyond2 / n - 0.0455) < 0.0017, `tail ${beyond2 / n}`);
  });

  it("fillNormal and normal() draw the same stream", () => {
    const a = new Float64Array(1000);
    new Rng(9).fillNormal(a, 0, 1000);
    const rng = new Rng(9);
    assert.deepEqual([...a], Array.from({ length: 1000 }, () => rng.normal()));
  });

  it("the paper's starting point depends only on the seed", () => {
    assert.deepEqual(standardNormalStart(10, 456), standardNormalStart(10, 456));
    assert.notDeepEqual(standardNormalStart(10, 456), standardNormalStart(10, 457));
  });
});
