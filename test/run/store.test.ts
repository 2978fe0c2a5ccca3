import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_CONFIG, createOptimizer } from "../../src/engine";
import { type Checkpoint, listRuns, newRunId, readRun, resolveRunDir, RunStore, RunStoreError } from "../../src/run/store";
import { readTrace, TraceWriter, truncateTrace } from "../../src/run/trace";
import type { RunConfig, TraceLine } from "../../src/run/types";
import { useTemporaryFolder } from "./helpers";

function config(id: string): RunConfig {
  return {
    format: "zoar-run/1",
    id,
    created: new Date().toISOString(),
    objective: { file: "/somewhere/objective.ts", name: "objective", dimension: 2 },
    optimizer: "zoar",
    config: { ...DEFAULT_CONFIG },
    overrides: {},
    seed: 0,
    stop: { iterations: 10 },
    timeoutMs: 1000,
    nonFinite: "fail",
    provider: undefined,
    checkpoint: { iterations: 5, ms: 0 },
  };
}

function line(iteration: number): TraceLine {
  return { iteration, evaluations: 11 * (iteration + 1), value: 1 / (iteration + 1), best: 0.5, baseline: NaN, gradientNorm: 2, stepNorm: 0.1, elapsedMs: iteration };
}

function checkpointAt(iteration: number): Checkpoint {
  const snapshot = createOptimizer("zoar", {}, { initial: [1, 2] }).snapshot();
  return {
    format: "zoar-checkpoint/1",
    iteration,
    traceLines: iteration,
    evaluations: 11 * iteration,
    elapsedMs: 3,
    written: new Date().toISOString(),
    best: { iteration: 0, value: -0, parameters: new Float64Array([-0, 1]) },
    lastMeasured: null,
    snapshot,
  };
}

