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
 * - the payload: time per K = 16 iteration of a trivial objective on 2
 *   workers, for d from 10 to 10^6, with each way of sending the points
 *   (rows inside the jobs, theta plus a recipe per job, the batch stored
 *   once), so the automatic choice's crossover is measured, not guessed.
 *
 * With --baseline <dir> (zoar before a change, e.g. `git archive <commit> |
 * tar -x -C <dir>`, node_modules linked, built with node esbuild.config.mjs),
 * the overhead and the payload are measured for it too, side by side in the
 * same run (its own evaluator and `zoar worker` processes, its own queue).
 *
 *   flock /tmp/zoar-heavy.lock npx tsx bench/distributed.ts [--baseline <dir>] [--sections overhead,payload,...]
 *
 * Writes bench/results/distributed.json.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Redis } from "ioredis";
import type { PayloadMode } from "../src/distributed/batch-input";
import { QueueEvaluator, type QueueEvaluatorOptions } from "../src/distributed/queue-evaluator";
import { createOptimizer, type QueryRecipe } from "../src/engine";
import { startRedis } from "../test/distributed/redis-server";

const CLI = path.resolve(__dirname, "../dist/cli.js");
/** The workers compile with the bundled SDK; the run side here must too, or the objective versions differ. */
const SDK = path.resolve(__dirname, "../dist/objective-sdk.js");
const SECTIONS = ["throughput", "overhead", "recovery", "payload"];
const SLEEP_MS = 200;
const K = 16;
const WORKER_COUNTS = [1, 2, 4, 8];
const THROUGHPUT_BATCHES = 3;
const OVERHEAD_JOBS = 400;
const OVERHEAD_BATCHES = 40;
const RECOVERY_SLEEP_MS = 500;
const RECOVERY_TRIALS = 3;
const DIMENSION = 10;
const OVERHEAD_BLOCK = 50;
const PAYLOAD_DIMENSIONS = [10, 100, 256, 1000, 10_000, 100_000, 1_000_000];
const PAYLOAD_WORKERS = 2;
/** Rounds per way and dimension: fewer where one takes seconds. */
const payloadRounds = (d: number) => (d <= 10_000 ? 20 : d <= 100_000 ? 6 : 3);

const OBJECTIVE = `import { defineObjective } from "zoar";
import * as fs from "node:fs";
import * as path from "node:path";
// Sleeps ZOAR_BENCH_SLEEP_MS per query; marks which process holds a query in ZOAR_BENCH_MARKS.
const sleepMs = Number(process.env.ZOAR_BENCH_SLEEP_MS ?? 0);
const marks = process.env.ZOAR_BENCH_MARKS;
const pause = new Int32Array(new SharedArrayBuffer(4));
export default defineObjective({
  name: "bench",
  dimension: Number(process.env.ZOAR_BENCH_DIMENSION ?? ${DIMENSION}),
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

/** The evaluator and `zoar worker` of one zoar checkout: this one, or the baseline. */
interface Side {
  name: "current" | "baseline";
  cli: string;
  sdk: string;
  open(file: string, options: QueueEvaluatorOptions): Promise<QueueEvaluator>;
}

function startWorker(objective: string, url: string, env: Record<string, string>, cli = CLI): Promise<Worker> {
  const child = spawn(process.execPath, [cli, "worker", objective, "--queue", url], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
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

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function sides(): Promise<Side[]> {
  const current: Side = { name: "current", cli: CLI, sdk: SDK, open: (file, options) => QueueEvaluator.open(file, options) };
  const baselineDir = argument("--baseline");
  if (!baselineDir) return [current];
  const dir = path.resolve(baselineDir);
  const cli = path.join(dir, "dist/cli.js");
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: build the baseline first (node esbuild.config.mjs in ${dir})`);
  const module = (await import(path.join(dir, "src/distributed/queue-evaluator.ts"))) as { QueueEvaluator: typeof QueueEvaluator };
  return [current, { name: "baseline", cli, sdk: path.join(dir, "dist/objective-sdk.js"), open: (file, options) => module.QueueEvaluator.open(file, options) }];
}

