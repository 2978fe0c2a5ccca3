/**
 * Distributed evaluation on a local redis-server with real `zoar worker`
 * processes (dist/cli.js: build first with `node esbuild.config.mjs`):
 *
 * - throughput against 1, 2, 4, 8 workers, K = 16 queries per batch, an
 *   objective that sleeps 200 ms per query (no CPU, so 8 workers fit 2 cores);
 *   goal: at least 6x the throughput of one worker at 8;
 * - overhead per job with a trivial objective: one-query batches, p50 and
 *   p90 (goal p50 < 3 ms on loopback), and a K = 16 batch;
 * - recovery after the worker holding a job is killed with SIGKILL: how long
 *   after the kill the job is done elsewhere, the objective's own time taken off;
 * - the payload: writing an iteration's whole batch (K x d float64s) and
 *   reading it back, against theta alone (d float64s), for growing d.
 *
 *   flock /tmp/zoar-heavy.lock npx tsx bench/distributed.ts
 *
 * Writes bench/results/distributed.json.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Redis } from "ioredis";
import { QueueEvaluator } from "../src/distributed/queue-evaluator";
import { startRedis } from "../test/distributed/redis-server";

const CLI = path.resolve(__dirname, "../dist/cli.js");
/** The workers compile with the bundled SDK; the run side here must too, or the objective versions differ. */
const SDK = path.resolve(__dirname, "../dist/objective-sdk.js");
const SLEEP_MS = 200;
const K = 16;
const WORKER_COUNTS = [1, 2, 4, 8];
const THROUGHPUT_BATCHES = 3;
const OVERHEAD_JOBS = 400;
const OVERHEAD_BATCHES = 40;
const RECOVERY_SLEEP_MS = 500;
const RECOVERY_TRIALS = 3;
const DIMENSION = 10;
const PAYLOAD_DIMENSIONS = [100, 10_000, 1_000_000];
const PAYLOAD_ROUNDS = 5;

const OBJECTIVE = `import { defineObjective } from "zoar";
import * as fs from "node:fs";
import * as path from "node:path";
// Sleeps ZOAR_BENCH_SLEEP_MS per query; marks which process holds a query in ZOAR_BENCH_MARKS.
const sleepMs = Number(process.env.ZOAR_BENCH_SLEEP_MS ?? 0);
const marks = process.env.ZOAR_BENCH_MARKS;
const pause = new Int32Array(new SharedArrayBuffer(4));
export default defineObjective({
  name: "bench",
  dimension: ${DIMENSION},
  evaluate(x) {
    if (marks) fs.writeFileSync(path.join(marks, String(process.pid)), "");
    if (sleepMs > 0) Atomics.wait(pause, 0, 0, sleepMs);
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
    return sum;
  },
});
`;

interface Worker {
  child: ChildProcess;
  exited: Promise<void>;
}

function startWorker(objective: string, url: string, env: Record<string, string>): Promise<Worker> {
  const child = spawn(process.execPath, [CLI, "worker", objective, "--queue", url], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      if (output.includes("zoar worker: connected")) resolve({ child, exited });
    });
    child.once("exit", (code) => reject(new Error(`a worker exited with code ${code}: ${output}`)));
  });
}