describe("run store", () => {
  const temporary = useTemporaryFolder();

  it("makes sortable ids: date, time to the second, 8 random hex digits", () => {
    const early = newRunId(new Date(2026, 0, 2, 3, 4, 5));
    const late = newRunId(new Date(2026, 10, 22, 4, 55, 1));
    assert.match(early, /^20260102-030405-[0-9a-f]{8}$/);
    assert.match(late, /^20261122-045501-[0-9a-f]{8}$/);
    assert.ok(early < late);
  });

  it("gives distinct ids to many runs started in the same second", () => {
    const second = new Date(2026, 10, 22, 6, 0, 0);
    const ids = new Set(Array.from({ length: 20000 }, () => newRunId(second)));
    assert.equal(ids.size, 20000);
  });

  it("refuses to create a run folder twice and to open a folder without config.json", () => {
    const dir = path.join(temporary.dir, "runs", "a");
    RunStore.create(dir, config("a"));
    assert.throws(() => RunStore.create(dir, config("a")), /already exists/);
    assert.throws(() => RunStore.open(temporary.dir), RunStoreError);
  });

  it("shows a new run folder only once its first files are written", () => {
    const runs = path.join(temporary.dir, "runs");
    const dir = path.join(runs, "20260101-000000-cccc");
    const store = RunStore.create(dir, config("c"), (staging) => {
      assert.notEqual(staging.dir, dir);
      assert.equal(fs.existsSync(dir), false);
      assert.deepEqual(listRuns(runs), [], "a folder being created is not listed");
      staging.openTrace(0);
      staging.appendTrace(line(0));
      staging.writeCheckpoint(checkpointAt(1));
    });
    assert.equal(store.dir, dir);
    store.appendTrace(line(1));
    store.closeTrace();
    assert.equal(store.readTrace().lines.length, 2, "the trace stays open across the rename");
    assert.deepEqual(fs.readdirSync(runs), ["20260101-000000-cccc"]);

    const failing = path.join(runs, "20260101-000000-dddd");
    assert.throws(() => RunStore.create(failing, config("d"), () => { throw new Error("disk full"); }), /disk full/);
    assert.deepEqual(fs.readdirSync(runs), ["20260101-000000-cccc"], "nothing is left of a folder that failed to be made");
  });

  it("ignores a torn last trace line when reading, and resume's truncation removes it", () => {
    const store = RunStore.create(path.join(temporary.dir, "run"), config("run"));
    store.openTrace(0, { lines: 2, ms: 10_000 });
    for (let t = 0; t < 5; t++) store.appendTrace(line(t));
    store.closeTrace();
    // A run killed in the middle of a write leaves part of a line.
    fs.appendFileSync(store.file("trace"), '{"iteration":5,"evaluations":6');
    const read = store.readTrace();
    assert.equal(read.torn, true);
    assert.deepEqual(read.lines.map((l) => l.iteration), [0, 1, 2, 3, 4]);
    assert.ok(Number.isNaN(read.lines[0].baseline), "null reads back as NaN");
    assert.equal(read.lines[0].value, 1);

    store.openTrace(3);
    store.appendTrace(line(3));
    store.closeTrace();
    const after = store.readTrace();
    assert.equal(after.torn, false);
    assert.deepEqual(after.lines.map((l) => l.iteration), [0, 1, 2, 3]);
  });

  it("writes trace lines in batches: waiting lines reach the file by count, by age and on flush", async () => {
    const file = path.join(temporary.dir, "trace.jsonl");
    const writer = new TraceWriter(file, 0, { lines: 3, ms: 40 });
    writer.append(line(0));
    writer.append(line(1));
    assert.equal(readTrace(file).lines.length, 0, "two lines wait");
    writer.append(line(2));
    assert.equal(readTrace(file).lines.length, 3, "the third line writes the batch");
    writer.append(line(3));
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(readTrace(file).lines.length, 4, "a waiting line is written once it is old enough");
    writer.append(line(4));
    writer.flush();
    assert.equal(readTrace(file).lines.length, 5);
    writer.close();
  });

  it("refuses to cut a trace to more lines than it holds", () => {
    const file = path.join(temporary.dir, "trace.jsonl");
    fs.writeFileSync(file, JSON.stringify(line(0)) + "\n" + '{"iteration":1');
    assert.throws(() => truncateTrace(file, 2), /fewer than the 2 lines/);
    truncateTrace(file, 1);
    assert.equal(fs.readFileSync(file, "utf8"), JSON.stringify(line(0)) + "\n");
  });

  it("reports a damaged line in the middle of a trace with its line number", () => {
    const file = path.join(temporary.dir, "trace.jsonl");
    fs.writeFileSync(file, `${JSON.stringify(line(0))}\nnot json\n${JSON.stringify(line(2))}\n`);
    assert.throws(() => readTrace(file), /trace\.jsonl:2: not a JSON line/);
  });

  it("writes checkpoints atomically, only over trace lines already on disk, and reads them back exactly", () => {
    const store = RunStore.create(path.join(temporary.dir, "run"), config("run"));
    store.openTrace(0, { lines: 100, ms: 10_000 });
    for (let t = 0; t < 3; t++) store.appendTrace(line(t));
    assert.throws(() => store.writeCheckpoint(checkpointAt(2)), /counts 2 trace lines, the trace has 3/);
    store.writeCheckpoint(checkpointAt(3));
    assert.equal(store.readTrace().lines.length, 3, "the checkpoint flushed the lines it counts");
    const read = store.readCheckpoint();
    assert.equal(read.iteration, 3);
    assert.ok(Object.is(read.best.value, -0));
    assert.ok(read.best.parameters instanceof Float64Array);
    assert.ok(Object.is(read.best.parameters[0], -0));
    assert.ok(read.snapshot.theta instanceof Float64Array);
    store.closeTrace();
    assert.deepEqual(
      fs.readdirSync(store.dir).sort(),
      ["checkpoint.json", "config.json", "trace.jsonl"],
      "no temporary file is left behind",
    );
  });

  it("a file replaced atomically is never seen half written, even by a process killed mid-write", async () => {
    const store = RunStore.create(path.join(temporary.dir, "run"), config("run"));
    store.writeCheckpoint(checkpointAt(0));
    const before = fs.readFileSync(store.file("checkpoint"), "utf8");
    const large = 20_000_000;
    // A child process replaces the checkpoint with large content over and over and is killed meanwhile.
    const script = `
      const { writeFileAtomic } = require(${JSON.stringify(path.resolve(__dirname, "../../src/run/files.ts"))});
      const text = "x".repeat(${large});
      process.stdout.write("writing\\n");
      for (;;) writeFileAtomic(${JSON.stringify(store.file("checkpoint"))}, text);
    `;
    const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise((resolve) => child.stdout.once("data", resolve));
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const after = fs.readFileSync(store.file("checkpoint"), "utf8");
    assert.ok(after === before || (after.length === large && /^x+$/.test(after)), "old or new content, nothing in between");
  });

  it("locks a run for the process running it; a lock left by a dead process is taken over", () => {
    const store = RunStore.create(path.join(temporary.dir, "run"), config("run"));
    store.acquireLock();
    assert.equal(store.lockHolder(), process.pid);
    store.releaseLock();
    assert.equal(store.lockHolder(), undefined);

    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    fs.writeFileSync(store.file("lock"), dead);
    assert.equal(store.lockHolder(), undefined);
    store.acquireLock();
    assert.equal(store.lockHolder(), process.pid);

    const living = process.ppid; // the process that started the tests is alive
    fs.writeFileSync(store.file("lock"), String(living));
    assert.throws(() => store.acquireLock(), new RegExp(`in use by process ${living}`));
  });

  it("lists runs oldest first with status, iterations and best value; shows one run", () => {
    const runs = path.join(temporary.dir, "runs");
    const finished = RunStore.create(path.join(runs, "20260101-000000-aaaa"), config("20260101-000000-aaaa"));
    finished.writeResult({
      status: "done", reason: "iterations", runDir: finished.dir, iterations: 10, evaluations: 110,
      bestValue: 0.25, bestIteration: 9, finalValue: 0.3, elapsedMs: 5, provider: undefined, finished: new Date().toISOString(),
    });
    const killed = RunStore.create(path.join(runs, "20260102-000000-bbbb"), config("20260102-000000-bbbb"));
    killed.openTrace(0);
    for (let t = 0; t < 4; t++) killed.appendTrace(line(t));
    killed.closeTrace();
    fs.mkdirSync(path.join(runs, "not-a-run"));

    const listed = listRuns(runs);
    assert.deepEqual(
      listed.map((r) => [r.id, r.status, r.iterations, r.bestValue, r.optimizer, r.objective]),
      [
        ["20260101-000000-aaaa", "done", 10, 0.25, "zoar", "objective"],
        ["20260102-000000-bbbb", "interrupted", 4, 0.5, "zoar", "objective"],
      ],
    );
    assert.deepEqual(listRuns(path.join(temporary.dir, "nothing-here")), []);

    const details = readRun(killed.dir, 2);
    assert.equal(details.result, undefined);
    assert.equal(details.traceLines, 4);
    assert.deepEqual(details.lastTrace.map((l) => l.iteration), [2, 3]);
    assert.equal(resolveRunDir("20260101-000000-aaaa", runs), finished.dir);
    assert.equal(resolveRunDir(killed.dir, runs), killed.dir);
    assert.throws(() => resolveRunDir("nope", runs), /no run at nope/);
  });
});
