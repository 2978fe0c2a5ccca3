import * as assert from "node:assert/strict";
import { ObjectiveEvaluator } from "../../src/objective/evaluator";
import { fixture, positionOf, rejectsWithObjectiveError, rowsOf } from "./helpers";

describe("ObjectiveEvaluator: errors in the objective", () => {
  describe("while loading", () => {
    it("a missing default export", async () => {
      const error = await rejectsWithObjectiveError(ObjectiveEvaluator.open(fixture("missing-default.ts")), "definition");
      assert.match(error.message, /^missing-default\.ts: invalid objective definition: the objective file has no default export/);
    });

    it("a bare function without a dimension", async () => {
      const error = await rejectsWithObjectiveError(ObjectiveEvaluator.open(fixture("missing-dimension.ts")), "definition");
      assert.match(error.message, /^missing-dimension\.ts: .*no `export const dimension/);
    });

    it("an initial point of the wrong length, at the defineObjective call", async () => {
      const file = fixture("wrong-initial-length.ts");
      const error = await rejectsWithObjectiveError(ObjectiveEvaluator.open(file), "definition");
      const at = positionOf(file, "defineObjective({");
      assert.equal(error.line, at.line);
      assert.equal(error.column, at.column);
      assert.equal(error.message, `wrong-initial-length.ts:${at.line}:${at.column}: invalid objective definition: initial has 2 values, expected dimension 3`);
    });

    it("initial() returning the wrong length, also at the defineObjective call", async () => {
      const file = fixture("wrong-initial-function.ts");
      const error = await rejectsWithObjectiveError(ObjectiveEvaluator.open(file), "definition");
      assert.equal(error.line, positionOf(file, "defineObjective({").line);
      assert.match(error.message, /invalid objective definition: initial\(\) has 2 values, expected dimension 3$/);
    });

    it("bounds of the wrong length in the bare form", async () => {
      const error = await rejectsWithObjectiveError(ObjectiveEvaluator.open(fixture("wrong-bounds.ts")), "definition");
      assert.equal(error.message, "wrong-bounds.ts: invalid objective definition: bounds.lower has 2 values, expected dimension 3");
    });

    it("a throw at the top level of the module, with its line and mapped stack", async () => {
      const file = fixture("load-throws.ts");
      const error = await rejectsWithObjectiveError(ObjectiveEvaluator.open(file), "load");
      const at = positionOf(file, "throw new Error");
      assert.equal(error.line, at.line);
      assert.match(error.message, new RegExp(`^load-throws\\.ts:${at.line}:\\d+: the objective threw while loading: Error: cannot start`));
      assert.match(error.userStack!, new RegExp(`load-throws\\.ts:${at.line}:`));
    });

    it("a missing module import", async () => {
      const file = fixture("missing-module.ts");
      const error = await rejectsWithObjectiveError(ObjectiveEvaluator.open(file), "compile");
      assert.equal(error.line, positionOf(file, "zoar-test-no-such-package").line);
    });
  });

  describe("while evaluating", () => {
    it("evaluate throws: message, place and stack point at the TypeScript line", async () => {
      const file = fixture("evaluate-throws.ts");
      const evaluator = await ObjectiveEvaluator.open(file);
      try {
        const error = await rejectsWithObjectiveError(evaluator.evaluateBatch(rowsOf([-1, 0], [-2, 0], [3, 0]), 3, 9), "evaluate");
        const at = positionOf(file, "new TypeError");
        assert.equal(error.file, file);
        assert.equal(error.line, at.line);
        assert.equal(error.column, at.column);
        assert.equal(error.iteration, 9);
        assert.equal(error.query, 2);
        assert.equal(
          error.message,
          `evaluate-throws.ts:${at.line}:${at.column}: evaluate threw at iteration 9, query 2: TypeError: cannot handle positive x[0] = 3`,
        );
        const frames = error.userStack!.split("\n");
        assert.equal(frames[0], "TypeError: cannot handle positive x[0] = 3");
        assert.match(frames[1], new RegExp(`evaluate-throws\\.ts:${at.line}:${at.column}\\)$`));
        assert.equal(frames.length, 2, `only the user's frames remain:\n${error.userStack}`);
      } finally {
        await evaluator.close();
      }
    });

    it("a throw in a neighbour module points at the neighbour, the call chain in the stack", async () => {
      const evaluator = await ObjectiveEvaluator.open(fixture("with-neighbour.ts"));
      try {
        const error = await rejectsWithObjectiveError(evaluator.evaluateBatch(rowsOf([-1, 0, 0]), 1, 0), "evaluate");
        const at = positionOf(fixture("neighbours/weights.ts"), "new RangeError");
        assert.equal(error.file, fixture("neighbours/weights.ts"));
        assert.match(error.message, new RegExp(`^neighbours/weights\\.ts:${at.line}:${at.column}: evaluate threw at iteration 0, query 0: RangeError`));
        assert.match(error.userStack!, /with-neighbour\.ts:\d+:\d+\)$/m);
      } finally {
        await evaluator.close();
      }
    });

    it("NaN under the default policy names iteration and query", async () => {
      const evaluator = await ObjectiveEvaluator.open(fixture("returns-nan.ts"));
      try {
        assert.deepEqual(Array.from(await evaluator.evaluateBatch(rowsOf([1]), 1, 0)), [1]);
        const error = await rejectsWithObjectiveError(evaluator.evaluateBatch(rowsOf([1], [2], [-4]), 3, 1), "non-finite");
        assert.equal(error.iteration, 1);
        assert.equal(error.query, 2);
        assert.match(error.message, /^returns-nan\.ts: evaluate returned NaN at iteration 1, query 2: expected a finite number/);
      } finally {
        await evaluator.close();
      }
    });

    it("Infinity and non-numbers are refused the same way", async () => {
      const infinite = await ObjectiveEvaluator.open(fixture("returns-nan.ts"));
      const undefinedValue = await ObjectiveEvaluator.open(fixture("returns-undefined.ts"));
      try {
        const first = await rejectsWithObjectiveError(infinite.evaluateBatch(rowsOf([0]), 1, 0), "non-finite");
        assert.match(first.message, /evaluate returned Infinity at iteration 0, query 0/);
        const second = await rejectsWithObjectiveError(undefinedValue.evaluateBatch(rowsOf([1], [-1]), 2, 4), "non-finite");
        assert.match(second.message, /evaluate returned undefined at iteration 4, query 1/);
      } finally {
        await Promise.all([infinite.close(), undefinedValue.close()]);
      }
    });

    it("evaluateBatch returning the wrong number of values", async () => {
      const evaluator = await ObjectiveEvaluator.open(fixture("batch-wrong-length.ts"));
      try {
        const error = await rejectsWithObjectiveError(evaluator.evaluateBatch(rowsOf([1, 2], [3, 4], [5, 6]), 3, 2), "evaluate");
        assert.equal(error.message, "batch-wrong-length.ts: evaluateBatch returned 2 values for 3 points at iteration 2");
      } finally {
        await evaluator.close();
      }
    });

    it("after an error the evaluator refuses further batches, saying why", async () => {
      const evaluator = await ObjectiveEvaluator.open(fixture("evaluate-throws.ts"));
      try {
        const first = await rejectsWithObjectiveError(evaluator.evaluateBatch(rowsOf([1, 0]), 1, 0), "evaluate");
        const later = await rejectsWithObjectiveError(evaluator.evaluateBatch(rowsOf([-1, 0]), 1, 1), "evaluate");
        assert.equal(later.message, `the evaluator stopped after an earlier error: ${first.message}`);
        assert.equal(later.line, first.line);
      } finally {
        await evaluator.close();
      }
    });
  });
});
