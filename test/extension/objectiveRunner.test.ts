// The live runs of an objective, with stand-in runs: one at a time, queued
// runs cancelled by stop, a failed load ending a comparison, commands going
// to the right run, and nothing a listener does stopping the queue.
import assert from "node:assert/strict";
import type { InspectionSummary, RunProgress, RunResult, RunSettings, RunStarted } from "../../src/run/types";
import { BusyError, ObjectiveRunner, type RunEvents, type RunHandle } from "../../src/extension/objectiveRunner";
import { ObjectiveSession } from "../../src/extension/session";
import { optimizerEntry } from "../../src/engine";

class FakeRun implements RunHandle {
  readonly commands: string[] = [];
  readonly finished: Promise<RunResult>;
  private resolve!: (result: RunResult) => void;
  private readonly started = new Set<(started: RunStarted) => void>();
  private readonly progressed = new Set<(progress: RunProgress) => void>();

  constructor(readonly settings: RunSettings) {
    this.finished = new Promise((resolve) => (this.resolve = resolve));
  }

  get runDir(): string {
    return this.settings.runDir!;
  }

  onStarted(listener: (started: RunStarted) => void): () => void {
    this.started.add(listener);
    return () => this.started.delete(listener);
  }

  onProgress(listener: (progress: RunProgress) => void): () => void {
    this.progressed.add(listener);
    return () => this.progressed.delete(listener);
  }

  pause(): void {
    this.commands.push("pause");
  }
  resume(): void {
    this.commands.push("resume");
  }
  step(): void {
    this.commands.push("step");
  }
  stop(): void {
    this.commands.push("stop");
  }

  announce(provider?: string): void {
    const config = { objective: { file: "/w/a.ts", name: "a", dimension: 3 }, optimizer: this.settings.optimizer } as RunStarted["config"];
    for (const listener of this.started) listener({ runDir: this.runDir, id: "x", config, iteration: 0, resumed: false, provider, providerNote: undefined });
  }

  report(iteration: number, state: RunProgress["state"] = "running"): void {
    const inspection: InspectionSummary = {
      name: this.settings.optimizer,
      iteration,
      dimension: 3,
      config: optimizerEntry(this.settings.optimizer).config,
      baseline: NaN,
      buffer: [],
      bufferCapacity: 0,
      heldEstimates: [],
      last: null,
      best: { value: 1, iteration: 0 },
      norms: { theta: 1, gradient: 2, m: 0, v: 0 },
      thetaHead: [0, 0, 0],
    };
    const trace = [{ iteration: iteration - 1, evaluations: iteration * 11, value: 1 / iteration, best: 1 / iteration, baseline: NaN, gradientNorm: 1, stepNorm: 1, elapsedMs: iteration }];
    const progress: RunProgress = { state, iteration, evaluations: iteration * 11, value: 1 / iteration, best: 1 / iteration, evaluationsPerSecond: 100, elapsedMs: iteration, etaMs: undefined, fraction: undefined, trace, inspection };
    for (const listener of this.progressed) listener(progress);
  }

