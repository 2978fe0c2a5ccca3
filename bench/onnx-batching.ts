/**
 * Queries per second of the MNIST attack classifier (examples/mnist-attack/
 * classifier.onnx) when the K queries of an iteration go to onnxruntime in
 * one batched session.run, against one session.run per query, for K = 2, 10
 * and 32. Measured two ways:
 *
 * - onnxruntime-node directly, under several session options (threads,
 *   graph optimization), to see what batching can gain at all;
 * - through zoar's ObjectiveEvaluator: examples/mnist-attack/attack.ts as
 *   written (batched) against the same objective evaluating one query per run.
 *
 * Goal: batched at K = 32 at least 5x faster per query than one query per run.
 *
 *   npx tsx bench/onnx-batching.ts
 *
 * Writes bench/results/onnx-batching.json and prints a table.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import { ObjectiveEvaluator } from "../src/objective/evaluator";
import { machine } from "./machine";

const EXAMPLE_DIR = path.resolve(__dirname, "../examples/mnist-attack");
const ATTACK_FILE = path.join(EXAMPLE_DIR, "attack.ts");
const MODEL_FILE = path.join(EXAMPLE_DIR, "classifier.onnx");
const RESULTS_FILE = path.join(__dirname, "results", "onnx-batching.json");
const PIXELS = 784;
const BATCH_SIZES = [2, 10, 32];
const GOAL_SPEEDUP = 5;
const GOAL_BATCH = 32;
/** Each figure is the median of this many trials, each lasting at least TRIAL_MS. */
const TRIALS = 5;
const TRIAL_MS = 600;
const WARMUP_MS = 300;

interface SessionVariant {
  name: string;
  options: ort.InferenceSession.SessionOptions;
}

const SESSION_VARIANTS: SessionVariant[] = [
  { name: "default options", options: { executionProviders: ["cpu"] } },
  { name: "intraOpNumThreads 1", options: { executionProviders: ["cpu"], intraOpNumThreads: 1 } },
  { name: "intraOpNumThreads 2", options: { executionProviders: ["cpu"], intraOpNumThreads: 2 } },
  {
    name: "intraOpNumThreads 1, graph optimization all, sequential",
    options: { executionProviders: ["cpu"], intraOpNumThreads: 1, graphOptimizationLevel: "all", executionMode: "sequential" },
  },
];

interface Figure {
  batch: number;
  batchedQueriesPerSecond: number;
  perQueryQueriesPerSecond: number;
  /** Batched queries per second over one-query-per-run queries per second. */
  speedup: number;
}

/** Microseconds per query batched, and what one query per run adds to that: the most batching can save. */
function perQueryCosts(f: Figure): { batchedMicroseconds: number; extraPerRunMicroseconds: number } {
  const batchedMicroseconds = 1e6 / f.batchedQueriesPerSecond;
  return { batchedMicroseconds, extraPerRunMicroseconds: 1e6 / f.perQueryQueriesPerSecond - batchedMicroseconds };
}

/** Queries per second of `round` (which evaluates `queries` queries) over one trial of at least TRIAL_MS. */
async function trialRate(round: () => Promise<unknown>, queries: number): Promise<number> {
  let rounds = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < TRIAL_MS) {
    await round();
    rounds++;
    elapsed = performance.now() - start;
  }
  return (rounds * queries * 1000) / elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Batched against one-query-per-run for `batch` queries. Their trials
 * alternate, so both see the same load when other work shares the machine.
 */
async function compare(batch: number, batched: () => Promise<unknown>, perQuery: () => Promise<unknown>): Promise<Figure> {
  const warmupEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmupEnd) {
    await batched();
    await perQuery();
  }
  const batchedRates: number[] = [];
  const perQueryRates: number[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    batchedRates.push(await trialRate(batched, batch));
    perQueryRates.push(await trialRate(perQuery, batch));
  }
  const batchedQueriesPerSecond = median(batchedRates);
  const perQueryQueriesPerSecond = median(perQueryRates);
  return { batch, batchedQueriesPerSecond, perQueryQueriesPerSecond, speedup: batchedQueriesPerSecond / perQueryQueriesPerSecond };
}

/** Attack-like inputs: the bundled digits, each moved by a perturbation within +-0.2. */
function sampleImages(rows: number): Float32Array {
  const digits = (JSON.parse(fs.readFileSync(path.join(EXAMPLE_DIR, "digits.json"), "utf8")) as { images: { pixels: number[] }[] }).images;
  const images = new Float32Array(rows * PIXELS);
  for (let row = 0; row < rows; row++) {
    const pixels = digits[row % digits.length].pixels;
    for (let i = 0; i < PIXELS; i++) images[row * PIXELS + i] = Math.min(1, Math.max(0, pixels[i] + 0.2 * Math.sin(17 * row + 0.3 * i)));
  }
  return images;
}

async function measureDirect(variant: SessionVariant): Promise<Figure[]> {
  const session = await ort.InferenceSession.create(MODEL_FILE, variant.options);
  const figures: Figure[] = [];
  try {
    for (const batch of BATCH_SIZES) {
      const images = sampleImages(batch);
      const whole = new ort.Tensor("float32", images, [batch, 1, 28, 28]);
      const singles = Array.from({ length: batch }, (_, row) => new ort.Tensor("float32", images.slice(row * PIXELS, (row + 1) * PIXELS), [1, 1, 28, 28]));
      const figure = await compare(
        batch,
        () => session.run({ input: whole }),
        async () => {
          for (const single of singles) await session.run({ input: single });
        },
      );
      figures.push(figure);
    }
  } finally {
    await session.release();
  }
  return figures;
}

