import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { resumeRun, startRun } from "../../src/run/loop";
import { RUN_FILES, RunStore } from "../../src/run/store";
import type { RunSettings, TraceLine } from "../../src/run/types";
import { runFixture, useTemporaryFolder } from "./helpers";

/** Trace lines without their timing, which differs between runs. */
function untimed(lines: TraceLine[]): string[] {
  return lines.map(({ elapsedMs: _elapsed, ...rest }) => JSON.stringify(rest));
}

describe("checkpoints: two generations", () => {
  const temporary = useTemporaryFolder();
  const settings = (more: Partial<RunSettings>): RunSettings => ({
    objectiveFile: runFixture("quadratic.ts"),
    optimizer: "zoar",
    overrides: { lr: 0.02 },
    seed: 5,
    runsDir: path.join(temporary.dir, "runs"),
    checkpoint: { iterations: 10, ms: 0 },
    ...more,
  });

  /** A run stopped at iteration 25: checkpoint.json at 25, the previous generation at 20. */
  async function stoppedRun(): Promise<RunStore> {
    const loop = await startRun(settings({ stop: { iterations: 25 } }));
    await loop.run();
    const store = RunStore.open(loop.runDir);
    assert.equal(store.readCheckpoint().iteration, 25);
    return store;
  }

  it("keeps the checkpoint before the latest beside it", async () => {
    const store = await stoppedRun();
    const previous = JSON.parse(fs.readFileSync(store.file("previousCheckpoint"), "utf8")) as { iteration: number };
    assert.equal(previous.iteration, 20);
  });

  it("resumes from the previous checkpoint when checkpoint.json is truncated, says so, and continues exactly", async () => {
    const store = await stoppedRun();
    const text = fs.readFileSync(store.file("checkpoint"), "utf8");
    fs.writeFileSync(store.file("checkpoint"), text.slice(0, Math.floor(text.length / 2)));
    const loaded = store.loadCheckpoint();
    assert.equal(loaded.checkpoint.iteration, 20);
    assert.match(loaded.fallback!, /^checkpoint\.json is unreadable \(.*JSON.*\)$/);

    const loop = await resumeRun(store.dir, { stop: { iterations: 40 } });
    assert.match(loop.started.checkpointFallback!, /^checkpoint\.json is unreadable \(.*\); resumed from checkpoint\.previous\.json \(iteration 20\)$/);
    assert.equal(loop.started.iteration, 20);
    const result = await loop.run();
    assert.equal(result.status, "done");
    assert.equal(store.readCheckpoint().iteration, 40, "good checkpoints again");
    const previous = JSON.parse(fs.readFileSync(store.file("previousCheckpoint"), "utf8")) as { iteration: number };
    assert.ok(previous.iteration >= 30, `the previous generation is one of this session's (iteration ${previous.iteration})`);

    const straight = await startRun(settings({ stop: { iterations: 40 }, runDir: path.join(temporary.dir, "straight") }));
    await straight.run();
    assert.deepEqual(untimed(store.readTrace().lines), untimed(RunStore.open(straight.runDir).readTrace().lines));
  });

  it("falls back when checkpoint.json is missing (a crash between the two renames)", async () => {
    const store = await stoppedRun();
    fs.rmSync(store.file("checkpoint"));
    assert.equal(store.hasCheckpoint(), true);
    assert.equal(store.loadCheckpoint().fallback, "checkpoint.json is missing");
  });

  it("names both files and what is left when neither generation can be read", async () => {
    const store = await stoppedRun();
    fs.writeFileSync(store.file("checkpoint"), '{"format": "zoar-checkpoint/1", "iter');
    fs.writeFileSync(store.file("previousCheckpoint"), '{"format": "something else"}\n');
    assert.throws(
      () => store.loadCheckpoint(),
      (error: Error) => {
        assert.match(error.message, new RegExp(`^run ${store.id} has no readable checkpoint: ${store.file("checkpoint").replace(/[.\\/]/g, "\\$&")} is unreadable \\(`));
        assert.match(error.message, /, and checkpoint\.previous\.json is not a zoar checkpoint\. It cannot be resumed; its trace \(trace\.jsonl, 25 iterations\) and result stay readable/);
        return true;
      },
    );
    await assert.rejects(resumeRun(store.dir), /has no readable checkpoint/);
    assert.equal(store.lockHolder(), undefined, "a failed resume leaves no lock");
    assert.equal(fs.existsSync(path.join(store.dir, RUN_FILES.checkpoint)), true, "nothing is deleted");
  });
});
