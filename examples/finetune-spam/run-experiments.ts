/**
 * The recorded results of the fine-tuning example: held-out accuracy against
 * steps for ZoAR (zoar-pairs), MeZO (spsa) and MeZO with R-AdaZO's update,
 * over seeds; the zero-shot and linear-probe reference accuracies; time per
 * step split into forward passes and the engine (noise included); peak memory.
 *
 *   node esbuild.config.mjs && npx tsx examples/finetune-spam/run-experiments.ts [--seeds 0,1,2] [--iterations 300] [--methods zoar-pairs,spsa,spsa-radazo] [--parallel 2] [--references]
 *
 * Each run is the user's command, `zoar run examples/finetune-spam/finetune.ts
 * --optimizer ... --seed S` (dist/cli.js, the objective's own recommended
 * settings, the default minibatch), --parallel at a time (default 1) under
 * `flock /tmp/zoar-heavy.lock`. results.json and results.svg are rewritten
 * after every run; runs already recorded with the same setup are kept, so an
 * interrupted session continues where it stopped. --references recomputes the
 * zero-shot and linear-probe accuracies (else the recorded ones are kept).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { createOptimizer, makeDirectionSource, type OptimizerConfig } from "../../src/engine";
import { RunStore } from "../../src/run";
import type { RunResult } from "../../src/run/types";
import { tokenBatch } from "./model/batch";
import { loadEmails, standardSplit } from "./model/dataset";
import { HAM_PROMPT, HEAD_SIZE, SPAM_PROMPT, linearProbe, score, zeroShotHead } from "./model/head";
import { CONFIGURATIONS, ensureUseLiteModels, modelFile } from "./model/models";
import { UseTokenizer } from "./model/tokenizer";
import { EMBEDDING_OUTPUT, EMBEDDING_SIZE, readPretrained, WEIGHTS } from "./model/useLite";
import { plotAccuracy } from "./plot";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "dist/cli.js");
const LOCK = "/tmp/zoar-heavy.lock";
const RESULTS_FILE = path.join(__dirname, "results.json");
const PLOT_FILE = path.join(__dirname, "results.svg");
/** As finetune.ts reads them (its defaults: the runs use none of its ZOAR_FINETUNE_* variables). */
const TOKENS_PER_TEXT = 64;
const BATCH = 32;
const METRICS_EVERY = 50;

const { values: args } = parseArgs({
  options: {
    seeds: { type: "string", default: "0,1,2" },
    iterations: { type: "string", default: "300" },
    methods: { type: "string", default: "zoar-pairs,spsa,spsa-radazo" },
    references: { type: "boolean", default: false },
    parallel: { type: "string", default: "1" },
    "references-only": { type: "string" },
  },
});
const seeds = args.seeds!.split(",").map(Number);
const iterations = Number(args.iterations);
const parallel = Number(args.parallel);

/** The learning rates are the objective's (its optimizerDefaults); only the update rule is changed here. */
const METHODS: { key: string; label: string; optimizer: string; flags: string[]; overrides: Partial<OptimizerConfig> }[] = [
  { key: "zoar-pairs", label: "ZoAR (zoar-pairs)", optimizer: "zoar-pairs", flags: [], overrides: {} },
  { key: "spsa", label: "MeZO (spsa)", optimizer: "spsa", flags: [], overrides: {} },
  { key: "spsa-radazo", label: "MeZO + R-AdaZO update", optimizer: "spsa", flags: ["--update", "radazo", "--beta1", "0.9", "--beta2", "0.99"], overrides: { update: "radazo", beta1: 0.9, beta2: 0.99 } },
];
const chosen = args.methods!.split(",").map((key) => {
  const method = METHODS.find((m) => m.key === key);
  if (!method) throw new Error(`--methods: unknown method "${key}" (known: ${METHODS.map((m) => m.key).join(", ")})`);
  return method;
});

