// Bad input is rejected with a message naming the parameter, and leaves state unchanged.
import assert from "node:assert/strict";
import { ConfigError, TellError, createOptimizer, resolveConfig, restoreOptimizer } from "../../src/engine";
import { gaussianStart, runOn } from "./helpers";

describe("validation", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["negative mu", { mu: -0.1 }, /Invalid mu: must be a finite number > 0 \(got -0.1\)/],
    ["K = 0", { queries: 0 }, /Invalid queries: must be an integer >= 1 \(got 0\)/],
    ["fractional K", { queries: 2.5 }, /Invalid queries/],
    ["N < 0", { histories: -1 }, /Invalid histories: must be an integer >= 0/],
    ["beta1 = 1", { beta1: 1 }, /Invalid beta1: must be in \[0, 1\)/],
    ["beta2 < 0", { beta2: -0.5 }, /Invalid beta2/],
    ["NaN learning rate", { lr: NaN }, /Invalid lr: must be a finite number > 0 \(got NaN\)/],
    ["infinite mu", { mu: Infinity }, /Invalid mu/],
    ["string K", { queries: "10" }, /Invalid queries: .*\(got "10"\)/],
    ["unknown update", { update: "adagrad" }, /Invalid update: must be one of sgd, adam, radazo \(got "adagrad"\)/],
    ["unknown parameter", { learningRate: 0.1 }, /Invalid learningRate: unknown parameter/],
    ["ranks with vanilla", { estimator: "vanilla", rankValues: true }, /Invalid rankValues/],
  ];
  for (const [what, overrides, message] of cases) {
    it(`rejects ${what}`, () => {
      assert.throws(() => resolveConfig(overrides as never), (e: unknown) => e instanceof ConfigError && message.test(e.message));
    });
  }

  it("rejects bad starting points, bounds and seeds", () => {
    assert.throws(() => createOptimizer("zoar", {}, { initial: [] }), /Invalid initial/);
    assert.throws(() => createOptimizer("zoar", {}, { initial: [1, NaN] }), /Invalid initial: coordinate 1 is NaN/);
    assert.throws(() => createOptimizer("zoar", {}, { initial: [1, 2], bounds: { lower: [0], upper: 1 } }), /Invalid bounds.lower: must be a number or have 2 entries/);
    assert.throws(() => createOptimizer("zoar", {}, { initial: [1, 2], bounds: { lower: 2, upper: 1 } }), /Invalid bounds: coordinate 0: lower 2 must be <= upper 1/);
    assert.throws(() => createOptimizer("zoar", {}, { initial: [1], seed: -3 }), /Invalid seed/);
  });

  it("tell with the wrong number of values or a non-finite value fails and leaves the state unchanged", () => {
    const optimizer = createOptimizer("zoar", {}, { initial: gaussianStart(20, 5), seed: 5 });
    runOn(optimizer, "levy", 4);
    const before = structuredClone(optimizer.snapshot());
    const batch = optimizer.ask();
    const good = new Float64Array(batch.rows).fill(1);
    assert.throws(() => optimizer.tell(good.subarray(1)), (e: unknown) => e instanceof TellError && /expects 11 values \(one per asked point\), got 10/.test(e.message));
    for (const bad of [NaN, Infinity, -Infinity]) {
      const values = good.slice();
      values[3] = bad;
      assert.throws(() => optimizer.tell(values), (e: unknown) => e instanceof TellError && e.query === 3 && e.iteration === 4 && new RegExp(`query 3 at iteration 4 is ${bad}`).test(e.message));
    }
    const centre = good.slice();
    centre[0] = NaN;
    assert.throws(() => optimizer.tell(centre), /value of the centre point at iteration 4 is NaN/);
    assert.deepEqual(optimizer.snapshot(), before);
    // The failed tells changed nothing: the run continues exactly like an untouched copy.
    const twin = restoreOptimizer(before);
    assert.deepEqual(runOn(optimizer, "levy", 5), runOn(twin, "levy", 5));
  });

  it("tell without ask is an error", () => {
    const optimizer = createOptimizer("vanilla", {}, { initial: [1, 2, 3], seed: 1 });
    assert.throws(() => optimizer.tell([1, 2, 3, 4]), /tell at iteration 0 without ask/);
  });
});
