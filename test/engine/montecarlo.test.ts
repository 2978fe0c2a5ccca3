// Monte-Carlo checks of unbiasedness on the quadratic 0.5 ||x||^2, whose
// smoothed gradient is theta itself.
import assert from "node:assert/strict";
import { createOptimizer } from "../../src/engine";
import { runOn } from "./helpers";

/** Mean of `draws` estimates at a fixed theta (a step size of 1e-300 leaves theta unchanged). */
function meanEstimate(name: string, theta: Float64Array, draws: number): Float64Array {
  const optimizer = createOptimizer(name, { update: "sgd", lr: 1e-300 }, { initial: theta, seed: 42 });
  const sum = new Float64Array(theta.length);
  for (let t = 0; t < draws; t++) {
    runOn(optimizer, "quadratic", 1);
    const g = optimizer.inspect().gradient;
    for (let i = 0; i < g.length; i++) sum[i] += g[i];
  }
  assert.deepEqual([...optimizer.parameters], [...theta]);
  return sum.map((x) => x / draws);
}

describe("Monte-Carlo", () => {
  const theta = Float64Array.of(1, -2, 0.5, 3, -1);
  const draws = 20000;
  // Per-coordinate standard error of a K = 10 vanilla estimate's mean: about |theta| / sqrt(K * draws).
  const tolerance = 5 * (Math.hypot(...theta) / Math.sqrt(10 * draws));

  it("the mean of many vanilla estimates is theta", () => {
    const mean = meanEstimate("vanilla", theta, draws);
    mean.forEach((x, i) => assert.ok(Math.abs(x - theta[i]) < tolerance, `coordinate ${i}: ${x} vs ${theta[i]} (tolerance ${tolerance})`));
  });

  it("the mean of many average-baseline estimates is (1 - 1/K) theta", () => {
    const mean = meanEstimate("zoar-0", theta, draws);
    mean.forEach((x, i) => assert.ok(Math.abs(x - 0.9 * theta[i]) < tolerance, `coordinate ${i}: ${x} vs ${0.9 * theta[i]}`));
    // And it is measurably not theta on the largest coordinate: the bias is real.
    assert.ok(Math.abs(mean[3] - theta[3]) > tolerance);
  });
});
