// The evaluation context (iteration, seed) and metrics() through the real
// evaluator, run loop and store.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { evaluationSeed } from "../../src/objective/definition";
import { ObjectiveEvaluator } from "../../src/objective/evaluator";
import { resumeRun, startRun } from "../../src/run/loop";
import { RunStore } from "../../src/run/store";
import type { RunSettings, TraceLine } from "../../src/run/types";
import { positionOf, runFixture, useTemporaryFolder } from "./helpers";

function untimed(lines: TraceLine[]): string[] {
  return lines.map(({ elapsedMs: _elapsed, ...rest }) => JSON.stringify(rest));
}

describe("evaluation context and metrics", () => {
  const temporary = useTemporaryFolder();
  const settings = (more: Partial<RunSettings>): RunSettings => ({
    objectiveFile: runFixture("minibatch.ts"),
    optimizer: "spsa",
    overrides: { lr: 0.05, mu: 0.01 },
    seed: 11,
    runsDir: path.join(temporary.dir, "runs"),
    ...more,
  });

  it("gives every query of an iteration the same minibatch, derived from the run seed and the iteration", async () => {
    const evaluator = await ObjectiveEvaluator.open(runFixture("minibatch.ts"), { seed: 11 });
    try {
      assert.equal(evaluator.info.hasMetrics, true);
      assert.equal(evaluator.info.metricsEvery, 5);
      const x = Float64Array.from([0, 0, 0, 0, 0, 0]);
      const [a, b] = await evaluator.evaluateBatch(x, 2, 3);
      assert.equal(a, b, "two queries of one iteration at the same point see the same targets");
      const again = await evaluator.evaluateBatch(x, 1, 3);
      assert.equal(again[0], a, "the same iteration gives the same minibatch when asked again");
      const other = await evaluator.evaluateBatch(x, 1, 4);
      assert.notEqual(other[0], a, "another iteration draws another minibatch");
      const metrics = await evaluator.metrics(Float64Array.from([1, -2, 0.5]), 3);
      assert.deepEqual(metrics, { distance: 0, iteration: 3, seed: evaluationSeed(11, 3) });
    } finally {
      await evaluator.close();
    }
  });

  it("writes metrics into the trace every metricsEvery iterations and the final parameters' into the result", async () => {
    const loop = await startRun(settings({ stop: { iterations: 23 } }));
    const result = await loop.run();
    assert.equal(result.status, "done");
    const store = RunStore.open(loop.runDir);
    assert.equal(store.readConfig().metricsEvery, 5);
    const trace = store.readTrace().lines;
    assert.deepEqual(trace.filter((l) => l.metrics).map((l) => l.iteration), [0, 5, 10, 15, 20]);
    for (const line of trace.filter((l) => l.metrics)) {
      assert.equal(line.metrics!.iteration, line.iteration);
      assert.equal(line.metrics!.seed, evaluationSeed(11, line.iteration));
    }
    const first = trace[0].metrics!.distance;
    assert.ok(Math.abs(first - Math.sqrt(1 + 4 + 0.25)) < 1e-12, "iteration 0 measures the starting point");
    assert.ok(result.metrics!.distance < first, `the fit improves (${first} -> ${result.metrics!.distance})`);
    assert.equal(result.metrics!.iteration, 23, "the result measures the parameters after the last iteration");
    assert.deepEqual(store.readResult()!.metrics, result.metrics);
  });

  it("takes metricsEvery from the run settings over the objective's, and resumes to the same trace", async () => {
    const straight = await startRun(settings({ metricsEvery: 3, stop: { iterations: 20 } }));
    await straight.run();
    const first = await startRun(settings({ metricsEvery: 3, stop: { iterations: 8 } }));
    await first.run();
    await (await resumeRun(first.runDir, { stop: { iterations: 20 } })).run();
    const straightTrace = RunStore.open(straight.runDir).readTrace().lines;
    assert.deepEqual(straightTrace.filter((l) => l.metrics).map((l) => l.iteration), [0, 3, 6, 9, 12, 15, 18]);
    assert.deepEqual(untimed(RunStore.open(first.runDir).readTrace().lines), untimed(straightTrace), "minibatches and metrics follow the iteration, so resuming changes nothing");
  });

  it("fails the run at the line where metrics threw, keeping what was computed", async () => {
    const file = runFixture("metrics-throws.ts");
    const loop = await startRun(settings({ objectiveFile: file, optimizer: "zoar", overrides: {}, stop: { iterations: 10 } }));
    const result = await loop.run();
    assert.equal(result.status, "failed");
    assert.equal(result.reason, "objective");
    assert.match(result.error!.message, /metrics threw.*held-out data missing/s);
    assert.equal(result.error!.iteration, 4);
    assert.equal(result.error!.line, positionOf(file, "metrics-throws-here").line);
    const trace = RunStore.open(loop.runDir).readTrace().lines;
    assert.deepEqual(trace.filter((l) => l.metrics).map((l) => l.iteration), [0, 2]);
  });
});
