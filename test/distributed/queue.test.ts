// Distributed runs end to end: the zoar command line as it ships (bundled),
// real `zoar worker` processes, and a real redis-server per test.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Redis } from "ioredis";
import { listRuns, RunStore } from "../../src/run/store";
import type { TraceLine } from "../../src/run/types";
import { type CliOutcome, type CliProcess, explain, jsonOf, runCli, startCli } from "../cli/helpers";
import { useTemporaryFolder, waitFor } from "../run/helpers";
import { freePort, type RedisServer, startRedis } from "./redis-server";

const FIXTURES = path.resolve(__dirname, "../fixtures/distributed");

/** Trace lines without their timing, which differs between runs. */
function untimed(lines: TraceLine[]): string[] {
  return lines.map(({ elapsedMs: _elapsed, ...rest }) => JSON.stringify(rest));
}

function traceOf(runDir: string): string[] {
  return untimed(RunStore.open(runDir).readTrace().lines);
}

/** Every file of a run folder, as text. */
function runFolderText(runDir: string): string {
  return fs
    .readdirSync(runDir)
    .map((name) => path.join(runDir, name))
    .filter((file) => fs.statSync(file).isFile())
    .map((file) => fs.readFileSync(file, "latin1"))
    .join("\n");
}

/** Runs `fn` with extra environment variables, inherited by the processes it starts. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

interface WorkerProcess extends CliProcess {
  output(): string;
}

/** Starts `zoar worker` and waits until it is connected to the queue. */
async function startWorker(objective: string, url: string, cwd: string, extra: string[] = []): Promise<WorkerProcess> {
  const child = await startCli(["worker", objective, "--queue", url, ...extra], cwd);
  let output = "";
  child.stdout.on("data", (chunk: string) => (output += chunk));
  child.stderr.on("data", (chunk: string) => (output += chunk));
  await waitFor(() => output.includes("zoar worker: connected") || child.exitCode !== null, 60_000, "the worker to connect");
  assert.ok(child.exitCode === null, `the worker exited: ${output}`);
  return Object.assign(child, { output: () => output });
}

/** Keys of run sessions and jobs left in Redis (the queue's own bookkeeping keys aside). */
async function leftovers(url: string): Promise<string[]> {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  try {
    const sessions = await client.keys("zoar:session:*");
    const jobs = (await client.keys("zoar:objective-*")).filter((key) => !/:(events|id|meta|marker|stalled-check)$/.test(key));
    const active = await client.hkeys("zoar:active-runs");
    return [...sessions, ...jobs, ...active];
  } finally {
    client.disconnect();
  }
}

function onlyRunDir(runsDir: string): string {
  const runs = listRuns(runsDir);
  assert.equal(runs.length, 1, `runs: ${runs.map((run) => run.id).join(", ")}`);
  return runs[0].dir;
}

