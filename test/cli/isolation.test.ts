import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { residentBytesOf } from "../../src/run/memory-limit";
import { listRuns, RunStore } from "../../src/run/store";
import { useTemporaryFolder } from "../run/helpers";
import { type CliOutcome, explain, jsonOf, RUN_FIXTURES, runCli, startCli } from "./helpers";

const MB = 1024 * 1024;
/** Small limits keep these runs cheap; the run process needs well under this to load an objective. */
const LIMIT_MB = 300;

/** A run of `zoar`, with the highest resident memory of the zoar process itself seen meanwhile. */
async function runWatched(args: string[], cwd: string): Promise<CliOutcome & { zoarPeakBytes: number }> {
  const child = await startCli(args, cwd);
  let zoarPeakBytes = 0;
  const watch = setInterval(() => (zoarPeakBytes = Math.max(zoarPeakBytes, residentBytesOf(child.pid!) ?? 0)), 20);
  try {
    return { ...(await child.outcome), zoarPeakBytes };
  } finally {
    clearInterval(watch);
  }
}

describe("zoar run: every run in a process of its own", () => {
  const temporary = useTemporaryFolder("zoar-isolation-test-");
  const runsDir = () => path.join(temporary.dir, "runs");

  function onlyRun(): RunStore {
    const runs = listRuns(runsDir());
    assert.equal(runs.length, 1, `runs: ${runs.map((run) => run.id).join(", ")}`);
    return RunStore.open(runs[0].dir);
  }

  /** The run failed, stays resumable, and a few iterations more (too few for the fixture to fail again) complete it. */
  async function assertResumable(store: RunStore, failed: CliOutcome): Promise<void> {
    assert.match(failed.stderr, new RegExp(`after fixing the objective, continue from the last checkpoint with: zoar resume runs/${store.id}`), explain(failed));
    const result = store.readResult()!;
    assert.equal(result.status, "failed");
    assert.equal(store.lockHolder(), undefined, "no lock left behind");
    const trace = store.readTrace();
    assert.equal(trace.torn, false);
    assert.deepEqual(trace.lines.map((line) => line.iteration), Array.from({ length: result.iterations }, (_, t) => t), "every iteration up to the failure");
    const from = store.readCheckpoint().iteration;
    const resumed = await runCli(["resume", store.id, "--runs-dir", "runs", "--iterations", String(from + 8), "--json"], temporary.dir);
    assert.equal(resumed.code, 0, explain(resumed));
    assert.equal(jsonOf(resumed).iterations, from + 8);
  }

  for (const leak of ["leaks-buffers.ts", "leaks-arrays.ts"]) {
    it(`ends a run over its memory limit (${leak}) with exit 1 and a message naming memory, the figure, the limit and the iteration; zoar stays small`, async () => {
      const args = ["run", path.join(RUN_FIXTURES, leak), "--iterations", "100000", "--runs-dir", "runs", "--memory-limit", String(LIMIT_MB)];
      const outcome = await runWatched(args, temporary.dir);
      assert.equal(outcome.code, 1, explain(outcome));
      const message = new RegExp(`zoar: the objective failed: ${leak.replace(".", "\\.")}: the run used ([\\d,]+) MB, over its ${LIMIT_MB} MB memory limit, at iteration (\\d+) \\(--memory-limit\\)`);
      const match = message.exec(outcome.stderr);
      assert.ok(match, explain(outcome));
      const used = Number(match[1].replace(/,/g, ""));
      assert.ok(used > LIMIT_MB, `${used} MB`);
      const store = onlyRun();
      const result = store.readResult()!;
      assert.equal(result.error!.kind, "memory");
      assert.equal(result.error!.iteration, Number(match[2]));
      // The leak starts after 200 evaluations (iteration 18 at 11 queries per iteration).
      assert.ok(result.error!.iteration! >= 18, `at iteration ${result.error!.iteration}`);
      assert.ok(outcome.zoarPeakBytes > 0 && outcome.zoarPeakBytes < used * MB / 2, `zoar itself peaked at ${Math.round(outcome.zoarPeakBytes / MB)} MB`);
      await assertResumable(store, outcome);
    });
  }

  for (const signal of ["SIGSEGV", "SIGABRT"]) {
    it(`reports a run process brought down by ${signal} with exit 1, the signal and the iteration; the run resumes`, async () => {
      const before = process.env.ZOAR_TEST_SIGNAL;
      process.env.ZOAR_TEST_SIGNAL = signal;
      let outcome: CliOutcome;
      try {
        outcome = await runCli(["run", path.join(RUN_FIXTURES, "segfaults.ts"), "--iterations", "1000", "--runs-dir", "runs"], temporary.dir);
      } finally {
        if (before === undefined) delete process.env.ZOAR_TEST_SIGNAL;
        else process.env.ZOAR_TEST_SIGNAL = before;
      }
      assert.equal(outcome.code, 1, explain(outcome));
      const match = new RegExp(`zoar: the objective failed: segfaults\\.ts: the run process crashed \\(${signal}\\) at iteration (\\d+)\\n`).exec(outcome.stderr);
      assert.ok(match, explain(outcome));
      const store = onlyRun();
      const iterations = store.readResult()!.iterations;
      // The 300th evaluation is in iteration 27 (11 queries per iteration); the message names the last iteration known to have started.
      assert.ok(Number(match[1]) >= iterations && Number(match[1]) <= 27, `at iteration ${match[1]}, ${iterations} in the trace`);
      assert.ok(iterations >= 20, `${iterations} iterations kept in the trace`);
      await assertResumable(store, outcome);
    });
  }

  it("keeps the message of an objective calling process.exit: it ends only the objective's worker", async () => {
    const outcome = await runCli(["run", path.join(RUN_FIXTURES, "exits-process.ts"), "--iterations", "1000", "--runs-dir", "runs"], temporary.dir);
    assert.equal(outcome.code, 1, explain(outcome));
    assert.match(outcome.stderr, /zoar: the objective failed: exits-process\.ts:\d+:\d+: the objective called process\.exit\(3\) at iteration 27, query 2: its worker has exited/);
    await assertResumable(onlyRun(), outcome);
  });

  it("refuses a memory limit too small to load an objective (exit 2)", async () => {
    const outcome = await runCli(["run", path.join(RUN_FIXTURES, "quadratic.ts"), "--memory-limit", "20"], temporary.dir);
    assert.equal(outcome.code, 2, explain(outcome));
    assert.match(outcome.stderr, /--memory-limit <MB>' argument '20' is invalid\. expected an integer >= 128/);
    assert.equal(fs.existsSync(runsDir()), false);
  });
});
