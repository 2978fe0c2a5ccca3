/**
 * Where the fine-tuning run's memory goes, piece by piece, in one plain Node
 * process: resident memory (VmRSS) and its peak (VmHWM) after each stage of
 * what finetune.ts does (onnxruntime loaded, the session created, the
 * vocabulary read, the e-mails read and tokenized, a minibatch forward, the
 * test split scored), for onnxruntime session options side by side, each in
 * a fresh process.
 *
 *   flock /tmp/zoar-heavy.lock npx tsx bench/finetune-memory-pieces.ts
 *
 * Appends its records to bench/results/finetune-memory-pieces.json.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { machine } from "./machine";

const RESULTS = path.join(__dirname, "results/finetune-memory-pieces.json");
const BATCH = 32;
const TOKENS_PER_TEXT = 64;

/** Session options compared; the first is what finetune.ts uses. */
const VARIANTS: { label: string; session: Record<string, unknown>; chunk: number }[] = [
  { label: "as finetune.ts (arena on, memory pattern on, all graph optimizations), minibatch in one pass", session: {}, chunk: BATCH },
  { label: "enableMemPattern false", session: { enableMemPattern: false }, chunk: BATCH },
  { label: "enableCpuMemArena false", session: { enableCpuMemArena: false }, chunk: BATCH },
  { label: "arena and memory pattern off", session: { enableCpuMemArena: false, enableMemPattern: false }, chunk: BATCH },
  { label: "graphOptimizationLevel basic", session: { graphOptimizationLevel: "basic" }, chunk: BATCH },
  { label: "minibatch in passes of 8", session: {}, chunk: 8 },
  { label: "minibatch in passes of 8, arena and memory pattern off", session: { enableCpuMemArena: false, enableMemPattern: false }, chunk: 8 },
];

function memory(): { rssMB: number; peakMB: number } {
  const text = fs.readFileSync("/proc/self/status", "latin1");
  const mb = (field: string) => Math.round((Number(new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, "m").exec(text)?.[1] ?? 0) / 1024) * 10) / 10;
  return { rssMB: mb("VmRSS"), peakMB: mb("VmHWM") };
}

/** One variant, in this process (the child). */
async function measure(variant: (typeof VARIANTS)[number]): Promise<Record<string, unknown>> {
  const stages: { stage: string; rssMB: number; peakMB: number }[] = [];
  const mark = (stage: string) => stages.push({ stage, ...memory() });
  mark("node + tsx");
  const ort = await import("onnxruntime-node");
  const { tokenBatch } = await import("../examples/finetune-spam/model/batch");
  const { loadEmails, standardSplit } = await import("../examples/finetune-spam/model/dataset");
  const { ensureUseLiteModels, modelFile } = await import("../examples/finetune-spam/model/models");
  const { UseTokenizer } = await import("../examples/finetune-spam/model/tokenizer");
  const { readPretrained, EMBEDDING_OUTPUT } = await import("../examples/finetune-spam/model/useLite");
  const { trainableTensors, weightFeeds } = await import("../examples/finetune-spam/model/feeds");
  ensureUseLiteModels();
  mark("onnxruntime-node and the example's modules loaded");
  const session = await ort.InferenceSession.create(modelFile("layernorm"), { intraOpNumThreads: 1, executionProviders: ["cpu"], ...variant.session });
  mark("session of the layernorm model created");
  const trainable = trainableTensors("layernorm");
  const { tokenizer, published } = (() => {
    const pretrained = readPretrained();
    return { tokenizer: new UseTokenizer(pretrained.vocabulary), published: trainable.map((t) => pretrained.weights.get(t.name)!) };
  })();
  mark("vocabulary and the trained tensors read (all published weights read, then released)");
  const emails = loadEmails();
  const split = standardSplit(emails);
  mark("e-mails read and split");
  const tokens = [...split.train, ...split.test].map((i) => tokenizer.encode(emails[i].text).slice(0, TOKENS_PER_TEXT));
  mark("all e-mails tokenized (64 tokens each at most)");
  const x = new Float64Array(published.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of published) {
    x.set(p, offset);
    offset += p.length;
  }
  const run = async (rows: number[][]) => {
    const batch = tokenBatch(rows);
    const out = await session.run({ ids: new ort.Tensor("int64", batch.ids, batch.dims), mask: new ort.Tensor("float32", batch.mask, batch.dims), ...weightFeeds(x, trainable) });
    return out[EMBEDDING_OUTPUT].data as Float32Array;
  };
  const started = performance.now();
  for (let repeat = 0; repeat < 5; repeat++) {
    const minibatch = tokens.slice(repeat * BATCH, (repeat + 1) * BATCH);
    for (let from = 0; from < BATCH; from += variant.chunk) await run(minibatch.slice(from, from + variant.chunk));
  }
  const msPerMinibatch = (performance.now() - started) / 5;
  mark(`5 minibatches of ${BATCH} forward`);
  const test = tokens.slice(split.train.length);
  for (let from = 0; from < test.length; from += 16) await run(test.slice(from, from + 16));
  mark("the test split scored, 16 e-mails a pass");
  await session.release();
  return { label: variant.label, session: variant.session, chunk: variant.chunk, msPerMinibatch: Math.round(msPerMinibatch * 10) / 10, stages };
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only !== undefined) {
    process.stdout.write(JSON.stringify(await measure(VARIANTS[Number(only)])));
    return;
  }
  const records = VARIANTS.map((_, i) => {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, String(i)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (child.status !== 0) throw new Error(`variant ${i} exited with ${child.status}`);
    const record = JSON.parse(child.stdout) as { label: string; msPerMinibatch: number; stages: { stage: string; rssMB: number; peakMB: number }[] };
    const last = record.stages[record.stages.length - 1];
    console.log(`${record.label}: peak ${last.peakMB} MB, ${record.msPerMinibatch} ms a minibatch`);
    for (const stage of record.stages) console.log(`  ${stage.stage}: rss ${stage.rssMB} MB, peak ${stage.peakMB} MB`);
    return record;
  });
  const previous = fs.existsSync(RESULTS) ? (JSON.parse(fs.readFileSync(RESULTS, "utf8")) as unknown[]) : [];
  const entry = { date: new Date().toISOString(), machine: { ...machine(), note: "shared with other jobs: figures are noisy" }, command: "npx tsx bench/finetune-memory-pieces.ts", records };
  fs.writeFileSync(RESULTS, JSON.stringify([...previous, entry], null, 2) + "\n");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
