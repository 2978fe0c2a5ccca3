// One measurement of bench/engine-scale.ts, in a process of its own: whole
// iterations (ask + evaluate the rows + tell) of one engine build, with the
// engine's own share, and the peak resident memory. The engine import is
// bound at bundle time to the engine under test (this tree's, or a baseline's).
import { parseArgs } from "node:util";
import * as engine from "../src/engine";

const { createOptimizer, evaluateRows, standardNormalStart, syntheticFunction } = engine;

const { values: args } = parseArgs({
  options: {
    optimizer: { type: "string", default: "zoar" },
    function: { type: "string", default: "quadratic" },
    dimension: { type: "string", default: "10000" },
    histories: { type: "string" },
    overrides: { type: "string", default: "{}" },
    seconds: { type: "string", default: "1" },
    chunks: { type: "string", default: "5" },
    "warm-precision": { type: "string" },
    // A helper thread for the query rows: the bundles of src/run/drawing-threads.ts and its worker (engines that have it).
    pool: { type: "string" },
    "drawing-worker": { type: "string" },
  },
});

if (args.pool) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { WorkerDrawingThreads } = require(args.pool) as typeof import("../src/run/drawing-threads");
  (engine as unknown as { useDrawingThreads(threads: unknown): void }).useDrawingThreads(new WorkerDrawingThreads(args["drawing-worker"]));
}

const d = Number(args.dimension);
const overrides = { ...JSON.parse(args.overrides), ...(args.histories ? { histories: Number(args.histories) } : {}) };
const f = syntheticFunction(args.function);
if (args["warm-precision"]) {
  // The same case in another precision first, until the kernels are optimized for its array type too.
  const other = createOptimizer(args.optimizer, { ...overrides, precision: args["warm-precision"] as "float32" }, { initial: standardNormalStart(d, 2), seed: 2 });
  const started = performance.now();
  for (let t = 0; t < 10 || performance.now() - started < 1000; t++) {
    const batch = other.ask();
    other.tell(evaluateRows(f, batch.points, batch.rows, d, new Float64Array(batch.rows)));
  }
}
const optimizer = createOptimizer(args.optimizer, overrides, { initial: standardNormalStart(d, 1), seed: 1 });
// The starting point is garbage once copied: do not count it in the peak (run with --expose-gc).
(globalThis as { gc?: () => void }).gc?.();
let values = new Float64Array(0);
let peakRss = process.memoryUsage.rss();
const chunkMs: number[] = [];
const engineMs: number[] = [];

let iterations = 0;
function iterate(): [number, number] {
  const started = performance.now();
  const batch = optimizer.ask();
  const asked = performance.now();
  if (values.length !== batch.rows) values = new Float64Array(batch.rows);
  evaluateRows(f, batch.points, batch.rows, d, values);
  const evaluated = performance.now();
  optimizer.tell(values);
  const told = performance.now();
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  iterations++;
  return [told - started, asked - started + (told - evaluated)];
}
// Warm-up for a third of a chunk (at least 3 iterations), which also sizes the chunks; the median chunk is reported.
const seconds = Number(args.seconds);
const warmStart = performance.now();
let warmTail = 0;
for (let t = 0; t < 3 || performance.now() - warmStart < (seconds * 1000) / 3; t++) warmTail = iterate()[0];
const perChunk = Math.max(3, Math.round((seconds * 1000) / warmTail));
for (let chunk = 0; chunk < Number(args.chunks); chunk++) {
  let whole = 0;
  let engine = 0;
  for (let t = 0; t < perChunk; t++) {
    const [w, e] = iterate();
    whole += w;
    engine += e;
  }
  chunkMs.push(whole / perChunk);
  engineMs.push(engine / perChunk);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
process.stdout.write(JSON.stringify({ msPerIteration: median(chunkMs), engineMsPerIteration: median(engineMs), iterations, peakRssMB: peakRss / 2 ** 20 }));