interface RunRecord {
  method: string;
  optimizer: string;
  /** The optimizer's settings as the run resolved them (the objective's recommendation and the flags on the preset). */
  config: Partial<OptimizerConfig>;
  seed: number;
  command: string;
  accuracy: { iteration: number; accuracy: number }[];
  finalAccuracy: number;
  finalTestLoss: number;
  elapsedMs: number;
  /** Median time of an iteration without metrics: the two forward passes plus the engine. */
  msPerStep: number;
  /** Other runs going at the same time (--parallel), each on a core of its own. */
  runsAlongside?: number;
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

type Method = (typeof METHODS)[number];

/**
 * Runs through the command line, all at once under one hold of the
 * heavy-work lock (--parallel: one per core), each with one onnxruntime
 * thread as the default command has; their traces read back.
 */
function runTogether(jobs: { method: Method; seed: number }[], runsDir: string): RunRecord[] {
  const argsOf = ({ method, seed }: { method: Method; seed: number }) =>
    ["run", "examples/finetune-spam/finetune.ts", "--optimizer", method.optimizer, ...method.flags, "--seed", String(seed), "--iterations", String(iterations), "--metrics-every", String(METRICS_EVERY), "--runs-dir", runsDir, "--json"];
  const outputs = jobs.map((_, i) => path.join(runsDir, `result-${i}.json`));
  const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
  const script = jobs.map((job, i) => `${[process.execPath, CLI, ...argsOf(job)].map(quote).join(" ")} > ${quote(outputs[i])} &`).join("\n") + "\nwait";
  const child = spawnSync("flock", [LOCK, "sh", "-c", script], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (child.status !== 0) throw new Error(`zoar run failed under flock (${child.status})`);
  return jobs.map((job, i) => {
    const { method, seed } = job;
    const result = JSON.parse(fs.readFileSync(outputs[i], "utf8")) as RunResult;
    if (result.status !== "done") throw new Error(`${method.label} seed ${seed}: ${result.status} ${result.error?.message ?? ""}`);
    const store = RunStore.open(result.runDir!);
    const trace = store.readTrace().lines;
    const accuracy = trace.filter((l) => l.metrics).map((l) => ({ iteration: l.iteration, accuracy: l.metrics!.accuracy }));
    accuracy.push({ iteration: result.iterations, accuracy: result.metrics!.accuracy });
    const cliArgs = argsOf(job);
    return {
      method: method.label,
      optimizer: method.optimizer,
      config: store.readConfig().config,
      seed,
      command: `zoar ${cliArgs.slice(0, cliArgs.indexOf("--metrics-every")).join(" ")}`,
      accuracy,
      finalAccuracy: result.metrics!.accuracy,
      finalTestLoss: result.metrics!.testLoss,
      elapsedMs: result.elapsedMs,
      msPerStep: median(trace.flatMap((l, t) => (t > 0 && !l.metrics ? [l.elapsedMs - trace[t - 1].elapsedMs] : []))),
      runsAlongside: jobs.length - 1,
    };
  });
}

type References = Awaited<ReturnType<typeof references>>;

/** references() in a process of its own under the heavy-work lock (it embeds all 5,870 e-mails). */
function lockedReferences(): References {
  const out = path.join(os.tmpdir(), `zoar-finetune-references-${process.pid}.json`);
  const child = spawnSync("flock", [LOCK, process.execPath, ...process.execArgv, __filename, "--references-only", out], { cwd: ROOT, stdio: "inherit" });
  if (child.status !== 0) throw new Error(`computing the references exited with ${child.status}`);
  const reference = JSON.parse(fs.readFileSync(out, "utf8")) as References;
  fs.rmSync(out);
  return reference;
}

interface Recorded {
  setup?: { iterations?: number; batch?: number };
  references?: { zeroShot: number; linearProbe: number };
  timing?: { forwardMsPerMinibatch: number };
  runs?: RunRecord[];
}

async function main(): Promise<void> {
  const recorded = (fs.existsSync(RESULTS_FILE) ? JSON.parse(fs.readFileSync(RESULTS_FILE, "utf8")) : {}) as Recorded;
  const sameSetup = recorded.setup?.iterations === iterations && recorded.setup?.batch === BATCH;
  const known = recorded.references && recorded.timing ? { ...recorded.references, forwardMs: recorded.timing.forwardMsPerMinibatch } : undefined;
  const reference = args.references || !known || !sameSetup ? lockedReferences() : { ...known, trainTexts: 5470, testTexts: 400 };
  console.log(`zero-shot ${reference.zeroShot}, linear probe ${reference.linearProbe}, forward of ${BATCH} texts ${reference.forwardMs.toFixed(1)} ms`);
  const dimension = CONFIGURATIONS.layernorm.reduce((sum, name) => sum + WEIGHTS.find((w) => w.name === name)!.shape.reduce((a, b) => a * b, 1), 0) + HEAD_SIZE;
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-finetune-"));
  const runs: RunRecord[] = sameSetup ? (recorded.runs ?? []).filter((r) => r.command !== undefined) : [];
  const write = () => {
    const results = {
      machine: `${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores (shared with other jobs: timings are noisy), node ${process.version}`,
      date: new Date().toISOString(),
      command: `npx tsx examples/finetune-spam/run-experiments.ts --seeds ${seeds.join(",")} --iterations ${iterations} --parallel ${parallel}`,
      setup: { weights: "layernorm", dimension, batch: BATCH, tokensPerText: TOKENS_PER_TEXT, metricsEvery: METRICS_EVERY, iterations, trainTexts: reference.trainTexts, testTexts: reference.testTexts },
      references: { zeroShot: reference.zeroShot, linearProbe: reference.linearProbe },
      timing: {
        forwardMsPerMinibatch: reference.forwardMs,
        forwardsPerStep: 2,
        noiseMsPerDirection: noiseMsPerDirection(dimension),
        engineMsPerStep: Object.fromEntries(METHODS.map((m) => [m.label, engineMsPerStep(m.optimizer, m.overrides, dimension)])),
      },
      modelFp32Bytes: WEIGHTS.reduce((sum, w) => sum + 4 * w.shape.reduce((a, b) => a * b, 1), 0),
      runs: [...runs].sort((a, b) => METHODS.findIndex((m) => m.label === a.method) - METHODS.findIndex((m) => m.label === b.method) || a.seed - b.seed),
    };
    fs.writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + "\n");
    fs.writeFileSync(PLOT_FILE, plotAccuracy(results.runs, results.references, iterations));
  };
  write();
  const pending = seeds.flatMap((seed) => chosen.map((method) => ({ method, seed }))).filter(({ method, seed }) => !runs.some((r) => r.method === method.label && r.seed === seed));
  while (pending.length > 0) {
    for (const record of runTogether(pending.splice(0, parallel), runsDir)) {
      runs.push(record);
      console.log(`${record.method} seed ${record.seed}: accuracy ${record.accuracy[0].accuracy} -> ${record.finalAccuracy}, ${record.msPerStep.toFixed(0)} ms/step`);
    }
    write();
  }
  fs.rmSync(runsDir, { recursive: true, force: true });
}

const onlyReferences = args["references-only"];
(onlyReferences ? references().then((r) => fs.writeFileSync(onlyReferences, JSON.stringify(r))) : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
