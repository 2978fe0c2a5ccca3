// Update rules: the checkable facts of ALGORITHMS.md, "Update rules".
import assert from "node:assert/strict";
import { DEFAULT_CONFIG, type OptimizerConfig, createOptimizer, resolveConfig } from "../../src/engine";
import { applyUpdate, initMoments } from "../../src/engine/updates";
import { gaussianStart, runOn } from "./helpers";

function firstStep(overrides: Partial<OptimizerConfig>, g: number[]): Float64Array {
  const config = resolveConfig({ lr: 0.001, ...overrides });
  const theta = new Float64Array(g.length);
  applyUpdate(config, initMoments(config, g.length), theta, Float64Array.from(g));
  return theta;
}

/** |a - b| <= relative * |b| */
function near(a: number, b: number, relative: number): boolean {
  return Math.abs(a - b) <= relative * Math.abs(b);
}

describe("update rules", () => {
  const g = [0.3, -2, 1e-3, 50];

  it("radazo's first step moves every coordinate by eta / sqrt(1 - b2)", () => {
    for (const [beta2, factor] of [[0.99, 10], [0.999, Math.sqrt(1000)]]) {
      const step = firstStep({ update: "radazo", beta2, eps: 1e-12 }, g);
      step.forEach((s, i) => assert.ok(near(Math.abs(s), 0.001 * factor, 1e-6), `b2=${beta2} coordinate ${i}: ${s}`));
      step.forEach((s, i) => assert.equal(Math.sign(s), -Math.sign(g[i])));
    }
  });

  it("radazo's first step through the optimizer: exactly 10 eta per moved coordinate (b2 = 0.99)", () => {
    const optimizer = createOptimizer("zoar", { eps: 0 , epsInsideSqrt: true }, { initial: gaussianStart(30, 1), seed: 3 });
    const before = optimizer.parameters;
    runOn(optimizer, "rosenbrock", 1);
    const after = optimizer.parameters;
    for (let i = 0; i < 30; i++) assert.ok(near(Math.abs(after[i] - before[i]), 0.01, 1e-12), `coordinate ${i}`);
  });

  it("adam without bias correction moves each coordinate by eta at the first step", () => {
    const step = firstStep({ update: "adam", eps: 1e-12 }, g);
    step.forEach((s, i) => assert.ok(near(Math.abs(s), 0.001 * 0.1 / Math.sqrt(0.01), 1e-6), `coordinate ${i}: ${s}`));
    step.forEach((s) => assert.ok(near(Math.abs(s), 0.001, 1e-6)));
  });

  it("adam with bias correction also moves by eta at the first step, and amsgrad keeps the larger v", () => {
    const corrected = firstStep({ update: "adam", biasCorrection: true, eps: 1e-12 }, g);
    corrected.forEach((s) => assert.ok(near(Math.abs(s), 0.001, 1e-6)));
    const config = resolveConfig({ update: "adam", amsgrad: true });
    const state = initMoments(config, 1);
    const theta = new Float64Array(1);
    applyUpdate(config, state, theta, Float64Array.of(10));
    const peak = state.vMax[0];
    applyUpdate(config, state, theta, Float64Array.of(0));
    assert.equal(state.vMax[0], peak);
    assert.ok(state.v[0] < peak);
  });

  it("with a constant gradient the radazo step tends to eta * sign(g)", () => {
    const config = resolveConfig({ update: "radazo" });
    const state = initMoments(config, g.length);
    const theta = new Float64Array(g.length);
    let previous = theta.slice();
    for (let t = 0; t < 3000; t++) {
      previous = theta.slice();
      applyUpdate(config, state, theta, Float64Array.from(g));
    }
    theta.forEach((x, i) => assert.ok(near(previous[i] - x, 0.001 * Math.sign(g[i]), 1e-3), `coordinate ${i}: ${previous[i] - x}`));
  });

  it("sgd steps by eta * g; momentum warm-up uses v = 1", () => {
    firstStep({ update: "sgd" }, g).forEach((s, i) => assert.equal(s, -0.001 * g[i]));
    const warm = firstStep({ update: "radazo", momentumWarmup: 2, eps: 0, epsInsideSqrt: true }, g);
    warm.forEach((s, i) => assert.ok(near(s, -0.001 * 0.1 * g[i], 1e-12)));
  });

  it("eps inside the root differs from eps outside it", () => {
    const inside = firstStep({ update: "adam", eps: 1e-4, epsInsideSqrt: true }, [1e-3]);
    const outside = firstStep({ update: "adam", eps: 1e-4 }, [1e-3]);
    assert.ok(near(inside[0], -0.001 * 1e-4 / Math.sqrt(1e-8 + 1e-4), 1e-12));
    assert.ok(near(outside[0], -0.001 * 1e-4 / (1e-4 + 1e-4), 1e-12));
  });

  it("box bounds are applied by projection", () => {
    const optimizer = createOptimizer("zo-sgd", { lr: 10 }, { initial: new Float64Array(5).fill(0.5), bounds: { lower: 0.4, upper: [1, 1, 1, 1, 0.6] }, seed: 2 });
    runOn(optimizer, "quadratic", 20);
    optimizer.parameters.forEach((x, i) => assert.ok(x >= 0.4 && x <= (i === 4 ? 0.6 : 1), `coordinate ${i}: ${x}`));
    assert.ok(optimizer.parameters.some((x) => x === 0.4));
  });

  it("adam and radazo without options give the bits of the rule written out, over many steps", () => {
    for (const update of ["adam", "radazo"] as const) {
      const config = resolveConfig({ update, lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-8 });
      const d = 50;
      const state = initMoments(config, d);
      const theta = gaussianStart(d, 1);
      const m = new Float64Array(d);
      const v = new Float64Array(d);
      const wanted = theta.slice();
      for (let t = 0; t < 20; t++) {
        const g = gaussianStart(d, 10 + t).map((x) => x * 10 ** ((t % 7) - 3));
        const squared = applyUpdate(config, state, theta, g);
        let wantedSquared = 0;
        for (let i = 0; i < d; i++) {
          m[i] = 0.9 * m[i] + (1 - 0.9) * g[i];
          const source = update === "radazo" ? m[i] : g[i];
          v[i] = 0.99 * v[i] + (1 - 0.99) * source * source;
          const step = (0.01 * (m[i] / 1)) / (Math.sqrt(v[i] / 1) + 1e-8);
          wanted[i] -= step;
          wantedSquared += step * step;
        }
        assert.deepEqual(theta, wanted, `${update}, step ${t}`);
        assert.deepEqual(state.m, m);
        assert.deepEqual(state.v, v);
        assert.equal(squared, wantedSquared);
      }
    }
  });

  it("defaults are the ZoAR reference code's", () => {
    assert.equal(DEFAULT_CONFIG.mu, 0.05);
    assert.equal(DEFAULT_CONFIG.queries, 10);
    assert.equal(DEFAULT_CONFIG.histories, 5);
    assert.equal(DEFAULT_CONFIG.beta2, 0.99);
    assert.equal(DEFAULT_CONFIG.biasCorrection, false);
  });
});
