import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultRunWorkerScript, RunController } from "../../src/run/controller";
import { RunStore } from "../../src/run/store";
import type { RunProgress, RunSettings, RunStarted } from "../../src/run/types";
import { OBJECTIVE_FIXTURES, positionOf, runFixture, useTemporaryFolder, waitFor } from "./helpers";

describe("run controller: the loop in a process of its own", () => {
  const temporary = useTemporaryFolder();
  const settings = (more: Partial<RunSettings>): RunSettings => ({
    objectiveFile: runFixture("quadratic.ts"),
    optimizer: "zoar",
    overrides: { lr: 0.02 },
    seed: 3,
    runsDir: path.join(temporary.dir, "runs"),
    ...more,
  });
  const controllers: RunController[] = [];
  function start(more: Partial<RunSettings>, options = {}): RunController {
    const controller = RunController.start(settings(more), options);
    controllers.push(controller);
    return controller;
  }
  afterEach(async () => {
    for (const controller of controllers.splice(0)) {
      controller.stop();
      await controller.finished;
    }
  });

  it("passes on what the objective prints, line by line and stream by stream, before the result", async () => {
    const lines: string[] = [];
    const controller = start({ objectiveFile: runFixture("prints.ts"), stop: { iterations: 50 } }, { output: (line: string, stream: string) => lines.push(`${stream}: ${line}`) });
    const result = await controller.finished;
    assert.equal(result.status, "done");
    // 50 iterations of K = 10 queries: 500 evaluations.
    assert.deepEqual(lines, ["stderr: prints: warming up", ...[100, 200, 300, 400, 500].map((n) => `stdout: prints: evaluation ${n}`)]);
  });

  it("announces the run, forwards progress and resolves with the result written to result.json", async () => {
    const controller = start({ stop: { iterations: 40 } });
    const started: RunStarted[] = [];
    const events: RunProgress[] = [];
    controller.onStarted((info) => started.push(info));
    controller.onProgress((progress) => events.push(progress));
    assert.equal(controller.currentState, "starting");
    const result = await controller.finished;

    assert.equal(result.status, "done");
    assert.equal(result.iterations, 40);
    assert.equal(result.runDir, controller.runDir);
    assert.equal(path.dirname(controller.runDir), path.join(temporary.dir, "runs"));
    assert.equal(started.length, 1);
    assert.equal(started[0].runDir, controller.runDir);
    assert.equal(started[0].config.objective.name, "quadratic");
    assert.equal(started[0].iteration, 0);
    assert.equal(events.at(-1)!.state, "finished");
    assert.equal(events.at(-1)!.iteration, 40);
    assert.equal(events.flatMap((e) => e.trace).length, 40);
    assert.equal(controller.currentState, "finished");
    assert.deepEqual(RunStore.open(controller.runDir).readResult(), result);
  });

  it("pauses, steps and stops the run process's loop; a stopped run resumes in a new process", async () => {
    const controller = start({ objectiveFile: runFixture("slow-quadratic.ts"), stop: { iterations: 100_000 } });
    controller.pause(); // before the objective has even loaded: applied once it has
    await waitFor(() => controller.lastProgress?.state === "paused", 10_000, "the pause");
    assert.equal(controller.lastProgress!.iteration, 0);
    controller.step();
    await waitFor(() => controller.lastProgress!.iteration === 1, 10_000, "one step");
    controller.step();
    await waitFor(() => controller.lastProgress!.iteration === 2, 10_000, "another step");
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(controller.lastProgress!.iteration, 2);
    assert.equal(controller.currentState, "paused");
    controller.resume();
    await waitFor(() => controller.lastProgress!.iteration >= 10, 10_000, "running again");
    controller.stop();
    const stopped = await controller.finished;
    assert.equal(stopped.status, "stopped");

    const resumed = RunController.resume(controller.runDir, { iterations: stopped.iterations + 5 });
    controllers.push(resumed);
    const result = await resumed.finished;
    assert.equal(result.status, "done");
    assert.equal(result.iterations, stopped.iterations + 5);
    const trace = RunStore.open(controller.runDir).readTrace().lines;
    assert.deepEqual(trace.map((l) => l.iteration), Array.from({ length: result.iterations }, (_, t) => t));
  });

  it("reports a run whose objective does not load as failed, with the place, and leaves no run folder", async () => {
    const file = path.join(OBJECTIVE_FIXTURES, "load-throws.ts");
    const result = await start({ objectiveFile: file }).finished;
    assert.equal(result.status, "failed");
    assert.equal(result.reason, "objective");
    assert.equal(result.runDir, undefined);
    assert.equal(result.error!.kind, "load");
    assert.equal(result.error!.line, positionOf(file, "throw new Error").line);
    assert.match(result.error!.message, /ZOAR_TEST_UNSET_VARIABLE is not set/);
    assert.equal(fs.existsSync(path.join(temporary.dir, "runs")), false);
  });

  it("survives its process being killed: the run is recorded as failed at its iteration, its trace and checkpoint stay readable", async () => {
    const controller = start({ objectiveFile: runFixture("slow-quadratic.ts"), stop: { iterations: 100_000 }, checkpoint: { iterations: 5, ms: 0 } });
    await waitFor(() => (controller.lastProgress?.iteration ?? 0) >= 20, 20_000, "20 iterations");
    assert.notEqual(controller.pid, process.pid);
    process.kill(controller.pid!, "SIGKILL");
    const result = await controller.finished;
    assert.equal(result.status, "failed");
    assert.equal(result.error!.kind, "crash");
    assert.match(result.error!.message, /^slow-quadratic\.ts: the run process crashed \(SIGKILL\) at iteration \d+$/);
    assert.equal(result.runDir, controller.runDir);
    assert.equal(controller.currentState, "finished");
    const store = RunStore.open(controller.runDir);
    assert.deepEqual(store.readResult(), result);
    assert.equal(store.lockHolder(), undefined, "the lock of the dead process is released");
    const trace = store.readTrace().lines;
    assert.ok(trace.length >= 20, `${trace.length} iterations in the trace`);
    assert.equal(result.iterations, trace.length);
    assert.ok(result.error!.iteration! >= trace.length, "the iteration in progress is past the trace");
    assert.equal(result.bestValue, trace.at(-1)!.best);
    assert.ok(store.readCheckpoint().iteration <= trace.length, "a checkpoint to resume from");

    const resumed = RunController.resume(controller.runDir, { iterations: trace.length + 5 });
    controllers.push(resumed);
    assert.equal((await resumed.finished).status, "done");
  });

  it("stops cleanly when its process is asked to end (SIGTERM), and ignores a Ctrl-C meant for the whole terminal", async () => {
    const controller = start({ objectiveFile: runFixture("slow-quadratic.ts"), stop: { iterations: 100_000 } });
    await waitFor(() => (controller.lastProgress?.iteration ?? 0) >= 5, 20_000, "5 iterations");
    process.kill(controller.pid!, "SIGINT");
    const before = controller.lastProgress!.iteration;
    await waitFor(() => controller.lastProgress!.iteration >= before + 5, 20_000, "running on after SIGINT");
    process.kill(controller.pid!, "SIGTERM");
    const result = await controller.finished;
    assert.equal(result.status, "stopped");
    const store = RunStore.open(controller.runDir);
    assert.equal(store.readCheckpoint().iteration, result.iterations, "checkpointed where it stopped");
    assert.equal(store.lockHolder(), undefined);
  });

  it("reports a run process that crashes while its objective loads, with no run folder left", async () => {
    const file = path.join(temporary.dir, "crashes-on-load.ts");
    fs.writeFileSync(file, 'import { defineObjective } from "zoar";\nprocess.kill(process.pid, "SIGSEGV");\nexport default defineObjective({ dimension: 1, evaluate: (x) => x[0] });\n');
    const result = await start({ objectiveFile: file }).finished;
    assert.equal(result.status, "failed");
    assert.equal(result.error!.message, "crashes-on-load.ts: the run process crashed (SIGSEGV) while the objective was loading");
    assert.equal(result.runDir, undefined);
    assert.equal(fs.existsSync(path.join(temporary.dir, "runs")), false);
  });

  it("finds its worker: the bundle beside it first, then the TypeScript source", () => {
    assert.equal(defaultRunWorkerScript(path.resolve(__dirname, "../../src/run")), path.resolve(__dirname, "../../src/run/worker.ts"));
    fs.writeFileSync(path.join(temporary.dir, "run-worker.js"), "");
    assert.equal(defaultRunWorkerScript(temporary.dir), path.join(temporary.dir, "run-worker.js"));
    assert.throws(() => defaultRunWorkerScript(path.join(temporary.dir, "runs")), /run worker was not found/);
  });
});