  end(result: Partial<RunResult> = {}): void {
    this.resolve({
      status: "done",
      reason: "iterations",
      runDir: this.runDir,
      iterations: 10,
      evaluations: 110,
      bestValue: 0.1,
      bestIteration: 9,
      finalValue: 0.1,
      elapsedMs: 10,
      provider: undefined,
      finished: new Date().toISOString(),
      ...result,
    });
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function plan(...optimizers: string[]): RunSettings[] {
  return optimizers.map((optimizer, i) => ({ objectiveFile: "/w/a.ts", optimizer, seed: 4, stop: { iterations: 10 }, runDir: `/w/.zoar/runs/run-${i}-${optimizer}` }));
}

function setup(events: RunEvents = {}) {
  const session = new ObjectiveSession("/w/a.ts", "a.ts");
  const launched: FakeRun[] = [];
  const runner = new ObjectiveRunner(session, {
    launch: (settings) => {
      const run = new FakeRun(settings);
      launched.push(run);
      return run;
    },
    events,
  });
  return { session, runner, launched };
}

describe("objective runner (live runs of one objective)", () => {
  it("runs a comparison one run after another and maps each run's events into the session", async () => {
    const finished: string[] = [];
    const { session, runner, launched } = setup({ finished: (event) => finished.push(`${event.optimizer}:${event.result.status}`) });
    const ids = runner.start(plan("zoar", "vanilla"));
    assert.deepEqual(ids, ["run-0-zoar", "run-1-vanilla"]);
    assert.equal(launched.length, 1, "only the first run starts");
    assert.deepEqual(
      ids.map((id) => session.header(id)!.status),
      ["starting", "starting"],
    );
    assert.equal(session.header(ids[1])!.label, "vanilla #1");

    launched[0].announce("cpu");
    launched[0].report(5);
    assert.equal(session.header(ids[0])!.status, "running");
    assert.equal(session.header(ids[0])!.provider, "CPU");
    assert.equal(session.header(ids[0])!.iteration, 5);
    assert.equal(session.snapshot({ canRun: true }, []).inspector!.norms.gradient, 2, "the selected run's inspector comes from its progress");

    launched[0].end();
    await settle();
    assert.equal(session.header(ids[0])!.status, "done");
    assert.equal(session.header(ids[0])!.reason, "iteration limit reached");
    assert.equal(launched.length, 2, "the second run starts once the first has ended");
    assert.equal(session.selectedRunId, ids[1], "the selection follows the comparison");
    assert.equal(runner.activeRunId, ids[1]);

    launched[1].end({ status: "stopped", reason: "stopped" });
    await runner.whenIdle();
    assert.equal(runner.busy, false);
    assert.deepEqual(finished, ["zoar:done", "vanilla:stopped"]);
  });

  it("refuses to start while runs are going", () => {
    const { runner } = setup();
    runner.start(plan("zoar"));
    assert.throws(() => runner.start(plan("vanilla")), BusyError);
  });

  it("sends commands to the run going, and a stop to a waiting run cancels it", async () => {
    const { session, runner, launched } = setup();
    const [first, second, third] = runner.start(plan("zoar", "vanilla", "radazo"));
    assert.equal(runner.command(first, "pause"), true);
    assert.equal(runner.command(first, "step"), true);
    assert.deepEqual(launched[0].commands, ["pause", "step"]);
    assert.equal(runner.command(second, "stop"), true);
    assert.equal(session.header(second)!.status, "stopped");
    assert.match(session.header(second)!.reason!, /cancelled/);
    assert.equal(runner.command("unknown", "pause"), false);

    launched[0].end();
    await settle();
    assert.deepEqual(
      launched.map((run) => run.settings.optimizer),
      ["zoar", "radazo"],
      "the cancelled run never starts",
    );
    assert.equal(runner.activeRunId, third);
    runner.stopAll();
    assert.deepEqual(launched[1].commands, ["stop"]);
  });

  it("does not try the rest of a comparison when the objective cannot load", async () => {
    const { session, runner, launched } = setup();
    const ids = runner.start(plan("zoar", "vanilla"));
    launched[0].end({ status: "failed", reason: "objective", runDir: undefined, iterations: 0, error: { message: "a.ts:3:1: compile error", file: "/w/a.ts", line: 3, column: 1 } });
    await runner.whenIdle();
    assert.equal(launched.length, 1);
    assert.equal(session.header(ids[0])!.status, "failed");
    assert.equal(session.header(ids[0])!.reason, "a.ts:3:1: compile error");
    assert.equal(session.header(ids[1])!.status, "stopped");
    assert.match(session.header(ids[1])!.reason!, /could not load the objective/);
  });

  it("ends a run whose worker cannot start as failed, and the comparison with it", async () => {
    const session = new ObjectiveSession("/w/a.ts", "a.ts");
    const finished: string[] = [];
    let calls = 0;
    const runner = new ObjectiveRunner(session, {
      launch: () => {
        calls++;
        throw new Error("no worker script");
      },
      events: { finished: (event) => finished.push(`${event.optimizer}:${event.result.status}:${event.result.error?.message ?? ""}`) },
    });
    runner.start(plan("zoar", "vanilla"));
    await runner.whenIdle();
    assert.deepEqual(finished, ["zoar:failed:the run of zoar could not start: no worker script"]);
    assert.equal(session.header(session.runIds[1])!.status, "stopped");
    assert.equal(calls, 1);
  });

  it("keeps running when an event listener throws, and reports it", async () => {
    const problems: string[] = [];
    const { session, runner, launched } = setup({
      progress: () => {
        throw new Error("listener bug");
      },
      problem: (message) => problems.push(message),
    });
    const [id] = runner.start(plan("zoar"));
    launched[0].report(3);
    assert.equal(session.header(id)!.iteration, 3);
    assert.deepEqual(problems, ["a run listener failed: listener bug"]);
    launched[0].end();
    await runner.whenIdle();
  });

  it("reads the best parameters from the checkpoint when a run ends", async () => {
    const session = new ObjectiveSession("/w/a.ts", "a.ts");
    const reads: string[] = [];
    let launched: FakeRun | undefined;
    const runner = new ObjectiveRunner(session, {
      launch: (settings) => (launched = new FakeRun(settings)),
      readDetails: async (runId, runDir) => {
        reads.push(runDir);
        return { parameters: { runId, iteration: 2, value: 0.5, dimension: 3, head: [1, 2, 3], histogram: { min: 1, max: 3, counts: [1, 1, 1] } } };
      },
      parametersRefreshMs: 60_000,
    });
    const [id] = runner.start(plan("zoar"));
    launched!.announce();
    launched!.report(1);
    launched!.report(2); // within the refresh interval: no second read
    launched!.end();
    await runner.whenIdle();
    await settle();
    assert.deepEqual(reads, ["/w/.zoar/runs/run-0-zoar", "/w/.zoar/runs/run-0-zoar"]);
    assert.equal(session.snapshot({ canRun: true }, []).parameters!.runId, id);
  });
});
