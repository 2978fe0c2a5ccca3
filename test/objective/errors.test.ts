import * as assert from "node:assert/strict";
import { describeThrown, describeValue, ObjectiveError } from "../../src/objective/errors";
import { firstLocationIn, trimToBundle } from "../../src/objective/stack";

describe("objective errors", () => {
  const objective = "/work/project/objective.ts";

  it("names place, iteration, query and cause in one line", () => {
    const error = new ObjectiveError(
      { kind: "evaluate", summary: "evaluate threw", detail: "TypeError: boom", file: objective, line: 12, column: 5, iteration: 3, query: 2 },
      objective,
    );
    assert.equal(error.message, "objective.ts:12:5: evaluate threw at iteration 3, query 2: TypeError: boom");
    assert.equal(error.file, objective);
    assert.equal(error.kind, "evaluate");
  });

  it("shows files beside the objective relative to it and others in full", () => {
    const inner = new ObjectiveError({ kind: "load", summary: "x", file: "/work/project/lib/util.ts", line: 1 }, objective);
    assert.equal(inner.message, "lib/util.ts:1: x");
    const outer = new ObjectiveError({ kind: "load", summary: "x", file: "/elsewhere/util.ts" }, objective);
    assert.equal(outer.message, "/elsewhere/util.ts: x");
    const unplaced = new ObjectiveError({ kind: "timeout", summary: "too slow", iteration: 4 }, objective);
    assert.equal(unplaced.message, "objective.ts: too slow at iteration 4");
    assert.equal(unplaced.file, objective);
  });

  it("describes thrown values and wrong return values", () => {
    assert.equal(describeThrown(new RangeError("r")), "RangeError: r");
    assert.equal(describeThrown("plain"), 'a string ("plain") was thrown');
    assert.equal(describeValue(undefined), "undefined");
    assert.equal(describeValue(Number.NaN), "NaN");
    assert.equal(describeValue(Promise.resolve(1)), "a promise");
    assert.equal(describeValue([1, 2]), "an array of length 2");
  });

  it("keeps the stack down to the last bundled frame and finds the user's innermost frame", () => {
    const stack = [
      "TypeError: boom",
      "    at inner (/p/node_modules/lib/index.js:4:9)",
      "    at Object.evaluate (/p/my objective.ts:7:13)",
      "    at async Promise.all (index 0)",
      "    at evaluateEach (/zoar/dist/objective-worker.js:100:20)",
      "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
    ].join("\n");
    const bundle = new Set(["/p/node_modules/lib/index.js", "/p/my objective.ts"]);
    assert.deepEqual(firstLocationIn(stack, new Set(["/p/my objective.ts"])), { file: "/p/my objective.ts", line: 7, column: 13 });
    assert.equal(trimToBundle(stack, bundle), stack.split("\n").slice(0, 3).join("\n"));
    assert.equal(firstLocationIn(stack, new Set(["/nowhere.ts"])), undefined);
  });
});