describe("distributed evaluation (zoar worker, --queue) on a real redis-server", function () {
  this.timeout(180_000);
  const temporary = useTemporaryFolder("zoar-queue-test-");
  let redis: RedisServer | undefined;
  const bowl = path.join(FIXTURES, "bowl.ts");
  const common = ["--iterations", "12", "--seed", "5", "--lr", "0.02", "--json"];

  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });

  function runsDir(name: string): string {
    return path.join(temporary.dir, name);
  }

  async function localRun(objective: string, args: string[]): Promise<{ outcome: CliOutcome; runDir: string }> {
    const dir = runsDir("local");
    const outcome = await runCli(["run", objective, ...args, "--runs-dir", dir], temporary.dir);
    return { outcome, runDir: onlyRunDir(dir) };
  }

  it("gives the same trace, value for value, as a local run, and leaves no jobs or keys behind", async () => {
    redis = await startRedis();
    const workers = [await startWorker(bowl, redis.url, temporary.dir), await startWorker(bowl, redis.url, temporary.dir, ["--concurrency", "2"])];
    const dir = runsDir("queued");
    const queued = await runCli(["run", bowl, ...common, "--runs-dir", dir, "--queue", redis.url], temporary.dir);
    assert.equal(queued.code, 0, explain(queued));
    assert.match(queued.stderr, new RegExp(`evaluator: queue redis://127\\.0\\.0\\.1:${redis.port}, 2 workers`));
    const local = await localRun(bowl, common);
    assert.equal(local.outcome.code, 0, explain(local.outcome));
    const queuedRun = onlyRunDir(dir);
    assert.deepEqual(traceOf(queuedRun), traceOf(local.runDir));
    assert.equal(traceOf(queuedRun).length, 12);
    assert.deepEqual(jsonOf(queued).bestValue, jsonOf(local.outcome).bestValue);
    assert.deepEqual(await leftovers(redis.url), []);
    for (const worker of workers) worker.kill("SIGTERM");
    for (const worker of workers) {
      const stopped = await worker.outcome;
      assert.equal(stopped.code, 0, worker.output());
      assert.match(worker.output(), /zoar worker: stopped; jobs done \d+, failures 0/);
    }
    const done = workers.map((worker) => Number(/stopped; jobs done (\d+)/.exec(worker.output())![1]));
    assert.ok(done.reduce((a, b) => a + b) >= 12 * 2, `jobs done: ${done.join(", ")}`);
  });

  it("sends theta once per iteration when d is large: the rows workers rebuild give the local trace, forward and antithetic; CMA-ES sends its points", async () => {
    redis = await startRedis();
    const wide = path.join(FIXTURES, "wide-bowl.ts");
    const workers = [await startWorker(wide, redis.url, temporary.dir), await startWorker(wide, redis.url, temporary.dir, ["--concurrency", "2"])];
    // Every command Redis runs, to see what each iteration stored.
    const observer = new Redis(redis.url);
    const monitor = await observer.monitor();
    const stored: string[] = [];
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (/^(set|getrange|get)$/i.test(args[0]) && args[1]?.startsWith("zoar:session:")) stored.push(`${args[0].toLowerCase()} ${args[1].replace(/^zoar:session:[^:]+:/, "")}`);
    });
    try {
      const cases = [
        { optimizer: "vanilla", input: "theta" }, // the centre row and forward rows theta + mu u
        { optimizer: "zoar-pairs", input: "theta" }, // antithetic rows theta +/- mu z
        { optimizer: "sep-cma-es", input: "points" }, // samples through a covariance: no recipe
      ];
      for (const { optimizer, input } of cases) {
        stored.length = 0;
        const args = ["--optimizer", optimizer, "--iterations", "4", "--seed", "9", "--json"];
        const dir = runsDir(`queued-${optimizer}`);
        const queued = await runCli(["run", wide, ...args, "--runs-dir", dir, "--queue", redis.url], temporary.dir);
        assert.equal(queued.code, 0, explain(queued));
        const localDir = runsDir(`local-${optimizer}`);
        const local = await runCli(["run", wide, ...args, "--runs-dir", localDir], temporary.dir);
        assert.equal(local.code, 0, explain(local));
        assert.deepEqual(traceOf(onlyRunDir(dir)), traceOf(onlyRunDir(localDir)), optimizer);
        assert.equal(traceOf(onlyRunDir(dir)).length, 4);
        const sets = stored.filter((command) => command.startsWith("set ") && command !== "set finished");
        assert.deepEqual(sets, [0, 1, 2, 3].map((iteration) => `set ${input}:${iteration}`), `${optimizer}: ${stored.join(", ")}`);
        if (input === "theta") assert.ok(stored.filter((command) => command.startsWith("get theta:")).length >= 4, stored.join(", "));
        else assert.ok(stored.some((command) => command.startsWith("getrange points:")), stored.join(", "));
        assert.deepEqual(await leftovers(redis.url), [], `${optimizer}: theta, points and values keys are removed`);
      }
    } finally {
      monitor.disconnect();
      observer.disconnect();
      for (const worker of workers) worker.kill("SIGTERM");
      await Promise.all(workers.map((worker) => worker.outcome));
    }
  });

  it("fails an objective error in a worker exactly as a local run does (file:line, iteration, query), the trace so far kept", async () => {
    redis = await startRedis();
    const failing = path.join(FIXTURES, "fails-near-minimum.ts");
    const worker = await startWorker(failing, redis.url, temporary.dir, ["--concurrency", "2"]);
    const args = ["--iterations", "200", "--seed", "3", "--lr", "0.002", "--json"];
    const dir = runsDir("queued");
    const queued = await runCli(["run", failing, ...args, "--runs-dir", dir, "--queue", redis.url], temporary.dir);
    const local = await localRun(failing, args);
    assert.equal(local.outcome.code, 1, explain(local.outcome));
    assert.equal(queued.code, 1, explain(queued));
    const queuedResult = RunStore.open(onlyRunDir(dir)).readResult()!;
    const localResult = RunStore.open(local.runDir).readResult()!;
    assert.equal(localResult.reason, "objective");
    assert.deepEqual(queuedResult.error, localResult.error);
    assert.match(queuedResult.error!.message, /^fails-near-minimum\.ts:11:13: evaluate threw at iteration \d+, query \d+: RangeError: too close/);
    assert.ok(queuedResult.iterations > 0, "some iterations completed before the failure");
    assert.deepEqual(traceOf(onlyRunDir(dir)), traceOf(local.runDir));
    assert.match(worker.output(), /evaluate threw at iteration \d+, query \d+/);
    assert.deepEqual(await leftovers(redis.url), []);
  });

  it("shows `waiting for workers` while none is connected, and with --timeout fails clearly", async () => {
    redis = await startRedis();
    const outcome = await runCli(["run", bowl, ...common, "--runs-dir", runsDir("queued"), "--queue", redis.url, "--timeout", "2"], temporary.dir);
    assert.equal(outcome.code, 1, explain(outcome));
    assert.match(outcome.stderr, new RegExp(`waiting for workers on redis://127\\.0\\.0\\.1:${redis.port}`));
    const result = RunStore.open(onlyRunDir(runsDir("queued"))).readResult()!;
    assert.equal(result.error?.kind, "timeout");
    assert.match(result.error!.message, /evaluation did not finish within 2000 ms at iteration 0, query 0: no worker is connected to the queue redis:\/\/127\.0\.0\.1:\d+ \(start one: zoar worker bowl\.ts/);
    assert.deepEqual(await leftovers(redis.url), []);
  });

  it("names the URL, never its password, when Redis cannot be reached at the start", async () => {
    const port = await freePort();
    const outcome = await runCli(["run", bowl, ...common, "--runs-dir", runsDir("queued"), "--queue", `redis://:hunter2-secret@127.0.0.1:${port}`], temporary.dir);
    assert.equal(outcome.code, 1, explain(outcome));
    assert.match(outcome.stdout + outcome.stderr, new RegExp(`cannot reach the queue at redis://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    assert.ok(!(outcome.stdout + outcome.stderr).includes("hunter2"), explain(outcome));
    const worker = await runCli(["worker", bowl, "--queue", `redis://:hunter2-secret@127.0.0.1:${port}`], temporary.dir);
    assert.notEqual(worker.code, 0, explain(worker));
    assert.match(worker.stderr, new RegExp(`cannot reach the queue at redis://127\\.0\\.0\\.1:${port}`));
    assert.ok(!(worker.stdout + worker.stderr).includes("hunter2"), explain(worker));
    const usage = await runCli(["run", bowl, "--queue", "http://:hunter2@127.0.0.1:1"], temporary.dir);
    assert.equal(usage.code, 2, explain(usage));
    assert.match(usage.stderr, /zoar: --queue: unsupported queue URL scheme "http:"/);
    assert.ok(!(usage.stdout + usage.stderr).includes("hunter2"), explain(usage));
  });

  it("works with a password; the password appears in no output, trace, config or result", async () => {
    const password = "s3cret-pa55word";
    redis = await startRedis({ password });
    const worker = await startWorker(bowl, redis.url, temporary.dir);
    const dir = runsDir("queued");
    const queued = await runCli(["run", bowl, ...common, "--runs-dir", dir, "--queue", redis.url], temporary.dir);
    assert.equal(queued.code, 0, explain(queued));
    const local = await localRun(bowl, common);
    assert.deepEqual(traceOf(onlyRunDir(dir)), traceOf(local.runDir));
    worker.kill("SIGTERM");
    await worker.outcome;
    for (const text of [queued.stdout, queued.stderr, worker.output(), runFolderText(onlyRunDir(dir))]) assert.ok(!text.includes(password), text);
    const wrong = await runCli(["run", bowl, ...common, "--runs-dir", runsDir("wrong"), "--queue", `redis://:not-it@127.0.0.1:${redis.port}`], temporary.dir);
    assert.equal(wrong.code, 1, explain(wrong));
    assert.match(wrong.stdout + wrong.stderr, /cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+: WRONGPASS/);
    assert.ok(!(wrong.stdout + wrong.stderr).includes("not-it"));
  });

  it("works over TLS (rediss://)", async () => {
    redis = await startRedis({ tls: true, password: "tls-pass" });
    await withEnv({ NODE_EXTRA_CA_CERTS: redis.caFile! }, async () => {
      const worker = await startWorker(bowl, redis!.url, temporary.dir);
      const dir = runsDir("queued");
      const queued = await runCli(["run", bowl, ...common, "--runs-dir", dir, "--queue", redis!.url], temporary.dir);
      assert.equal(queued.code, 0, explain(queued));
      assert.match(queued.stderr, new RegExp(`evaluator: queue rediss://127\\.0\\.0\\.1:${redis!.port}, 1 worker`));
      const local = await localRun(bowl, common);
      assert.deepEqual(traceOf(onlyRunDir(dir)), traceOf(local.runDir));
      worker.kill("SIGTERM");
      await worker.outcome;
    });
  });

  it("reruns the job of a worker killed with SIGKILL mid-job on another worker; the values stay the same", async () => {
    redis = await startRedis();
    const args = ["--iterations", "4", "--seed", "5", "--lr", "0.02", "--json"];
    await withEnv({ ZOAR_TEST_SLEEP_MS: "150" }, async () => {
      const doomed = await startWorker(bowl, redis!.url, temporary.dir);
      const survivor = await startWorker(bowl, redis!.url, temporary.dir);
      const dir = runsDir("queued");
      const run = await startCli(["run", bowl, ...args, "--runs-dir", dir, "--queue", redis!.url], temporary.dir);
      // Kill it while it holds a job: once the run has begun its first batch.
      await waitFor(() => listRuns(dir).length === 1, 60_000, "the run to start");
      await new Promise((resolve) => setTimeout(resolve, 1500));
      doomed.kill("SIGKILL");
      const queued = await run.outcome;
      assert.equal(queued.code, 0, explain(queued));
      survivor.kill("SIGTERM");
      await survivor.outcome;
      const local = await localRun(bowl, args);
      assert.deepEqual(traceOf(onlyRunDir(dir)), traceOf(local.runDir));
    });
    assert.deepEqual(await leftovers(redis.url), []);
  });

  it("a worker stopped with SIGTERM finishes its job first; another worker carries the run on with the same values", async () => {
    redis = await startRedis();
    const args = ["--iterations", "3", "--seed", "5", "--lr", "0.02", "--json"];
    await withEnv({ ZOAR_TEST_SLEEP_MS: "150" }, async () => {
      const leaving = await startWorker(bowl, redis!.url, temporary.dir);
      const dir = runsDir("queued");
      const run = await startCli(["run", bowl, ...args, "--runs-dir", dir, "--queue", redis!.url], temporary.dir);
      await waitFor(() => /jobs done|connected/.test(leaving.output()) && listRuns(dir).length === 1, 60_000, "the run to start");
      await new Promise((resolve) => setTimeout(resolve, 1000));
      leaving.kill("SIGTERM");
      const left = await leaving.outcome;
      assert.equal(left.code, 0, leaving.output());
      assert.match(leaving.output(), /SIGTERM: finishing the jobs in progress/);
      assert.ok(Number(/stopped; jobs done (\d+), failures 0/.exec(leaving.output())?.[1]) >= 1, leaving.output());
      const staying = await startWorker(bowl, redis!.url, temporary.dir);
      const queued = await run.outcome;
      assert.equal(queued.code, 0, explain(queued));
      staying.kill("SIGTERM");
      await staying.outcome;
      const local = await localRun(bowl, args);
      assert.deepEqual(traceOf(onlyRunDir(dir)), traceOf(local.runDir));
    });
  });

  it("stops with a valid checkpoint when Redis is lost mid-run, and `zoar resume --queue` continues once it is back", async () => {
    redis = await startRedis();
    const port = redis.port;
    const args = ["--iterations", "30", "--seed", "5", "--lr", "0.02"];
    await withEnv({ ZOAR_TEST_SLEEP_MS: "20" }, async () => {
      const worker = await startWorker(bowl, redis!.url, temporary.dir, ["--concurrency", "4"]);
      const dir = runsDir("queued");
      const run = await startCli(["run", bowl, ...args, "--runs-dir", dir, "--queue", redis!.url, "--json"], temporary.dir);
      await waitFor(() => listRuns(dir).length === 1 && RunStore.open(listRuns(dir)[0].dir).readTrace().lines.length >= 3, 60_000, "a few iterations");
      await redis!.stop();
      const lost = await run.outcome;
      assert.equal(lost.code, 1, explain(lost));
      const runDir = onlyRunDir(dir);
      const store = RunStore.open(runDir);
      const result = store.readResult()!;
      assert.equal(result.status, "failed");
      assert.match(result.error!.message, new RegExp(`lost the connection to the queue at redis://127\\.0\\.0\\.1:${port}`));
      assert.ok(result.iterations < 30, `it stopped early: ${result.iterations}`);
      assert.equal(store.readCheckpoint().iteration, result.iterations, "the checkpoint holds the last completed iteration");

      redis = await startRedis({ port });
      await waitFor(() => worker.output().includes("reconnected"), 30_000, "the worker to reconnect");
      const resumed = await runCli(["resume", runDir, "--queue", redis.url, "--json"], temporary.dir);
      assert.equal(resumed.code, 0, explain(resumed));
      worker.kill("SIGTERM");
      await worker.outcome;
      const local = await localRun(bowl, args);
      assert.deepEqual(traceOf(runDir), traceOf(local.runDir));
    });
  });

  it("a worker with another version of the objective refuses the run's jobs and says so", async () => {
    redis = await startRedis();
    const other = path.join(temporary.dir, "other", "bowl.ts");
    fs.mkdirSync(path.dirname(other));
    fs.writeFileSync(other, fs.readFileSync(bowl, "utf8").replace("0.1 * Math.sin", "0.2 * Math.sin"));
    const worker = await startWorker(other, redis.url, temporary.dir);
    const outcome = await runCli(["run", bowl, ...common, "--runs-dir", runsDir("queued"), "--queue", redis.url, "--timeout", "4"], temporary.dir);
    assert.equal(outcome.code, 1, explain(outcome));
    assert.match(RunStore.open(onlyRunDir(runsDir("queued"))).readResult()!.error!.message, /no worker is connected/);
    assert.match(worker.output(), /zoar worker: refusing run \S+: it evaluates bowl\.ts \(version [0-9a-f]{16}, 6 parameters\), this worker has bowl\.ts \(version [0-9a-f]{16}/);
    assert.match(worker.output(), /jobs done 0|connected/);
  });

  it("a worker whose zoar draws other directions is on another queue, and says why it serves none of the run's jobs", async () => {
    redis = await startRedis();
    const worker = await startWorker(bowl, redis.url, temporary.dir);
    const version = /serving bowl\.ts \(version ([0-9a-f]{16}), 6 parameters\)/.exec(worker.output())![1];
    // A run registered by a zoar whose generator differs: same objective version, other generator digest.
    const client = new Redis(redis.url);
    const run = { version, dimension: 6, generator: "00000000", name: "bowl", fileName: "bowl.ts", run: "older-zoar-run" };
    await client.hset("zoar:active-runs", "older-zoar-run.0000", JSON.stringify(run));
    client.disconnect();
    await waitFor(() => worker.output().includes("refusing run older-zoar-run"), 30_000, "the worker to explain the refusal");
    assert.match(worker.output(), /refusing run older-zoar-run: its zoar draws query directions differently from this worker's \(generator 00000000, here [0-9a-f]{8}\)/);
    worker.kill("SIGTERM");
    await worker.outcome;
  });
});
