import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { OptimizerSnapshot } from "../../src/engine";
import { resumeRun, type RunLoop, startRun } from "../../src/run/loop";
import { RunStore } from "../../src/run/store";
import type { RunProgress, RunSettings, TraceLine } from "../../src/run/types";
import { positionOf, runFixture, sameBits, useTemporaryFolder, waitFor } from "./helpers";

/** Trace lines without their timing, which differs between runs. */
function untimed(lines: TraceLine[]): string[] {
  return lines.map(({ elapsedMs: _elapsed, ...rest }) => JSON.stringify(rest));
}

describe("run loop", () => {
  const temporary = useTemporaryFolder();
  const settings = (more: Partial<RunSettings>): RunSettings => ({
    objectiveFile: runFixture("quadratic.ts"),
    optimizer: "zoar",
    overrides: { lr: 0.02 },
    seed: 7,
    runsDir: path.join(temporary.dir, "runs"),
    ...more,
  });
  const loops: RunLoop[] = [];
  async function start(more: Partial<RunSettings>): Promise<RunLoop> {
    const loop = await startRun(settings(more));
    loops.push(loop);
    return loop;
  }
  afterEach(async () => {
    for (const loop of loops.splice(0)) {
      loop.stop();
      await loop.run();
    }
  });

  it("writes config, trace, checkpoint and result of a run that reaches its iteration limit", async () => {
    const loop = await start({ stop: { iterations: 25 } });
    const result = await loop.run();
    assert.equal(result.status, "done");
    assert.equal(result.reason, "iterations");
    assert.equal(result.iterations, 25);
    assert.equal(result.evaluations, 25 * 11);
    assert.ok(result.bestValue < 5, `the quadratic starts at 5 and improves (best ${result.bestValue})`);

    const store = RunStore.open(loop.runDir);
    const config = store.readConfig();
    assert.equal(config.objective.file, runFixture("quadratic.ts"));
    assert.equal(config.objective.name, "quadratic");
    assert.equal(config.objective.dimension, 5);
    assert.equal(config.optimizer, "zoar");
    assert.equal(config.config.lr, 0.02);
    assert.equal(config.config.queries, 10, "the resolved configuration, not only the overrides");
    assert.deepEqual(config.overrides, { lr: 0.02 });
    assert.equal(config.seed, 7);
    assert.deepEqual(config.stop, { iterations: 25 });
    assert.equal(config.nonFinite, "fail");

    const trace = store.readTrace().lines;
    assert.deepEqual(trace.map((l) => l.iteration), Array.from({ length: 25 }, (_, t) => t));
    assert.equal(trace[0].value, 5, "f(0) of sum (x_i - 1)^2 in 5 dimensions");
    assert.equal(trace[24].evaluations, 275);
    assert.equal(Math.min(...trace.map((l) => l.best)), result.bestValue);
    assert.ok(trace.every((l, t) => t === 0 || l.elapsedMs >= trace[t - 1].elapsedMs));

    const checkpoint = store.readCheckpoint();
    assert.equal(checkpoint.iteration, 25);
    assert.equal(checkpoint.traceLines, 25);
    assert.equal(checkpoint.best.value, result.bestValue);
    assert.equal(checkpoint.lastMeasured!.iteration, 24);
    assert.equal(checkpoint.lastMeasured!.value, trace[24].value);
    assert.deepEqual(store.readResult(), result);
    assert.equal(store.lockHolder(), undefined, "the lock is released at the end");
  });

  it("resumes bit-identically: 30 iterations + resume + 30 equals 60 straight", async () => {
    const straight = await (await start({ stop: { iterations: 60 } })).run();
    const first = await start({ stop: { iterations: 30 } });
    await first.run();
    const resumed = await resumeRun(first.runDir, { stop: { iterations: 60 } });
    assert.equal(resumed.started.iteration, 30);
    assert.equal(resumed.started.resumed, true);
    const result = await resumed.run();
    assert.equal(result.iterations, 60);

    const a = RunStore.open(straight.runDir!);
    const b = RunStore.open(first.runDir);
    assert.deepEqual(untimed(b.readTrace().lines), untimed(a.readTrace().lines));
    const [ca, cb] = [a.readCheckpoint(), b.readCheckpoint()];
    for (const [what, x, y] of [
      ["final theta", ca.snapshot.theta, cb.snapshot.theta],
      ["last measured point", ca.lastMeasured!.parameters, cb.lastMeasured!.parameters],
      ["best point", ca.best.parameters, cb.best.parameters],
      ["first moment", (ca.snapshot as OptimizerSnapshot).moments.m, (cb.snapshot as OptimizerSnapshot).moments.m],
    ] as const) {
      const same = sameBits(x, y);
      assert.ok(same.equal, `${what}: ${same.message}`);
    }
    assert.ok(Object.is(result.bestValue, straight.bestValue));
    assert.ok(Object.is(result.finalValue, straight.finalValue));
    assert.equal(b.readConfig().stop.iterations, 60, "the new stop condition is recorded");
  });

  it("runs cma-es with its population per iteration and resumes it bit-identically", async () => {
    const cma = { optimizer: "cma-es", overrides: {} };
    const straight = await (await start({ ...cma, stop: { iterations: 40 } })).run();
    const first = await start({ ...cma, stop: { iterations: 15 } });
    await first.run();
    const result = await (await resumeRun(first.runDir, { stop: { iterations: 40 } })).run();
    const [a, b] = [RunStore.open(straight.runDir!), RunStore.open(first.runDir)];
    const population = a.readConfig().config.queries;
    assert.equal(population, 8, "4 + floor(3 ln 5) for the 5-d fixture, recorded as resolved");
    assert.equal(a.readTrace().lines[39].evaluations, 40 * population);
    assert.deepEqual(untimed(b.readTrace().lines), untimed(a.readTrace().lines));
    const same = sameBits(b.readCheckpoint().snapshot.theta, a.readCheckpoint().snapshot.theta);
    assert.ok(same.equal, same.message);
    assert.ok(Object.is(result.finalValue, straight.finalValue));
  });

  it("resumes after a kill from the last checkpoint, dropping trace lines written after it and a torn line", async () => {
    const straight = await (await start({ stop: { iterations: 40 } })).run();
    // As a kill leaves it: the last checkpoint at iteration 20, the trace on to 27 and a torn line after it.
    const interrupted = await start({ stop: { iterations: 20 } });
    await interrupted.run();
    const store = RunStore.open(interrupted.runDir);
    const checkpointAt20 = fs.readFileSync(store.file("checkpoint"), "utf8");
    await (await resumeRun(interrupted.runDir, { stop: { iterations: 27 } })).run();
    assert.equal(store.readTrace().lines.length, 27);
    fs.writeFileSync(store.file("checkpoint"), checkpointAt20);
    store.removeResult();
    fs.appendFileSync(store.file("trace"), '{"iteration":27,"evalu');

    const resumed = await resumeRun(interrupted.runDir, { stop: { iterations: 40 } });
    assert.equal(resumed.started.iteration, 20);
    await resumed.run();
    const trace = store.readTrace();
    assert.equal(trace.torn, false);
    assert.deepEqual(untimed(trace.lines), untimed(RunStore.open(straight.runDir!).readTrace().lines));
  });

  it("stops at the evaluation budget without exceeding it", async () => {
    const result = await (await start({ stop: { evaluations: 100 } })).run();
    assert.equal(result.reason, "evaluations");
    assert.equal(result.iterations, 9, "9 x 11 = 99; a tenth iteration would need 110");
    assert.equal(result.evaluations, 99);
  });

  it("stops at the first iteration whose best value reaches the target", async () => {
    const target = 4.5;
    const result = await (await start({ stop: { target, iterations: 10_000 } })).run();
    assert.equal(result.reason, "target");
    assert.ok(result.bestValue <= target);
    const trace = RunStore.open(result.runDir!).readTrace().lines;
    assert.equal(trace.length, result.iterations);
    assert.ok(trace.slice(0, -1).every((l) => l.best > target), "no earlier iteration reached it");
  });

  it("stops when its active time is used up", async () => {
    const started = performance.now();
    const result = await (await start({ objectiveFile: runFixture("slow-quadratic.ts"), stop: { timeMs: 300 } })).run();
    const wall = performance.now() - started;
    assert.equal(result.reason, "time");
    assert.ok(result.elapsedMs >= 300 && result.elapsedMs < 600, `elapsed ${result.elapsedMs} ms`);
    assert.ok(wall < 2000, `took ${wall} ms`);
    assert.ok(result.iterations > 10);
  });

  it("pauses, steps exactly one iteration at a time, resumes and stops on request", async () => {
    const loop = await start({ objectiveFile: runFixture("slow-quadratic.ts"), stop: { iterations: 100_000 } });
    const events: RunProgress[] = [];
    loop.onProgress((progress) => events.push(progress));
    const running = loop.run();
    await waitFor(() => events.some((e) => e.iteration >= 3), 10_000, "a few iterations");
    loop.pause();
    await waitFor(() => events.at(-1)?.state === "paused", 10_000, "the pause");
    const pausedAt = events.at(-1)!.iteration;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(events.at(-1)!.iteration, pausedAt, "no iteration while paused");
    assert.equal(RunStore.open(loop.runDir).readCheckpoint().iteration, pausedAt, "a paused run is checkpointed");

    for (let step = 1; step <= 3; step++) {
      loop.step();
      await waitFor(() => events.at(-1)!.iteration === pausedAt + step && events.at(-1)!.state === "paused", 10_000, `step ${step}`);
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.equal(events.at(-1)!.iteration, pausedAt + step, "exactly one iteration per step");
    }
    loop.resume();
    await waitFor(() => events.at(-1)!.iteration > pausedAt + 10, 10_000, "running again");
    loop.stop();
    const result = await running;
    assert.equal(result.status, "stopped");
    assert.equal(result.reason, "stopped");
    assert.equal(RunStore.open(loop.runDir).readCheckpoint().iteration, result.iterations, "resumable where it stopped");
    const last = events.at(-1)!;
    assert.equal(last.state, "finished");
    assert.equal(last.iteration, result.iterations);
  });

  it("sends at most 20 progress events per second, the last one at the end, carrying every trace line once", async () => {
    const loop = await start({ objectiveFile: runFixture("quadratic.ts"), stop: { timeMs: 500 } });
    const events: { at: number; progress: RunProgress }[] = [];
    loop.onProgress((progress) => events.push({ at: performance.now(), progress }));
    const result = await loop.run();
    const gaps = events.slice(1).map((e, i) => e.at - events[i].at);
    assert.ok(events.length >= 5, `${events.length} events`);
    assert.ok(Math.min(...gaps) >= 49.5, `gaps ${gaps.map((g) => g.toFixed(1)).join(", ")}`);
    const seconds = (events.at(-1)!.at - events[0].at) / 1000;
    assert.ok(events.length <= 20 * seconds + 1, `${events.length} events in ${seconds} s`);
    const last = events.at(-1)!.progress;
    assert.equal(last.state, "finished");
    assert.equal(last.iteration, result.iterations);
    assert.deepEqual(
      events.flatMap((e) => e.progress.trace.map((l) => l.iteration)),
      Array.from({ length: result.iterations }, (_, t) => t),
    );
    const middle = events[Math.floor(events.length / 2)].progress;
    assert.ok(middle.evaluationsPerSecond > 0);
    assert.ok(middle.etaMs !== undefined && middle.etaMs > 0 && middle.etaMs <= 500);
    assert.ok(middle.fraction! > 0 && middle.fraction! < 1);
    assert.equal(middle.inspection.name, "zoar");
    assert.equal(middle.inspection.dimension, 5);
    assert.equal(middle.inspection.thetaHead.length, 5);
    assert.equal(middle.inspection.bufferCapacity, 60);
    assert.ok(middle.inspection.buffer.length > 0 && middle.inspection.buffer.every((entry) => Number.isFinite(entry.value)));
  });

  it("records an objective error with its place; the trace and checkpoint stay valid and resumable", async () => {
    const file = runFixture("fails-at-evaluation-100.ts");
    const loop = await start({ objectiveFile: file, stop: { iterations: 50 } });
    const result = await loop.run();
    assert.equal(result.status, "failed");
    assert.equal(result.reason, "objective");
    const place = positionOf(file, "new RangeError");
    assert.equal(result.error!.kind, "evaluate");
    assert.equal(result.error!.file, file);
    assert.equal(result.error!.line, place.line);
    assert.equal(result.error!.column, place.column);
    assert.equal(result.error!.iteration, 9);
    assert.equal(result.error!.query, 0);
    assert.match(result.error!.message, /RangeError: the simulator diverged/);

    const store = RunStore.open(loop.runDir);
    assert.deepEqual(store.readResult(), result);
    const trace = store.readTrace();
    assert.equal(trace.torn, false);
    assert.deepEqual(trace.lines.map((l) => l.iteration), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(store.readCheckpoint().iteration, 9, "checkpointed after the last completed iteration");

    // The objective's counter restarts in a new worker (99 more evaluations before it throws again).
    const resumed = await (await resumeRun(loop.runDir, { stop: { iterations: 15 } })).run();
    assert.equal(resumed.status, "done");
    assert.equal(resumed.iterations, 15);
    assert.equal(resumed.evaluations, 15 * 11);
    assert.deepEqual(store.readTrace().lines.map((l) => l.iteration), Array.from({ length: 15 }, (_, t) => t));
    assert.equal(store.readResult()!.error, undefined);
  });

  it("fails with a timeout when the objective hangs, naming the iteration and query", async () => {
    const started = performance.now();
    const loop = await start({ objectiveFile: runFixture("hangs-at-evaluation-50.ts"), stop: { iterations: 50 }, timeoutMs: 1000 });
    const result = await loop.run();
    assert.ok(performance.now() - started < 6000);
    assert.equal(result.status, "failed");
    assert.equal(result.error!.kind, "timeout");
    assert.equal(result.error!.iteration, 4);
    assert.equal(result.error!.query, 5);
    assert.equal(RunStore.open(loop.runDir).readTrace().lines.length, 4);
  });

  it("a stop during a hung evaluation ends the run at once, resumable from the last completed iteration", async () => {
    const loop = await start({ objectiveFile: runFixture("hangs-at-evaluation-50.ts"), stop: { iterations: 50 }, timeoutMs: 0 });
    const events: RunProgress[] = [];
    loop.onProgress((progress) => events.push(progress));
    const running = loop.run();
    await waitFor(() => events.some((e) => e.iteration === 4), 10_000, "iteration 4");
    await new Promise((resolve) => setTimeout(resolve, 100));
    loop.stop();
    const result = await running;
    assert.equal(result.status, "stopped");
    assert.equal(result.iterations, 4);
    assert.equal(RunStore.open(loop.runDir).readCheckpoint().iteration, 4);
  });

  it('skips non-finite values under policy "skip" and counts them in the trace; fails on them under "fail"', async () => {
    const skipping = await (await start({ objectiveFile: runFixture("nan-every-fourth.ts"), nonFinite: "skip", stop: { iterations: 12 } })).run();
    assert.equal(skipping.status, "done");
    const trace = RunStore.open(skipping.runDir!).readTrace().lines;
    const skipped = trace.reduce((sum, l) => sum + (l.skipped ?? 0), 0);
    assert.equal(skipped, Math.floor((12 * 11) / 4));
    assert.ok(trace.every((l) => Number.isFinite(l.value) && Number.isFinite(l.best)));

    const failing = await (await start({ objectiveFile: runFixture("nan-every-fourth.ts"), stop: { iterations: 12 } })).run();
    assert.equal(failing.status, "failed");
    assert.equal(failing.error!.kind, "non-finite");
    assert.equal(failing.error!.iteration, 0);
    assert.equal(failing.error!.query, 3);
  });

  it("checks its settings before loading the objective", async () => {
    await assert.rejects(startRun(settings({ optimizer: "nope" })), /unknown optimizer "nope"/);
    await assert.rejects(startRun(settings({ overrides: { mu: -1 } })), /mu/);
    await assert.rejects(startRun(settings({ stop: { iterations: 1.5 } })), /iterations must be an integer/);
    assert.equal(fs.existsSync(path.join(temporary.dir, "runs")), false, "no run folder was made");
  });
});