/** A real optimizer's batches (K = 16 rows, forward differences around the centre) and their recipes, one per call. */
function batchesOf(d: number): () => { points: Float64Array; recipe: QueryRecipe; iteration: number } {
  const optimizer = createOptimizer("vanilla", { queries: K - 1, lr: 1e-4 }, { initial: new Float64Array(d).fill(0.5), seed: 3 });
  return () => {
    if (optimizer.queryRecipe()) optimizer.tell(new Float64Array(K).map((_, row) => row)); // the previous batch: any finite values
    const batch = optimizer.ask();
    return { points: batch.points, recipe: optimizer.queryRecipe()!, iteration: batch.iteration };
  };
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (node esbuild.config.mjs)`);
  const sections = (argument("--sections") ?? SECTIONS.join(",")).split(",");
  const checkouts = await sides();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-bench-distributed-"));
  const objective = path.join(dir, "bench.ts");
  fs.writeFileSync(objective, OBJECTIVE);
  const redis = await startRedis();
  const workers: Worker[] = [];
  let salt = 0;
  const result: Record<string, unknown> = { benchmark: "distributed" };
  try {
    const client = new Redis(redis.url);
    const pings: number[] = [];
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      await client.ping();
      pings.push(performance.now() - start);
    }
    client.disconnect();
    result.redisPingP50Ms = round(median(pings), 3);
    console.log(`redis PING round trip p50 ${result.redisPingP50Ms} ms`);

    if (sections.includes("throughput")) {
      // The same evaluator, more and more workers of the sleeping objective.
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
      delete process.env.ZOAR_BENCH_SLEEP_MS;
      const eight = throughput.find((row) => row.workers === 8)!;
      Object.assign(result, { throughput, speedupAt8: eight.speedup, throughputGoal: ">= 6x at 8 workers", meetsThroughputGoal: eight.speedup >= 6 });
    }

    if (sections.includes("overhead")) {
      // One worker per checkout, a trivial objective; blocks of one-query batches alternate between the checkouts.
      const evaluators = new Map<string, QueueEvaluator>();
      for (const side of checkouts) {
        workers.push(await startWorker(objective, redis.url, {}, side.cli));
        const evaluator = await side.open(objective, { queue: redis.url, runId: `bench-overhead-${side.name}`, timeoutMs: 0, sdkPath: side.sdk });
        await waitUntil(() => evaluator.status().workers === 1, `the ${side.name} worker`);
        for (let i = 0; i < 50; i++) await evaluator.evaluateBatch(points(1, salt++), 1, salt); // warm-up
        evaluators.set(side.name, evaluator);
      }
      const perJob = new Map<string, number[]>(checkouts.map((side) => [side.name, []]));
      const perBatch = new Map<string, number[]>(checkouts.map((side) => [side.name, []]));
      for (let block = 0; block < OVERHEAD_JOBS / OVERHEAD_BLOCK; block++) {
        for (const side of checkouts) {
          const evaluator = evaluators.get(side.name)!;
          for (let i = 0; i < OVERHEAD_BLOCK; i++) {
            const start = performance.now();
            await evaluator.evaluateBatch(points(1, salt++), 1, salt);
            perJob.get(side.name)!.push(performance.now() - start);
          }
          for (let i = 0; i < OVERHEAD_BATCHES / (OVERHEAD_JOBS / OVERHEAD_BLOCK); i++) {
            const start = performance.now();
            await evaluator.evaluateBatch(points(K, salt++), K, salt);
            perBatch.get(side.name)!.push(performance.now() - start);
          }
        }
      }
      for (const evaluator of evaluators.values()) await evaluator.close();
      await stopWorkers(workers.splice(0));
      const overhead: Record<string, { p50Ms: number; p90Ms: number; p99Ms: number; batchK16p50Ms: number }> = {};
      for (const side of checkouts) {
        const sorted = [...perJob.get(side.name)!].sort((a, b) => a - b);
        overhead[side.name] = { p50Ms: round(quantile(sorted, 0.5)), p90Ms: round(quantile(sorted, 0.9)), p99Ms: round(quantile(sorted, 0.99)), batchK16p50Ms: round(median(perBatch.get(side.name)!)) };
        const o = overhead[side.name];
        console.log(`overhead per job (${side.name}): p50 ${o.p50Ms} ms, p90 ${o.p90Ms} ms, p99 ${o.p99Ms} ms; K = ${K} batch p50 ${o.batchK16p50Ms} ms`);
      }
      Object.assign(result, { overheadPerJob: overhead.current, overheadGoal: "p50 < 3 ms", meetsOverheadGoal: overhead.current.p50Ms < 3 });
      if (overhead.baseline) result.overheadPerJobBaseline = overhead.baseline;
    }

    if (sections.includes("recovery")) {
      // Kill the worker that holds the job; the other one finishes it.
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
      result.recoverySeconds = { trials: recoveries.map((ms) => round(ms / 1000)), median: round(median(recoveries) / 1000) };
    }

    if (sections.includes("payload")) {
      // Per dimension: the workers of each checkout, then every way of sending the same batches, in alternation.
      const payload: Record<string, number | string>[] = [];
      for (const d of PAYLOAD_DIMENSIONS) {
        const env = { ZOAR_BENCH_DIMENSION: String(d) };
        process.env.ZOAR_BENCH_DIMENSION = String(d);
        const ways: { name: string; evaluator: QueueEvaluator }[] = [];
        for (const side of checkouts) {
          for (let i = 0; i < PAYLOAD_WORKERS; i++) workers.push(await startWorker(objective, redis.url, env, side.cli));
          // Rows inside the jobs are not tried past d = 10^4 (megabytes of base64 per job); the baseline has one way.
          const modes: PayloadMode[] = side.name === "baseline" ? ["auto"] : d <= 10_000 ? ["rows", "recipe", "batch"] : ["recipe", "batch"];
          for (const mode of modes) {
            const evaluator = await side.open(objective, { queue: redis.url, runId: `bench-payload-${side.name}-${mode}`, timeoutMs: 0, sdkPath: side.sdk, payload: mode });
            await waitUntil(() => evaluator.status().workers === PAYLOAD_WORKERS, `${PAYLOAD_WORKERS} ${side.name} workers`);
            ways.push({ name: side.name === "baseline" ? "baseline whole batch" : mode, evaluator });
          }
        }
        const next = batchesOf(d);
        const times = new Map<string, number[]>(ways.map((way) => [way.name, []]));
        for (let round = -1; round < payloadRounds(d); round++) {
          const { points: batch, recipe, iteration } = next();
          for (const way of ways) {
            const start = performance.now();
            await way.evaluator.evaluateBatch(batch, K, iteration, recipe);
            if (round >= 0) times.get(way.name)!.push(performance.now() - start); // round -1 warms the workers up
          }
        }
        for (const way of ways) await way.evaluator.close();
        await stopWorkers(workers.splice(0));
        delete process.env.ZOAR_BENCH_DIMENSION;
        const row: Record<string, number | string> = { dimension: d, batchMB: round((K * d * 8) / 1e6, 3) };
        for (const [name, values] of times) row[`${name} ms`] = round(median(values));
        payload.push(row);
        console.log(`payload d = ${d}: ${[...times].map(([name, values]) => `${name} ${round(median(values))} ms`).join(", ")}`);
      }
      result.payloadByDimension = payload;
    }

    Object.assign(result, {
      description:
        `zoar worker processes on a local redis-server 7.0, QueueEvaluator as a run uses it; throughput: K = ${K}, objective sleeping ${SLEEP_MS} ms per query, ` +
        `median of ${THROUGHPUT_BATCHES} batches; overhead: ${OVERHEAD_JOBS} one-query batches with a trivial objective (d = ${DIMENSION}), in blocks of ${OVERHEAD_BLOCK} ` +
        `alternating with the baseline when given; recovery: time from SIGKILL of the worker holding a job to the job done elsewhere, minus the objective's ${RECOVERY_SLEEP_MS} ms; ` +
        `payload: median time of one K = ${K} iteration of a trivial objective on ${PAYLOAD_WORKERS} workers per way of sending the points`,
      baseline: argument("--baseline") ? "zoar before the change (--baseline), its own evaluator and worker processes, measured in the same run" : undefined,
      machine: {
        cpu: os.cpus()[0]?.model ?? "unknown",
        cores: os.cpus().length,
        platform: process.platform,
        loadAverage1min: round(os.loadavg()[0], 1),
        note: "shared by several people's builds and tests at the time: noisy; ratios measured side by side in one run",
      },
      node: process.version,
      date: new Date().toISOString(),
    });
    const out = path.join(__dirname, "results", "distributed.json");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const previous = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, "utf8")) as Record<string, unknown>) : {};
    // A run of some sections keeps the others' last figures.
    fs.writeFileSync(out, `${JSON.stringify({ ...previous, ...result }, null, 2)}\n`);
    console.log(`written to ${path.relative(process.cwd(), out)}`);
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
