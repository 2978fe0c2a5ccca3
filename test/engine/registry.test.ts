// Registry-wide tests: every named optimizer is deterministic, resumable,
// finite, and improves a quadratic.
import assert from "node:assert/strict";
import { createOptimizer, optimizerEntry, optimizerNames, queriesPerIteration, restoreOptimizer, standardNormalStart } from "../../src/engine";
import { bytesOf, gaussianStart, runOn } from "./helpers";

const d = 50;

describe("optimizer registry", () => {
  it("registers the optimizers of both papers, each with a one-line summary", () => {
    for (const name of ["vanilla", "zoar", "zoar-0", "zohs", "zohs-ema", "radazo", "zo-adamm", "zo-sgd", "spsa"]) {
      const entry = optimizerEntry(name);
      assert.ok(entry.summary.length > 10 && !entry.summary.includes("\n"), name);
    }
    assert.throws(() => optimizerEntry("zoarr"), /unknown optimizer "zoarr" \(known: zoar, /);
  });

  it("R-AdaZO uses its own code's defaults", () => {
    const { config } = optimizerEntry("radazo");
    assert.equal(config.sampler, "sphere");
    assert.equal(config.mu, 5e-3);
    assert.equal(config.beta2, 0.999);
    assert.equal(config.update, "radazo");
  });

  it("counts queries per iteration: K + 1 with the centre, 2K for antithetic pairs", () => {
    assert.equal(queriesPerIteration(optimizerEntry("vanilla").config), 11);
    assert.equal(queriesPerIteration(optimizerEntry("zoar").config), 11);
    assert.equal(queriesPerIteration({ ...optimizerEntry("zoar").config, measureCenter: false }), 10);
    assert.equal(queriesPerIteration(optimizerEntry("spsa").config), 2);
  });

  for (const name of optimizerNames()) {
    describe(name, () => {
      it("is deterministic: same seed, same trajectory; another seed, another one", () => {
        const run = (seed: number) => {
          const optimizer = createOptimizer(name, {}, { initial: gaussianStart(d, 1), seed });
          return { values: runOn(optimizer, "rosenbrock", 40), theta: optimizer.parameters };
        };
        const a = run(3);
        const b = run(3);
        const c = run(4);
        assert.deepEqual(a.values, b.values);
        assert.ok(bytesOf(a.theta).equals(bytesOf(b.theta)));
        assert.ok(!bytesOf(a.theta).equals(bytesOf(c.theta)));
      });

      it("continues bit-identically from a snapshot", () => {
        const original = createOptimizer(name, {}, { initial: gaussianStart(d, 2), seed: 8 });
        runOn(original, "levy", 25);
        const snapshot = structuredClone(original.snapshot());
        const restored = restoreOptimizer(snapshot);
        const tail = runOn(original, "levy", 25);
        assert.deepEqual(runOn(restored, "levy", 25), tail);
        assert.ok(bytesOf(restored.parameters).equals(bytesOf(original.parameters)));
        assert.deepEqual(restored.inspect(), original.inspect());
      });

      it("stays finite and decreases a quadratic", () => {
        // The fine-tuning preset (lr 5e-5) moves slowly by design; all must move downhill.
        const quadratic = (x: Float64Array) => 0.5 * x.reduce((s, v) => s + v * v, 0);
        const start = standardNormalStart(d, 1);
        const optimizer = createOptimizer(name, {}, { initial: start, seed: 1 });
        const values = runOn(optimizer, "quadratic", 400);
        assert.ok(optimizer.parameters.every(Number.isFinite));
        const initial = quadratic(start);
        const final = quadratic(optimizer.parameters);
        assert.ok(final < 0.99 * initial, `${initial} -> ${final}`);
        assert.ok(optimizer.bestPoint.value <= Math.min(...values));
      });
    });
  }

  it("on a d = 1000 quadratic with the paper's settings ZoAR ends at least 10x lower than vanilla", () => {
    const finals: Record<string, number> = {};
    for (const name of ["vanilla", "zoar"]) {
      const optimizer = createOptimizer(name, {}, { initial: standardNormalStart(1000, 456), seed: 456 });
      finals[name] = runOn(optimizer, "quadratic", 3000).at(-1)!;
    }
    assert.ok(finals.zoar * 10 <= finals.vanilla, JSON.stringify(finals));
  });
});
