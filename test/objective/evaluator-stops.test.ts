import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ObjectiveEvaluator } from "../../src/objective/evaluator";
import { fixture, positionOf, rejectsWithObjectiveError, rowsOf } from "./helpers";

describe("ObjectiveEvaluator: objectives that hang, exit or crash", () => {
  async function timeClose(evaluator: ObjectiveEvaluator): Promise<number> {
    const start = performance.now();
    await evaluator.close();
    return performance.now() - start;
  }

  for (const name of ["hangs.ts", "hangs-async.ts"]) {
    it(`a batch that never finishes (${name}) times out, the worker is terminated, later calls fail`, async () => {
      // Loading shares the limit: 1 s leaves room for a worker start on a busy machine.
      const evaluator = await ObjectiveEvaluator.open(fixture(name), { timeoutMs: 1000 });
      assert.deepEqual(Array.from(await evaluator.evaluateBatch(rowsOf([1], [2]), 2, 0)), [1, 2]);
      const start = performance.now();
      const error = await rejectsWithObjectiveError(evaluator.evaluateBatch(rowsOf([1], [500], [2]), 3, 1), "timeout");
      const waited = performance.now() - start;
      assert.ok(waited >= 990 && waited < 4000, `rejected after ${waited} ms`);
      assert.equal(error.message, `${name}: evaluation did not finish within 1000 ms at iteration 1, query 1: the worker was terminated`);
      assert.equal(error.query, 1);
      const later = await rejectsWithObjectiveError(evaluator.evaluateBatch(rowsOf([1]), 1, 2), "timeout");
      assert.match(later.message, /^the evaluator stopped after an earlier error: .*did not finish within 1000 ms/);
      const closeMs = await timeClose(evaluator);
      assert.ok(closeMs < 500, `close took ${closeMs} ms`);
    });
  }

  it("a setup() that never finishes times out while loading", async () => {
    const start = performance.now();
    const error = await rejectsWithObjectiveError(ObjectiveEvaluator.open(fixture("setup-hangs.ts"), { timeoutMs: 200 }), "timeout");
    assert.equal(error.message, "setup-hangs.ts: loading did not finish within 200 ms: the worker was terminated");
    assert.ok(performance.now() - start < 3000);
  });

  it("close() during a hung batch terminates the worker at once and rejects the batch", async () => {
    const evaluator = await ObjectiveEvaluator.open(fixture("hangs.ts"), { timeoutMs: 0 });
    const batch = evaluator.evaluateBatch(rowsOf([1000]), 1, 4);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closeMs = await timeClose(evaluator);
    assert.ok(closeMs < 500, `close took ${closeMs} ms`);
    const error = await rejectsWithObjectiveError(batch, "exit");
    assert.equal(error.message, "hangs.ts: the evaluator was closed during a batch at iteration 4");
  });

  it("process.exit in the objective: kind exit, at the line that called it", async () => {
    const file = fixture("exits.ts");
    const evaluator = await ObjectiveEvaluator.open(file);
    const error = await rejectsWithObjectiveError(evaluator.evaluateBatch(rowsOf([-1], [1]), 2, 3), "exit");
    const at = positionOf(file, "exit(7)");
    assert.equal(error.line, at.line);
    assert.equal(error.column, at.column);
    assert.equal(error.message, `exits.ts:${at.line}:${at.column}: the objective called process.exit(7) at iteration 3, query 1: its worker has exited`);
    await evaluator.close();
  });

  it("an error thrown in a timer callback crashes the batch with the callback's line", async () => {
    const file = fixture("crashes.ts");
    const evaluator = await ObjectiveEvaluator.open(file);
    const error = await rejectsWithObjectiveError(evaluator.evaluateBatch(rowsOf([0], [1]), 2, 5), "crash");
    const at = positionOf(file, "new Error");
    assert.equal(error.line, at.line);
    assert.equal(error.iteration, 5);
    assert.equal(error.query, 1);
    assert.match(error.message, new RegExp(`^crashes\\.ts:${at.line}:${at.column}: an error escaped the objective .* at iteration 5, query 1: Error: boom in a timer$`));
    await evaluator.close();
  });

  it("an error escaping between batches keeps the finished values and fails the next call", async () => {
    const file = fixture("crashes-later.ts");
    const evaluator = await ObjectiveEvaluator.open(file);
    assert.deepEqual(Array.from(await evaluator.evaluateBatch(rowsOf([4]), 1, 0)), [4]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const error = await rejectsWithObjectiveError(evaluator.evaluateBatch(rowsOf([5]), 1, 1), "crash");
    const at = positionOf(file, "new Error");
    assert.equal(
      error.message,
      `the evaluator stopped after an earlier error: crashes-later.ts:${at.line}:${at.column}: an error escaped the objective ` +
        "(thrown in a callback or an unawaited promise): Error: late failure",
    );
    await evaluator.close();
  });

  it("a timed-out evaluator that is never closed does not keep the process alive", () => {
    // A child process opens a hanging objective, gets the timeout and then simply ends its script.
    const script = `
      const { ObjectiveEvaluator } = require(${JSON.stringify(path.resolve(__dirname, "../../src/objective/evaluator.ts"))});
      (async () => {
        const idle = await ObjectiveEvaluator.open(${JSON.stringify(fixture("sphere.ts"))});
        await idle.evaluateBatch(new Float64Array(4), 1, 0);
        const hung = await ObjectiveEvaluator.open(${JSON.stringify(fixture("hangs.ts"))}, { timeoutMs: 3000 });
        await hung.evaluateBatch(new Float64Array([1000]), 1, 0).catch((error) => console.log(error.kind));
      })();
    `;
    const start = performance.now();
    const child = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
      cwd: path.resolve(__dirname, "../.."),
      encoding: "utf8",
      timeout: 20_000,
    });
    const elapsed = performance.now() - start;
    assert.equal(child.signal, null, `the child was killed after ${elapsed} ms: it hung. stderr: ${child.stderr}`);
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), "timeout");
  });
});
