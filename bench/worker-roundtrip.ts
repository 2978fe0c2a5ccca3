/**
 * Worker round-trip overhead per batch: a trivial objective (sum of squares,
 * d = 100) evaluated K = 10 points at a time through ObjectiveEvaluator, minus
 * the time the same evaluations take in-thread. Goal: under 100 microseconds.
 *
 *   npx tsx bench/worker-roundtrip.ts
 *
 * Writes bench/results/worker-roundtrip.json.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ObjectiveEvaluator } from "../src/objective/evaluator";

const DIMENSION = 100;
const BATCH = 10;
const WARMUP_BATCHES = 2_000;
const MEASURED_BATCHES = 20_000;
const GOAL_MICROSECONDS = 100;

const OBJECTIVE_SOURCE = `import { defineObjective } from "zoar";
export default defineObjective({
  dimension: ${DIMENSION},
  evaluate(x) {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
    return sum;
  },
});
`;

function sumOfSquares(x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return sum;
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Microseconds per batch for the same evaluations in this thread, copies of each row included. */
function inThreadMicroseconds(points: Float64Array): number {
  let sink = 0;
  const rounds = MEASURED_BATCHES;
  const start = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (let query = 0; query < BATCH; query++) sink += sumOfSquares(points.slice(query * DIMENSION, (query + 1) * DIMENSION));
  }
  const elapsed = performance.now() - start;
  if (Number.isNaN(sink)) throw new Error("unreachable: keeps the loop from being optimised away");
  return (elapsed * 1000) / rounds;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-bench-"));
  const file = path.join(dir, "sum-of-squares.ts");
  fs.writeFileSync(file, OBJECTIVE_SOURCE);
  const points = Float64Array.from({ length: DIMENSION * BATCH }, (_, i) => Math.sin(i));

  const evaluator = await ObjectiveEvaluator.open(file);
  try {
    for (let i = 0; i < WARMUP_BATCHES; i++) await evaluator.evaluateBatch(points, BATCH, i);
    const perBatch = new Float64Array(MEASURED_BATCHES);
    const start = performance.now();
    for (let i = 0; i < MEASURED_BATCHES; i++) {
      const before = performance.now();
      await evaluator.evaluateBatch(points, BATCH, i);
      perBatch[i] = (performance.now() - before) * 1000;
    }
    const meanMicroseconds = ((performance.now() - start) * 1000) / MEASURED_BATCHES;
    const values = await evaluator.evaluateBatch(points, BATCH, MEASURED_BATCHES);
    if (Math.abs(values[0] - sumOfSquares(points.subarray(0, DIMENSION))) > 1e-9) throw new Error("wrong value from the worker");

    const sorted = perBatch.slice().sort();
    const inThread = inThreadMicroseconds(points);
    const overhead = meanMicroseconds - inThread;
    const round = (value: number) => Math.round(value * 10) / 10;
    const result = {
      benchmark: "worker-roundtrip",
      description: `ObjectiveEvaluator.evaluateBatch, trivial objective, d = ${DIMENSION}, K = ${BATCH}; overhead = mean per batch minus in-thread evaluation`,
      dimension: DIMENSION,
      batchSize: BATCH,
      batches: MEASURED_BATCHES,
      perBatchMicroseconds: {
        mean: round(meanMicroseconds),
        median: round(quantile(sorted, 0.5)),
        p90: round(quantile(sorted, 0.9)),
        p99: round(quantile(sorted, 0.99)),
      },
      inThreadMicroseconds: round(inThread),
      overheadMicroseconds: round(overhead),
      goalMicroseconds: GOAL_MICROSECONDS,
      meetsGoal: overhead < GOAL_MICROSECONDS,
      machine: {
        cpu: os.cpus()[0]?.model ?? "unknown",
        cores: os.cpus().length,
        platform: process.platform,
        arch: process.arch,
        // Other work on the machine shows in the tail (p99) and the mean.
        loadAverage1min: round(os.loadavg()[0]),
      },
      node: process.version,
      date: new Date().toISOString(),
    };
    console.log(
      `worker round trip, d = ${DIMENSION}, K = ${BATCH}: ${result.perBatchMicroseconds.mean} us per batch ` +
        `(median ${result.perBatchMicroseconds.median}, p99 ${result.perBatchMicroseconds.p99}), ` +
        `in-thread ${result.inThreadMicroseconds} us, overhead ${result.overheadMicroseconds} us ` +
        `(goal < ${GOAL_MICROSECONDS} us: ${result.meetsGoal ? "met" : "NOT met"})`,
    );
    const out = path.join(__dirname, "results", "worker-roundtrip.json");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written to ${path.relative(process.cwd(), out)}`);
  } finally {
    await evaluator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
