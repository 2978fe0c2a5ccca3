// Bench statistics, the SVG writer and the scenario runner (noise and drift).
import assert from "node:assert/strict";
import { resample, runScenario } from "../../src/run/bench/scenario";
import { bandOf, formatSpread, spreadOf } from "../../src/run/bench/statistics";
import { plotSvg } from "../../src/run/bench/svg-plot";

describe("bench statistics and plots", () => {
  it("summarises seeds: mean, sample sd, median, range and n", () => {
    const s = spreadOf([1, 2, 3, 4, 10]);
    assert.deepEqual(s, { n: 5, mean: 4, sd: Math.sqrt(12.5), median: 3, min: 1, max: 10 });
    assert.equal(spreadOf([2, 4]).median, 3);
    assert.equal(spreadOf([7]).sd, 0);
    assert.equal(formatSpread(s), "4.00 ± 3.5 (n = 5)");
    assert.deepEqual(bandOf([[1, 5], [3, 1], [2, 3]]), { median: [2, 3], low: [1, 1], high: [3, 5] });
  });

  it("resamples a curve at given evaluation counts with the last point at or before each", () => {
    const curve: [number, number][] = [[0, 10], [11, 8], [22, 5]];
    assert.deepEqual(resample(curve, [0, 5, 11, 21, 22, 30]), [10, 10, 8, 8, 5, 5]);
  });

  it("draws one band and one line per series, escapes labels, and floors zeros on the log axis", () => {
    const svg = plotSvg(
      [{ title: "a < b", series: [{ label: "zoar & co", x: [0, 10], median: [1, 0], low: [0.5, 0], high: [2, 0] }] }],
      { title: "t", xLabel: "evaluations", yLabel: "f", floor: 1e-6 },
    );
    assert.match(svg, /a &lt; b/);
    assert.match(svg, /zoar &amp; co/);
    assert.equal(svg.match(/<polyline /g)?.length, 1);
    assert.equal(svg.match(/<polygon /g)?.length, 1);
    assert.match(svg, />1e-6</);
    assert.ok(!/NaN|Infinity/.test(svg));
  });
});

describe("bench scenarios", () => {
  const base = { optimizer: "zoar", overrides: {}, function: "quadratic", dimension: 20, seed: 3, budget: 1100 };

  it("feeds the optimizer noisy values but reports true ones; no noise gives the noise-free run", () => {
    const clean = runScenario(base);
    const noisy = runScenario({ ...base, noise: { kind: "gaussian", level: 0.5 } });
    const heavy = runScenario({ ...base, noise: { kind: "student-t2", level: 0.5 } });
    assert.equal(noisy.initial, clean.initial);
    assert.notEqual(noisy.final, clean.final);
    assert.notEqual(heavy.final, noisy.final);
    // The curve holds true values: its start is f(x0) exactly.
    assert.deepEqual(noisy.curve[0], [0, clean.initial]);
    assert.equal(noisy.noise?.sd, 0.5 * clean.initial);
    assert.deepEqual(runScenario({ ...base, noise: { kind: "gaussian", level: 0.5 } }).curve, noisy.curve);
  });

  it("moves the optimum of the quadratic: a drifting run ends above a static one and spends exactly the budget it may", () => {
    const still = runScenario({ ...base, budget: 5500 });
    const moving = runScenario({ ...base, budget: 5500, drift: { speed: 5 } });
    assert.ok(moving.final > still.final, `${still.final} vs ${moving.final}`);
    assert.equal(moving.evaluations, 5500);
    assert.throws(() => runScenario({ ...base, function: "levy", drift: { speed: 1 } }), /drifting optimum is defined for the quadratic only/);
  });

  it("times targets: the first evaluation count at which the true value is at or below each", () => {
    const result = runScenario({ ...base, optimizer: "cma-es", budget: 3000, targets: [1e-1, 1e-30] });
    const [reached, never] = result.targets;
    assert.ok(reached.evaluations !== null && reached.evaluations <= 3000);
    const atReach = result.curve.find(([e]) => e >= reached.evaluations!);
    assert.ok(atReach && atReach[1] <= 1e-1 * 10, "the curve agrees");
    assert.equal(never.evaluations, null);
  });
});
