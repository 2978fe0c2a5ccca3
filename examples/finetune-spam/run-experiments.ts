/**
 * The recorded results of the fine-tuning example: held-out accuracy against
 * steps for ZoAR (zoar-pairs), MeZO (spsa) and MeZO with R-AdaZO's update,
 * over seeds; the zero-shot and linear-probe reference accuracies; time per
 * step split into forward passes and the engine (noise included); peak memory.
 *
 *   npx tsx examples/finetune-spam/run-experiments.ts [--seeds 0,1,2] [--iterations 300] [--lr 0.003]
 *
 * Writes examples/finetune-spam/results.json and results.svg after every run,
 * so an interrupted session keeps what it measured.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { createOptimizer, makeDirectionSource, type OptimizerConfig } from "../../src/engine";
import { RunStore, startRun } from "../../src/run";
import { tokenBatch } from "./model/batch";
import { loadEmails, standardSplit } from "./model/dataset";
import { HAM_PROMPT, HEAD_SIZE, SPAM_PROMPT, linearProbe, score, zeroShotHead } from "./model/head";
import { CONFIGURATIONS, ensureUseLiteModels, modelFile } from "./model/models";
import { UseTokenizer } from "./model/tokenizer";
import { EMBEDDING_OUTPUT, EMBEDDING_SIZE, readPretrained, WEIGHTS } from "./model/useLite";
import { plotAccuracy } from "./plot";

const FINETUNE_FILE = path.join(__dirname, "finetune.ts");
const RESULTS_FILE = path.join(__dirname, "results.json");
const PLOT_FILE = path.join(__dirname, "results.svg");
/** As finetune.ts reads them. */
const TOKENS_PER_TEXT = 64;
const BATCH = 16;
const METRICS_EVERY = 50;

const { values: args } = parseArgs({
  options: { seeds: { type: "string", default: "0,1,2" }, iterations: { type: "string", default: "300" }, lr: { type: "string", default: "0.003" } },
});
const seeds = args.seeds!.split(",").map(Number);
const iterations = Number(args.iterations);
const lr = Number(args.lr);

const METHODS: { label: string; optimizer: string; overrides: Partial<OptimizerConfig> }[] = [
  { label: "ZoAR (zoar-pairs)", optimizer: "zoar-pairs", overrides: { lr } },
  { label: "MeZO (spsa)", optimizer: "spsa", overrides: { lr } },
  { label: "MeZO + R-AdaZO update", optimizer: "spsa", overrides: { lr, update: "radazo", beta1: 0.9, beta2: 0.99 } },
];

interface RunRecord {
  method: string;
  optimizer: string;
  overrides: Partial<OptimizerConfig>;
  seed: number;
  accuracy: { iteration: number; accuracy: number }[];
  finalAccuracy: number;
  finalTestLoss: number;
  elapsedMs: number;
  /** Median time of an iteration without metrics: the two forward passes plus the engine. */
  msPerStep: number;
}

async function embedAll(session: ort.InferenceSession, encoded: number[][]): Promise<Float32Array> {
  const out = new Float32Array(encoded.length * EMBEDDING_SIZE);
  for (let from = 0; from < encoded.length; from += 64) {
    const batch = tokenBatch(encoded.slice(from, from + 64));
    const result = await session.run({ ids: new ort.Tensor("int64", batch.ids, batch.dims), mask: new ort.Tensor("float32", batch.mask, batch.dims) });
    out.set(result[EMBEDDING_OUTPUT].data as Float32Array, from * EMBEDDING_SIZE);
  }
  return out;
}

/** Zero-shot and linear-probe accuracy, and the median time of one forward pass of a minibatch. */
async function references(): Promise<{ zeroShot: number; linearProbe: number; trainTexts: number; testTexts: number; forwardMs: number }> {
  ensureUseLiteModels();
  const tokenizer = new UseTokenizer(readPretrained().vocabulary);
  const emails = loadEmails();
  const split = standardSplit(emails);
  const encode = (i: number) => tokenizer.encode(emails[i].text).slice(0, TOKENS_PER_TEXT);
  const session = await ort.InferenceSession.create(modelFile("frozen"), { intraOpNumThreads: 1 });
  const test = await embedAll(session, split.test.map(encode));
  const testLabels = split.test.map((i) => emails[i].label);
  const prompts = await embedAll(session, [SPAM_PROMPT, HAM_PROMPT].map((t) => tokenizer.encode(t)));
  const zeroShot = score(zeroShotHead(prompts.subarray(0, EMBEDDING_SIZE), prompts.subarray(EMBEDDING_SIZE)), 0, test, testLabels).accuracy;
  const train = await embedAll(session, split.train.map(encode));
  const probe = linearProbe(train, split.train.map((i) => emails[i].label));
  const linear = score(probe, 0, test, testLabels).accuracy;
  // One minibatch forward, as the objective runs it (the frozen graph: weights as inputs cost a little more).
  const batch = tokenBatch(split.train.slice(0, BATCH).map(encode));
  const feeds = { ids: new ort.Tensor("int64", batch.ids, batch.dims), mask: new ort.Tensor("float32", batch.mask, batch.dims) };
  const times: number[] = [];
  for (let r = 0; r < 21; r++) {
    const started = performance.now();
    await session.run(feeds);
    times.push(performance.now() - started);
  }
  await session.release();
  return { zeroShot, linearProbe: linear, trainTexts: split.train.length, testTexts: split.test.length, forwardMs: median(times) };
}