/** The attack objective, but each query in its own session.run (the classifier resolves beside this file). */
function writePerQueryObjective(dir: string): string {
  fs.symlinkSync(MODEL_FILE, path.join(dir, "classifier.onnx"));
  const file = path.join(dir, "attack-per-query.ts");
  fs.writeFileSync(
    file,
    `import { defineObjective } from "zoar";
import attack from ${JSON.stringify(ATTACK_FILE.replace(/\.ts$/, ""))};
export default defineObjective({
  dimension: attack.dimension,
  initial: attack.initial,
  async evaluate(x) {
    const [value] = await attack.evaluateBatch!([x]);
    return value;
  },
});
`,
  );
  return file;
}

async function measureEvaluator(): Promise<Figure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-onnx-batching-"));
  const batchedEvaluator = await ObjectiveEvaluator.open(ATTACK_FILE, { provider: "cpu" });
  const perQueryEvaluator = await ObjectiveEvaluator.open(writePerQueryObjective(dir), { provider: "cpu" });
  const figures: Figure[] = [];
  try {
    for (const batch of BATCH_SIZES) {
      const points = Float64Array.from({ length: batch * PIXELS }, (_, i) => 0.5 * Math.sin(0.7 * i));
      const check = [await batchedEvaluator.evaluateBatch(points, batch, 0), await perQueryEvaluator.evaluateBatch(points, batch, 0)];
      check[0].forEach((value, row) => {
        if (Math.abs(value - check[1][row]) > 1e-5 * (1 + Math.abs(value))) throw new Error(`batched and per-query values differ at row ${row}`);
      });
      let iteration = 1;
      const figure = await compare(
        batch,
        () => batchedEvaluator.evaluateBatch(points, batch, iteration++),
        () => perQueryEvaluator.evaluateBatch(points, batch, iteration++),
      );
      figures.push(figure);
    }
  } finally {
    await Promise.all([batchedEvaluator.close(), perQueryEvaluator.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

function printTable(title: string, figures: Figure[]): void {
  console.log(title);
  console.log("   K  batched q/s  one-per-run q/s  speedup  us/query batched  us added per run");
  for (const f of figures) {
    const costs = perQueryCosts(f);
    console.log(
      `${String(f.batch).padStart(4)}  ${f.batchedQueriesPerSecond.toFixed(0).padStart(11)}  ${f.perQueryQueriesPerSecond.toFixed(0).padStart(15)}  ` +
        `${f.speedup.toFixed(2).padStart(6)}x  ${costs.batchedMicroseconds.toFixed(0).padStart(16)}  ${costs.extraPerRunMicroseconds.toFixed(0).padStart(16)}`,
    );
  }
  console.log();
}

const rounded = (figures: Figure[]) =>
  figures.map((f) => ({
    batch: f.batch,
    batchedQueriesPerSecond: Math.round(f.batchedQueriesPerSecond),
    perQueryQueriesPerSecond: Math.round(f.perQueryQueriesPerSecond),
    speedup: Math.round(f.speedup * 100) / 100,
    microsecondsPerQueryBatched: Math.round(perQueryCosts(f).batchedMicroseconds),
    microsecondsAddedPerRun: Math.round(perQueryCosts(f).extraPerRunMicroseconds),
  }));

async function main(): Promise<void> {
  // The machine may be shared: the load average says how busy it was around the measurement.
  const loadBefore = os.loadavg()[0];
  const direct: { variant: string; options: SessionVariant["options"]; figures: Figure[] }[] = [];
  for (const variant of SESSION_VARIANTS) {
    const figures = await measureDirect(variant);
    direct.push({ variant: variant.name, options: variant.options, figures });
    printTable(`onnxruntime-node directly, ${variant.name}`, figures);
  }
  const evaluator = await measureEvaluator();
  printTable("through zoar's ObjectiveEvaluator (attack.ts; session created by loadOnnxModel with default options)", evaluator);

  const speedupAtGoal = (figures: Figure[]) => figures.find((f) => f.batch === GOAL_BATCH)!.speedup;
  const best = Math.max(...direct.map((d) => speedupAtGoal(d.figures)));
  const goalMet = speedupAtGoal(evaluator) >= GOAL_SPEEDUP;
  const verdict =
    `goal (batched >= ${GOAL_SPEEDUP}x per query at K = ${GOAL_BATCH}) ${goalMet ? "met" : "not met"}: ` +
    `${speedupAtGoal(evaluator).toFixed(2)}x through the evaluator, at most ${best.toFixed(2)}x with onnxruntime directly`;
  console.log(verdict);

  const result = {
    benchmark: "onnx-batching",
    date: new Date().toISOString(),
    machine: { ...machine(), onnxruntime: ort.env.versions.common },
    loadAverage1min: { before: Math.round(loadBefore * 100) / 100, after: Math.round(os.loadavg()[0] * 100) / 100 },
    model: "examples/mnist-attack/classifier.onnx",
    method: `median of ${TRIALS} trials of >= ${TRIAL_MS} ms each, batched and one-per-run trials alternating, after ${WARMUP_MS} ms of warm-up; queries per second = queries / wall time`,
    goal: { batch: GOAL_BATCH, speedup: GOAL_SPEEDUP, met: goalMet },
    verdict,
    direct: direct.map((d) => ({ variant: d.variant, options: d.options, figures: rounded(d.figures) })),
    evaluator: rounded(evaluator),
  };
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
