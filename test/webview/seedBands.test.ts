// Runs that differ only by seed, reduced to the mean best so far with its
// min-max band; runs outside a seed group stay on their own.
import assert from "node:assert/strict";
import type { RunSnapshot } from "../../src/protocol";
import { emptySeries } from "../../src/protocol";
import { seedBand, seedGroups } from "../../webview/seedBands";

function run(runId: string, iterations: number[], best: (number | null)[], tags: { seedGroup?: string; variant?: string } = {}): RunSnapshot {
  const series = { ...emptySeries(), iteration: iterations, evaluations: iterations.map((i) => 11 * (i + 1)), best, value: best };
  const header = { runId, label: runId, optimizer: "zoar", seed: 0, status: "done" as const, iteration: iterations.length, evaluations: 0, value: null, bestValue: null, elapsedMs: 0, evaluationsPerSecond: null, provider: null, stop: {}, ...tags };
  return { header, series };
}

describe("seed bands", () => {
  it("groups runs by their seed group, in order; runs without one stay alone", () => {
    const groups = seedGroups([run("a", [0], [1], { seedGroup: "1:zoar" }), run("b", [0], [1]), run("c", [0], [1], { seedGroup: "1:zoar" }), run("d", [0], [1], { seedGroup: "2:zoar lr=0.1", variant: "lr=0.1" })]);
    assert.deepEqual(
      groups.map((group) => [group.name, group.runs.map((r) => r.header.runId)]),
      [
        ["zoar", ["a", "c"]],
        ["zoar", ["b"]],
        ["zoar lr=0.1", ["d"]],
      ],
    );
  });

  it("takes each run's best so far at every x all runs have reached: mean, min and max", () => {
    const band = seedBand([run("a", [0, 2, 4, 6], [8, 4, 2, 1]), run("b", [0, 3, 4], [6, null, 3])], "iteration");
    // b has no row at 2 (its best stays 6 there) and ends at 4, so the band ends at 4.
    assert.deepEqual(band.x, [0, 2, 3, 4]);
    assert.deepEqual(band.mean, [7, 5, 5, 2.5]);
    assert.deepEqual(band.min, [6, 4, 4, 2]);
    assert.deepEqual(band.max, [8, 6, 6, 3]);
    assert.deepEqual(seedBand([run("a", [0, 1], [2, 1]), run("b", [], [])], "iteration").x, []);
  });
});
