// The status bar item and the run log lines.
import assert from "node:assert/strict";
import type { RunResult } from "../../src/run/types";
import { errorPlace, finishedLine, formatValue, statusBarText } from "../../src/extension/runText";

describe("run text", () => {
  it("shows optimizer, iteration and best value in the status bar, and other runs as a count", () => {
    assert.equal(statusBarText({ optimizer: "zoar", state: "running", iteration: 12345, best: 0.000123456, others: 0 }), "$(sync~spin) zoar: zoar · it 12,345 · best 1.235e-4");
    assert.equal(statusBarText({ optimizer: "spsa", state: "paused", iteration: 3, best: 2.5, others: 2 }), "$(debug-pause) zoar: spsa · it 3 · best 2.5 (+2)");
    assert.equal(statusBarText({ optimizer: "zoar", state: "starting", iteration: 0, best: NaN, others: 0 }), "$(sync~spin) zoar: starting zoar");
  });

  it("formats values with 5 significant digits", () => {
    assert.deepEqual([formatValue(NaN), formatValue(0), formatValue(123.456789), formatValue(-2e7)], ["-", "0", "123.46", "-2.000e+7"]);
  });

  it("logs how a run ended, with the failing place when the message lacks it", () => {
    const failed: RunResult = {
      status: "failed",
      reason: "objective",
      runDir: "/r",
      iterations: 9,
      evaluations: 99,
      bestValue: 1,
      bestIteration: 3,
      finalValue: 1,
      elapsedMs: 1500,
      provider: undefined,
      error: { message: "evaluate threw: RangeError", file: "/w/a.ts", line: 12, column: 7 },
      finished: "",
    };
    assert.equal(errorPlace(failed.error!), "/w/a.ts:12:7");
    assert.equal(finishedLine("r1", failed), "run r1 failed: evaluate threw: RangeError at /w/a.ts:12:7; 9 iterations, 99 evaluations, best 1, 1.5 s");
    const named = { ...failed, error: { ...failed.error!, message: "a.ts:12:7: evaluate threw: RangeError" } };
    assert.equal(finishedLine("r1", named), "run r1 failed: a.ts:12:7: evaluate threw: RangeError; 9 iterations, 99 evaluations, best 1, 1.5 s");
  });
});