async function stopWorkers(workers: Worker[]): Promise<void> {
  for (const worker of workers) worker.child.kill("SIGKILL");
  await Promise.all(workers.map((worker) => worker.exited));
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const median = (values: number[]) => quantile([...values].sort((a, b) => a - b), 0.5);
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function points(rows: number, salt: number): Float64Array {
  return Float64Array.from({ length: rows * DIMENSION }, (_, i) => Math.sin(i + salt));
}

async function waitUntil(test: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!test()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (node esbuild.config.mjs)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-bench-distributed-"));
  const objective = path.join(dir, "bench.ts");
  fs.writeFileSync(objective, OBJECTIVE);
  const redis = await startRedis();
  const workers: Worker[] = [];
  let salt = 0;
  try {
    // Throughput: the same evaluator, more and more workers of the sleeping objective.
    process.env.ZOAR_BENCH_SLEEP_MS = String(SLEEP_MS); // the host loads the objective too; it never evaluates
    const slowEvaluator = await QueueEvaluator.open(objective, { queue: redis.url, runId: "bench-throughput", timeoutMs: 0, sdkPath: SDK });
    const throughput: { workers: number; batchMs: number; queriesPerSecond: number; speedup: number; ofIdeal: number }[] = [];
    for (const count of WORKER_COUNTS) {
      while (workers.length < count) workers.push(await startWorker(objective, redis.url, { ZOAR_BENCH_SLEEP_MS: String(SLEEP_MS) }));
      await waitUntil(() => slowEvaluator.status().workers === count, `${count} workers`);
      await slowEvaluator.evaluateBatch(points(count, salt++), count, salt); // every worker loads its objective thread
      const times: number[] = [];
      for (let batch = 0; batch < THROUGHPUT_BATCHES; batch++) {
        const start = performance.now();
        await slowEvaluator.evaluateBatch(points(K, salt++), K, salt);
        times.push(performance.now() - start);
      }
      const batchMs = median(times);
      const idealMs = Math.ceil(K / count) * SLEEP_MS;
      throughput.push({ workers: count, batchMs: round(batchMs, 1), queriesPerSecond: round((K * 1000) / batchMs), speedup: 0, ofIdeal: round(idealMs / batchMs, 3) });
      console.log(`${count} worker(s): K = ${K} batch ${round(batchMs, 1)} ms (ideal ${idealMs} ms)`);
    }
    for (const row of throughput) row.speedup = round(throughput[0].batchMs / row.batchMs, 2);
    await slowEvaluator.close();
    await stopWorkers(workers.splice(0));

    // Overhead per job: one worker, a trivial objective.
    delete process.env.ZOAR_BENCH_SLEEP_MS;
    workers.push(await startWorker(objective, redis.url, {}));
    const fastEvaluator = await QueueEvaluator.open(objective, { queue: redis.url, runId: "bench-overhead", timeoutMs: 0, sdkPath: SDK });
    for (let i = 0; i < 50; i++) await fastEvaluator.evaluateBatch(points(1, salt++), 1, salt); // warm-up
    const perJob: number[] = [];
    for (let i = 0; i < OVERHEAD_JOBS; i++) {
      const start = performance.now();
      await fastEvaluator.evaluateBatch(points(1, salt++), 1, salt);
      perJob.push(performance.now() - start);
    }
    const perBatch: number[] = [];
    for (let i = 0; i < OVERHEAD_BATCHES; i++) {
      const start = performance.now();
      await fastEvaluator.evaluateBatch(points(K, salt++), K, salt);
      perBatch.push(performance.now() - start);
    }
    await fastEvaluator.close();
    await stopWorkers(workers.splice(0));
    const sortedJobs = [...perJob].sort((a, b) => a - b);
    const overhead = { p50Ms: round(quantile(sortedJobs, 0.5)), p90Ms: round(quantile(sortedJobs, 0.9)), p99Ms: round(quantile(sortedJobs, 0.99)), batchK16p50Ms: round(median(perBatch)) };
    console.log(`overhead per job: p50 ${overhead.p50Ms} ms, p90 ${overhead.p90Ms} ms; K = ${K} batch p50 ${overhead.batchK16p50Ms} ms`);

    // Recovery: kill the worker that holds the job; the other one finishes it.
    const marks = path.join(dir, "marks");
    const env = { ZOAR_BENCH_SLEEP_MS: String(RECOVERY_SLEEP_MS), ZOAR_BENCH_MARKS: marks };
    const recoveries: number[] = [];
    for (let trial = 0; trial < RECOVERY_TRIALS; trial++) {
      fs.rmSync(marks, { recursive: true, force: true });
      fs.mkdirSync(marks);
      workers.push(await startWorker(objective, redis.url, env), await startWorker(objective, redis.url, env));
      const evaluator = await QueueEvaluator.open(objective, { queue: redis.url, runId: `bench-recovery-${trial}`, timeoutMs: 0, sdkPath: SDK });
      await waitUntil(() => evaluator.status().workers === 2, "2 workers");
      const done = evaluator.evaluateBatch(points(1, salt++), 1, salt);
      await waitUntil(() => fs.readdirSync(marks).length > 0, "a worker to take the job");
      const holder = Number(fs.readdirSync(marks)[0]);
      const killedAt = performance.now();
      workers.find((worker) => worker.child.pid === holder)!.child.kill("SIGKILL");
      await done;
      recoveries.push(performance.now() - killedAt - RECOVERY_SLEEP_MS);
      await evaluator.close();
      await stopWorkers(workers.splice(0));
      console.log(`recovery ${trial + 1}: the job was done elsewhere ${round(recoveries[trial] / 1000)} s after the kill (objective time excluded)`);
    }

    // Payload: one SET and one GET of the batch, against the same for theta alone.
    const client = new Redis(redis.url);
    const payload: { dimension: number; batchMB: number; batchMs: number; thetaMs: number }[] = [];
    const roundTrip = async (floats: number) => {
      const buffer = Buffer.alloc(floats * 8, 1);
      const times: number[] = [];
      for (let round = 0; round < PAYLOAD_ROUNDS; round++) {
        const start = performance.now();
        await client.set("zoar:bench:payload", buffer);
        await client.getBuffer("zoar:bench:payload");
        times.push(performance.now() - start);
      }
      return median(times);
    };
    for (const dimension of PAYLOAD_DIMENSIONS) {
      const row = { dimension, batchMB: round((K * dimension * 8) / 1e6, 3), batchMs: round(await roundTrip(K * dimension)), thetaMs: round(await roundTrip(dimension)) };
      payload.push(row);
      console.log(`payload d = ${dimension}: batch ${row.batchMB} MB ${row.batchMs} ms, theta alone ${row.thetaMs} ms (write + one read)`);
    }
    await client.del("zoar:bench:payload");
    client.disconnect();

    const eight = throughput.find((row) => row.workers === 8)!;
    const result = {
      benchmark: "distributed",
      description:
        `zoar worker processes on a local redis-server 7.0, QueueEvaluator as a run uses it; throughput: K = ${K}, objective sleeping ${SLEEP_MS} ms per query, ` +
        `median of ${THROUGHPUT_BATCHES} batches; overhead: ${OVERHEAD_JOBS} one-query batches with a trivial objective (d = ${DIMENSION}); ` +
        `recovery: time from SIGKILL of the worker holding a job to the job done elsewhere, minus the objective's ${RECOVERY_SLEEP_MS} ms`,
      throughput,
      speedupAt8: eight.speedup,
      throughputGoal: ">= 6x at 8 workers",
      meetsThroughputGoal: eight.speedup >= 6,
      overheadPerJob: overhead,
      overheadGoal: "p50 < 3 ms",
      meetsOverheadGoal: overhead.p50Ms < 3,
      recoverySeconds: { trials: recoveries.map((ms) => round(ms / 1000)), median: round(median(recoveries) / 1000) },
      payloadK16: payload,
      machine: {
        cpu: os.cpus()[0]?.model ?? "unknown",
        cores: os.cpus().length,
        platform: process.platform,
        loadAverage1min: round(os.loadavg()[0], 1),
        note: "shared by several people's builds and tests at the time: noisy; ratios measured side by side in one run",
      },
      node: process.version,
      date: new Date().toISOString(),
    };
    const out = path.join(__dirname, "results", "distributed.json");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`speedup at 8 workers ${eight.speedup}x (goal >= 6x: ${result.meetsThroughputGoal ? "met" : "NOT met"}); written to ${path.relative(process.cwd(), out)}`);
  } finally {
    await stopWorkers(workers);
    await redis.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// An evaluator left open by a failure would keep the process (and the shared lock) alive.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
