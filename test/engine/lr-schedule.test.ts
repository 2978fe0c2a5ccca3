// Learning-rate schedules: the rate at chosen updates, the settings' checks,
// constant = the plain update bit for bit, and restored runs continuing the decay.
import assert from "node:assert/strict";
import { ConfigError, type OptimizerConfig, createOptimizer, resolveConfig, restoreOptimizer, scheduledLr } from "../../src/engine";
import { applyUpdate, initMoments } from "../../src/engine/updates";
import { bytesOf, gaussianStart, runOn } from "./helpers";

const settings = (overrides: Partial<OptimizerConfig>) => resolveConfig({ lr: 0.01, lrDecaySteps: 100, ...overrides });

describe("learning-rate schedules", () => {
  it("constant is lr at every update, whatever the horizon", () => {
    const c = settings({ lrSchedule: "constant", lrFinalFraction: 0.5 });
    for (const t of [0, 1, 50, 100, 10_000]) assert.equal(scheduledLr(c, t), 0.01);
  });

  it("cosine goes from lr through lr/2 at half the horizon to the floor, and stays there", () => {
    const c = settings({ lrSchedule: "cosine" });
    assert.equal(scheduledLr(c, 0), 0.01);
    assert.ok(Math.abs(scheduledLr(c, 50) - 0.005) < 1e-15);
    assert.ok(Math.abs(scheduledLr(c, 25) - 0.01 * (1 + Math.SQRT1_2) / 2) < 1e-15);
    assert.ok(Math.abs(scheduledLr(c, 100)) < 1e-18);
    assert.ok(Math.abs(scheduledLr(c, 500)) < 1e-18);
    const floored = settings({ lrSchedule: "cosine", lrFinalFraction: 0.1 });
    assert.ok(Math.abs(scheduledLr(floored, 50) - 0.01 * (0.1 + 0.9 * 0.5)) < 1e-15);
    assert.ok(Math.abs(scheduledLr(floored, 100) - 0.001) < 1e-15);
    assert.ok(Math.abs(scheduledLr(floored, 1000) - 0.001) < 1e-15);
  });

  it("linear falls by the same amount each update down to the floor", () => {
    const c = settings({ lrSchedule: "linear", lrFinalFraction: 0.2 });
    assert.equal(scheduledLr(c, 0), 0.01);
    assert.ok(Math.abs(scheduledLr(c, 25) - 0.01 * (0.2 + 0.8 * 0.75)) < 1e-15);
    assert.ok(Math.abs(scheduledLr(c, 100) - 0.002) < 1e-15);
    assert.ok(Math.abs(scheduledLr(c, 101) - 0.002) < 1e-15);
    for (let t = 1; t <= 100; t++) assert.ok(scheduledLr(c, t) < scheduledLr(c, t - 1));
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ["an unknown schedule", { lrSchedule: "step" }, /Invalid lrSchedule: must be one of constant, cosine, linear \(got "step"\)/],
    ["a decaying schedule without its horizon", { lrSchedule: "cosine" }, /Invalid lrDecaySteps: the cosine schedule needs its horizon/],
    ["a fractional horizon", { lrSchedule: "linear", lrDecaySteps: 2.5 }, /Invalid lrDecaySteps: must be an integer >= 0 \(got 2.5\)/],
    ["a negative horizon", { lrDecaySteps: -1 }, /Invalid lrDecaySteps/],
    ["a final fraction above 1", { lrSchedule: "cosine", lrDecaySteps: 10, lrFinalFraction: 1.5 }, /Invalid lrFinalFraction: must be in \[0, 1\] \(got 1.5\)/],
    ["a NaN final fraction", { lrFinalFraction: NaN }, /Invalid lrFinalFraction/],
  ];
  for (const [what, overrides, message] of invalid) {
    it(`rejects ${what}`, () => {
      assert.throws(() => resolveConfig(overrides as never), (e: unknown) => e instanceof ConfigError && message.test(e.message));
    });
  }

  it("CMA-ES refuses a schedule: its lr is the mean's constant learning rate", () => {
    assert.throws(() => createOptimizer("cma-es", { lrSchedule: "cosine", lrDecaySteps: 10 }, { initial: gaussianStart(4, 1) }), /Invalid lrSchedule: does not apply to cma-es/);
  });

  it("the constant schedule leaves every preset's trajectory unchanged bit for bit", () => {
    for (const name of ["zoar", "zoar-pairs", "spsa", "radazo", "zo-adamm"]) {
      const plain = createOptimizer(name, {}, { initial: gaussianStart(20, 2), seed: 5 });
      const scheduled = createOptimizer(name, { lrSchedule: "constant", lrDecaySteps: 7, lrFinalFraction: 0.3 }, { initial: gaussianStart(20, 2), seed: 5 });
      assert.deepEqual(runOn(scheduled, "rosenbrock", 40), runOn(plain, "rosenbrock", 40), name);
      assert.ok(bytesOf(scheduled.parameters as Float64Array).equals(bytesOf(plain.parameters as Float64Array)), name);
    }
  });

  it("each update's step uses the scheduled rate (sgd: theta -= lr_t g)", () => {
    const c = settings({ update: "sgd", lrSchedule: "linear", lrDecaySteps: 4 });
    const state = initMoments(c, 1);
    const theta = new Float64Array(1);
    const moves: number[] = [];
    for (let t = 0; t < 6; t++) {
      const before = theta[0];
      applyUpdate(c, state, theta, Float64Array.of(1));
      moves.push(before - theta[0]);
    }
    const expected = [0.01, 0.0075, 0.005, 0.0025, 0, 0];
    moves.forEach((move, t) => assert.ok(Math.abs(move - expected[t]) < 1e-15, `update ${t}: ${move}`));
  });

  it("a decaying schedule changes the trajectory, and a restored snapshot continues it bit-identically", () => {
    const settingsOf = { lrSchedule: "cosine", lrDecaySteps: 80, lrFinalFraction: 0.05 } as const;
    const constant = createOptimizer("zoar", {}, { initial: gaussianStart(12, 3), seed: 9 });
    const original = createOptimizer("zoar", settingsOf, { initial: gaussianStart(12, 3), seed: 9 });
    runOn(constant, "rosenbrock", 30);
    runOn(original, "rosenbrock", 30);
    assert.ok(!bytesOf(original.parameters as Float64Array).equals(bytesOf(constant.parameters as Float64Array)));
    const restored = restoreOptimizer(structuredClone(original.snapshot()));
    assert.deepEqual(restored.config, original.config);
    assert.deepEqual(runOn(restored, "rosenbrock", 70), runOn(original, "rosenbrock", 70));
    assert.ok(bytesOf(restored.parameters as Float64Array).equals(bytesOf(original.parameters as Float64Array)));
  });

  it("a snapshot written before schedules existed restores as constant", () => {
    const original = createOptimizer("zoar-pairs", {}, { initial: gaussianStart(10, 4), seed: 2 });
    runOn(original, "rosenbrock", 10);
    const snapshot = original.snapshot();
    const { lrSchedule: _s, lrDecaySteps: _d, lrFinalFraction: _f, ...older } = snapshot.config;
    const restored = restoreOptimizer({ ...snapshot, config: older as OptimizerConfig });
    assert.equal(restored.config.lrSchedule, "constant");
    assert.deepEqual(runOn(restored, "rosenbrock", 10), runOn(original, "rosenbrock", 10));
  });
});