/** The engine's own time per iteration (ask + tell, noise generation included) at the example's dimension. */
function engineMsPerStep(optimizer: string, overrides: Partial<OptimizerConfig>, dimension: number): number {
  const engine = createOptimizer(optimizer, overrides, { initial: new Float64Array(dimension), seed: 1 });
  const times: number[] = [];
  for (let t = 0; t < 60; t++) {
    const started = performance.now();
    const batch = engine.ask();
    engine.tell(new Float64Array(batch.rows).map((_, i) => 1 + 1e-3 * Math.sin(t + i)));
    times.push(performance.now() - started);
  }
  return median(times.slice(10));
}

/** Time to draw one Gaussian direction of `dimension` numbers with the engine's sampler. */
function noiseMsPerDirection(dimension: number): number {
  const draw = makeDirectionSource("gaussian", dimension);
  const out = new Float64Array(dimension);
  const times: number[] = [];
  for (let t = 0; t < 60; t++) {
    const started = performance.now();
    draw(t + 1, out, 0);
    times.push(performance.now() - started);
  }
  return median(times.slice(10));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  process.env.ZOAR_FINETUNE_BATCH = String(BATCH);
  process.env.ZOAR_FINETUNE_THREADS = "1";
  const reference = await references();
  console.log(`zero-shot ${reference.zeroShot}, linear probe ${reference.linearProbe}, forward of ${BATCH} texts ${reference.forwardMs.toFixed(1)} ms`);
  const dimension = CONFIGURATIONS.layernorm.reduce((sum, name) => sum + WEIGHTS.find((w) => w.name === name)!.shape.reduce((a, b) => a * b, 1), 0) + HEAD_SIZE;
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-finetune-"));
  const runs: RunRecord[] = [];
  const write = () => {
    const results = {
      machine: `${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores (shared with other jobs: timings are noisy), node ${process.version}`,
      date: new Date().toISOString(),
      command: `npx tsx examples/finetune-spam/run-experiments.ts --seeds ${seeds.join(",")} --iterations ${iterations} --lr ${lr}`,
      setup: { weights: "layernorm", dimension, batch: BATCH, tokensPerText: TOKENS_PER_TEXT, metricsEvery: METRICS_EVERY, iterations, lr, trainTexts: reference.trainTexts, testTexts: reference.testTexts },
      references: { zeroShot: reference.zeroShot, linearProbe: reference.linearProbe },
      timing: {
        forwardMsPerMinibatch: reference.forwardMs,
        forwardsPerStep: 2,
        noiseMsPerDirection: noiseMsPerDirection(dimension),
        engineMsPerStep: Object.fromEntries(METHODS.map((m) => [m.label, engineMsPerStep(m.optimizer, m.overrides, dimension)])),
      },
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      modelFp32Bytes: WEIGHTS.reduce((sum, w) => sum + 4 * w.shape.reduce((a, b) => a * b, 1), 0),
      runs,
    };
    fs.writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + "\n");
    fs.writeFileSync(PLOT_FILE, plotAccuracy(runs, results.references, iterations));
  };
  for (const seed of seeds) {
    for (const method of METHODS) {
      const loop = await startRun({
        objectiveFile: FINETUNE_FILE,
        optimizer: method.optimizer,
        overrides: method.overrides,
        seed,
        stop: { iterations },
        metricsEvery: METRICS_EVERY,
        runsDir,
      });
      const result = await loop.run();
      if (result.status !== "done") throw new Error(`${method.label} seed ${seed}: ${result.status} ${result.error?.message ?? ""}`);
      const trace = RunStore.open(result.runDir!).readTrace().lines;
      const accuracy = trace.filter((l) => l.metrics).map((l) => ({ iteration: l.iteration, accuracy: l.metrics!.accuracy }));
      accuracy.push({ iteration: result.iterations, accuracy: result.metrics!.accuracy });
      runs.push({
        method: method.label,
        optimizer: method.optimizer,
        overrides: method.overrides,
        seed,
        accuracy,
        finalAccuracy: result.metrics!.accuracy,
        finalTestLoss: result.metrics!.testLoss,
        elapsedMs: result.elapsedMs,
        msPerStep: median(trace.flatMap((l, i) => (i > 0 && !l.metrics ? [l.elapsedMs - trace[i - 1].elapsedMs] : []))),
      });
      console.log(`${method.label} seed ${seed}: accuracy ${accuracy[0].accuracy} -> ${result.metrics!.accuracy}, ${runs[runs.length - 1].msPerStep.toFixed(0)} ms/step`);
      write();
    }
  }
  fs.rmSync(runsDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
