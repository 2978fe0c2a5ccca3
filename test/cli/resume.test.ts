import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { listRuns, processIsAlive, RunStore } from "../../src/run/store";
import type { TraceLine } from "../../src/run/types";
import { useTemporaryFolder, waitFor } from "../run/helpers";
import { explain, jsonOf, RUN_FIXTURES, runCli, startCli } from "./helpers";

/** Trace lines without their timing, which differs between runs. */
function untimed(lines: TraceLine[]): string[] {
  return lines.map(({ elapsedMs: _elapsed, ...rest }) => JSON.stringify(rest));
}

function onlyRun(runsDir: string): string {
  const runs = listRuns(runsDir);
  assert.equal(runs.length, 1, `runs: ${runs.map((run) => run.id).join(", ")}`);
  return runs[0].dir;
}

describe("zoar resume, Ctrl-C and kills", () => {
  const temporary = useTemporaryFolder("zoar-cli-test-");
  const quadratic = path.join(RUN_FIXTURES, "quadratic.ts");
  const common = ["--lr", "0.01", "--seed", "9"];

  it("Ctrl-C stops cleanly (exit 130), keeps the run resumable, and the resumed run equals an uninterrupted one", async () => {
    const runsDir = path.join(temporary.dir, ".zoar", "runs");
    const child = await startCli(["run", quadratic, "--iterations", "1000000", ...common], temporary.dir);
    await waitFor(() => listRuns(runsDir).some((run) => fs.statSync(path.join(run.dir, "trace.jsonl")).size > 0), 20_000, "the first trace lines");
    child.kill("SIGINT");
    const interrupted = await child.outcome;
    assert.equal(interrupted.code, 130, explain(interrupted));
    const runDir = onlyRun(runsDir);
    const relative = path.relative(temporary.dir, runDir);
    assert.ok(interrupted.stderr.includes(`resume with: zoar resume ${relative}`), explain(interrupted));
    assert.match(interrupted.stdout, /^status +stopped: stopped on request$/m);
    const store = RunStore.open(runDir);
    const stopped = store.readResult()!;
    assert.equal(stopped.status, "stopped");
    assert.equal(store.readCheckpoint().iteration, stopped.iterations, "checkpointed where it stopped");
    assert.equal(store.lockHolder(), undefined);

    const total = stopped.iterations + 50;
    const resumed = await runCli(["resume", relative, "--iterations", String(total), "--json"], temporary.dir);
    assert.equal(resumed.code, 0, explain(resumed));
    const json = jsonOf(resumed);
    assert.equal(json.status, "done");
    assert.equal(json.iterations, total);
    assert.match(resumed.stderr, new RegExp(`resuming at iteration ${stopped.iterations}: zoar on "quadratic"`));

    const straight = await runCli(["run", quadratic, "--iterations", String(total), ...common, "--runs-dir", "straight", "--json"], temporary.dir);
    assert.equal(straight.code, 0, explain(straight));
    const reference = jsonOf(straight);
    assert.equal(json.bestValue, reference.bestValue);
    assert.equal(json.finalValue, reference.finalValue);
    assert.deepEqual(untimed(store.readTrace().lines), untimed(RunStore.open(reference.runDir as string).readTrace().lines));
  });

  it("a run killed outright (SIGKILL, its run process and zoar) is listed as interrupted and resumes from its last checkpoint to the same result", async () => {
    const runsDir = path.join(temporary.dir, ".zoar", "runs");
    const child = await startCli(["run", quadratic, "--iterations", "1000000", ...common], temporary.dir);
    // The default policy checkpoints every 1000 iterations: kill the run once the first one is written.
    const checkpointIteration = () => {
      const runs = listRuns(runsDir);
      return runs.length === 1 ? RunStore.open(runs[0].dir).readCheckpoint().iteration : 0;
    };
    await waitFor(() => checkpointIteration() >= 1000, 20_000, "a checkpoint at iteration 1000");
    // Frozen first, so neither process sees the other end: as the OS killing both at once.
    const runProcess = RunStore.open(listRuns(runsDir)[0].dir).lockHolder()!;
    process.kill(runProcess, "SIGSTOP");
    child.kill("SIGKILL");
    const killed = await child.outcome;
    assert.equal(killed.signal, "SIGKILL");
    process.kill(runProcess, "SIGKILL");
    await waitFor(() => !processIsAlive(runProcess), 10_000, "the run process to be gone");
    const runDir = onlyRun(runsDir);
    const store = RunStore.open(runDir);
    assert.equal(store.readResult(), undefined);
    const traced = store.readTrace().lines.length;
    assert.ok(traced >= store.readCheckpoint().iteration, "the trace runs ahead of the checkpoint");

    const listed = await runCli(["runs"], temporary.dir);
    assert.equal(listed.code, 0, explain(listed));
    assert.match(listed.stdout, new RegExp(`^${path.basename(runDir)} +quadratic +zoar +interrupted +\\d+`, "m"));

    const total = 1500;
    const [resumed, straight] = await Promise.all([
      runCli(["resume", path.basename(runDir), "--iterations", String(total), "--json"], temporary.dir),
      runCli(["run", quadratic, "--iterations", String(total), ...common, "--runs-dir", "straight", "--json"], temporary.dir),
    ]);
    assert.equal(resumed.code, 0, explain(resumed));
    assert.equal(straight.code, 0, explain(straight));
    assert.equal(jsonOf(resumed).bestValue, jsonOf(straight).bestValue);
    assert.deepEqual(untimed(store.readTrace().lines), untimed(RunStore.open(jsonOf(straight).runDir as string).readTrace().lines));
  });

  it("a killed zoar leaves no run process behind: the run stops cleanly with its checkpoint and result", async () => {
    const runsDir = path.join(temporary.dir, ".zoar", "runs");
    const child = await startCli(["run", quadratic, "--iterations", "1000000", ...common], temporary.dir);
    await waitFor(() => listRuns(runsDir).some((run) => fs.statSync(path.join(run.dir, "trace.jsonl")).size > 0), 20_000, "the first trace lines");
    const store = RunStore.open(onlyRun(runsDir));
    const runProcess = store.lockHolder()!;
    assert.notEqual(runProcess, child.pid, "the run has a process of its own");
    child.kill("SIGKILL");
    await child.outcome;
    await waitFor(() => !processIsAlive(runProcess), 20_000, "the orphaned run process to end");
    const result = store.readResult()!;
    assert.equal(result.status, "stopped");
    assert.equal(store.readCheckpoint().iteration, result.iterations, "checkpointed where it stopped");
    assert.equal(store.lockHolder(), undefined);
  });

  it("refuses to resume a run that is still running, naming its process, and resumes it once it has ended", async () => {
    const runsDir = path.join(temporary.dir, ".zoar", "runs");
    const child = await startCli(["run", quadratic, "--iterations", "1000000", ...common], temporary.dir);
    await waitFor(() => listRuns(runsDir).some((run) => fs.statSync(path.join(run.dir, "trace.jsonl")).size > 0), 20_000, "the first trace lines");
    const runDir = onlyRun(runsDir);
    const runProcess = RunStore.open(runDir).lockHolder()!;
    const refused = await runCli(["resume", path.basename(runDir)], temporary.dir);
    assert.equal(refused.code, 2, explain(refused));
    assert.match(refused.stderr, new RegExp(`zoar: ${path.basename(runDir)} is being run by process ${runProcess}; stop it there first`));
    child.kill("SIGINT");
    assert.equal((await child.outcome).code, 130);
    const resumed = await runCli(["resume", path.basename(runDir), "--iterations", "10", "--json"], temporary.dir);
    assert.equal(resumed.code, 0, explain(resumed));
  });

  it("resumes from the previous checkpoint when checkpoint.json is damaged, saying so; with neither readable, says what is left (exit 1)", async () => {
    // Checkpoints every 1000 iterations and at the end: the previous generation is at 1000.
    const first = await runCli(["run", quadratic, "--iterations", "1500", ...common, "--json"], temporary.dir);
    assert.equal(first.code, 0, explain(first));
    const store = RunStore.open(jsonOf(first).runDir as string);
    const text = fs.readFileSync(store.file("checkpoint"), "utf8");
    fs.writeFileSync(store.file("checkpoint"), text.slice(0, text.length - 100));
    const resumed = await runCli(["resume", store.id, "--iterations", "1600", "--json"], temporary.dir);
    assert.equal(resumed.code, 0, explain(resumed));
    assert.match(resumed.stderr, /zoar: checkpoint\.json is unreadable \(.*JSON.*\); resumed from checkpoint\.previous\.json \(iteration 1000\)/);
    assert.match(resumed.stderr, /resuming at iteration 1000/);
    assert.equal(jsonOf(resumed).iterations, 1600);

    fs.writeFileSync(store.file("checkpoint"), "{");
    fs.writeFileSync(store.file("previousCheckpoint"), "");
    const refused = await runCli(["resume", store.id, "--iterations", "1700"], temporary.dir);
    assert.equal(refused.code, 1, explain(refused));
    assert.match(refused.stderr, new RegExp(`zoar: run ${store.id} has no readable checkpoint: .*checkpoint\\.json is unreadable .*It cannot be resumed; its trace \\(trace\\.jsonl, 1600 iterations\\) and result stay readable`));
    assert.doesNotMatch(refused.stderr, /zoar resume/, "no suggestion to try the same resume again");
  });

  it("refuses to resume what is not a run (exit 2)", async () => {
    const outcome = await runCli(["resume", "no-such-run"], temporary.dir);
    assert.equal(outcome.code, 2, explain(outcome));
    assert.match(outcome.stderr, /zoar: no run at no-such-run/);
  });
});
