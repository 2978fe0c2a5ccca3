// Run headers and inspector data from what the run layer reports.
import assert from "node:assert/strict";
import { createOptimizer } from "../../src/engine";
import type { RunConfig, RunResult } from "../../src/run/types";
import { summarizeInspection } from "../../src/run/progress";
import {
  inspectorFromInspection,
  inspectorFromSummary,
  progressHeader,
  providerLabel,
  resultHeader,
  startingHeader,
  storedHeader,
  stopSettingsOf,
} from "../../src/extension/runView";

const CONFIG = { optimizer: "zoar", seed: 4, stop: { iterations: 100, timeMs: 5000 }, objective: { file: "/w/a.ts", name: "a", dimension: 2 } } as unknown as RunConfig;

function result(more: Partial<RunResult> = {}): RunResult {
  return { status: "done", reason: "target", runDir: "/r", iterations: 40, evaluations: 440, bestValue: 0.01, bestIteration: 39, finalValue: 0.02, elapsedMs: 2000, provider: "cpu", finished: "", ...more };
}

describe("run view mapping", () => {
  const identity = { runId: "r", label: "zoar #1", optimizer: "zoar", seed: 4, stop: { iterations: 100 } };

  it("shows the stop conditions the form has fields for", () => {
    assert.deepEqual(stopSettingsOf({ iterations: 10, evaluations: 5, target: 0, timeMs: 9 }), { iterations: 10, evaluations: 5, target: 0 });
  });

  it("names providers as the header shows them", () => {
    assert.equal(providerLabel("cpu"), "CPU");
    assert.equal(providerLabel("cuda, cpu"), "CUDA, CPU");
    assert.equal(providerLabel(undefined), null);
  });

  it("turns progress and results into headers, non-finite numbers into null", () => {
    const running = progressHeader(startingHeader(identity), {
      state: "paused",
      iteration: 3,
      evaluations: 33,
      value: NaN,
      best: Infinity,
      evaluationsPerSecond: 10,
      elapsedMs: 300,
      etaMs: undefined,
      fraction: undefined,
      trace: [],
      inspection: {} as never,
    });
    assert.deepEqual([running.status, running.iteration, running.value, running.bestValue], ["paused", 3, null, null]);
    const done = resultHeader(running, result());
    assert.deepEqual([done.status, done.reason, done.iteration, done.bestValue, done.evaluationsPerSecond, done.provider], ["done", "target value reached", 40, 0.01, 220, "CPU"]);
  });

  it("keeps what a run showed when it failed before its folder existed, with the error as the reason", () => {
    const failed = resultHeader(startingHeader(identity), result({ status: "failed", reason: "objective", runDir: undefined, iterations: 0, evaluations: 0, bestValue: NaN, error: { message: "a.ts:1:1: compile error" } }));
    assert.equal(failed.status, "failed");
    assert.equal(failed.reason, "a.ts:1:1: compile error");
    assert.equal(failed.iteration, 0);
    assert.equal(failed.bestValue, null);
  });

  it("reads stored runs as ended, interrupted or running elsewhere", () => {
    const ended = storedHeader({ id: "r1", config: CONFIG, result: result(), lastLine: undefined, runningElsewhere: false }, "zoar #1");
    assert.deepEqual([ended.status, ended.iteration, ended.stop, ended.seed], ["done", 40, { iterations: 100 }, 4]);
    const line = { iteration: 9, evaluations: 110, value: 0.5, best: 0.4, baseline: 0, gradientNorm: 0, stepNorm: 0, elapsedMs: 1000 };
    const interrupted = storedHeader({ id: "r2", config: CONFIG, result: undefined, lastLine: line, runningElsewhere: false }, "zoar #2");
    assert.deepEqual([interrupted.status, interrupted.iteration, interrupted.bestValue, interrupted.evaluationsPerSecond], ["stopped", 10, 0.4, 110]);
    assert.match(interrupted.reason!, /interrupted/);
    const elsewhere = storedHeader({ id: "r3", config: CONFIG, result: undefined, lastLine: undefined, runningElsewhere: true }, "zoar #3");
    assert.equal(elsewhere.status, "stopped", "another process's run cannot be paused from here, so it never shows as active");
    assert.match(elsewhere.reason!, /another process/);
  });

  it("describes a restored optimizer for the inspector", () => {
    const optimizer = createOptimizer("zoar", { queries: 3, histories: 2 }, { initial: new Float64Array([1, 2]), seed: 1 });
    for (let t = 0; t < 4; t++) {
      const batch = optimizer.ask();
      optimizer.tell(Array.from({ length: batch.rows }, (_, r) => r + t));
    }
    const data = inspectorFromInspection("r", optimizer.inspect());
    assert.equal(data.iteration, 4);
    assert.equal(data.estimator, "zoar");
    assert.equal(data.bufferCapacity, 9);
    assert.ok(data.buffer.length > 0);
    assert.ok((data.norms.theta ?? 0) > 0);
  });

  it("carries a cma-es search distribution from the engine and from a progress summary, the same on both paths", () => {
    const optimizer = createOptimizer("cma-es", {}, { initial: new Float64Array(6).fill(1), seed: 2 });
    for (let t = 0; t < 5; t++) {
      const batch = optimizer.ask();
      const values = Array.from({ length: batch.rows }, (_, r) => batch.points.subarray(r * 6, (r + 1) * 6).reduce((sum, x) => sum + x * x, 0));
      optimizer.tell(values);
    }
    const inspection = optimizer.inspect();
    const direct = inspectorFromInspection("r", inspection);
    const viaSummary = inspectorFromSummary("r", summarizeInspection(inspection));
    assert.equal(direct.search?.population, 9);
    assert.equal(direct.search?.sigma, inspection.search!.sigma);
    assert.deepEqual(viaSummary.search, direct.search);
    assert.deepEqual(direct.buffer, []);
    const zoar = inspectorFromInspection("z", createOptimizer("zoar", {}, { initial: new Float64Array(3) }).inspect());
    assert.equal(zoar.search, undefined);
  });
});
