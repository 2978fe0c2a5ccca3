/**
 * Why zoar-pairs levels off under the linear probe on finetune-spam, measured
 * on the head alone: the frozen embeddings of the published model, the linear
 * probe's weights (their norms against the zero-shot head's), and zoar-pairs
 * with the objective's settings training the logistic head on those frozen
 * embeddings for a few thousand steps under each head parametrization (the
 * head scaled by a fixed factor, the embeddings centered), with the engine's
 * learning-rate schedules and other minibatch sizes. No forward pass per
 * step, so thousands of steps take seconds.
 *
 *   flock /tmp/zoar-heavy.lock npx tsx bench/finetune-head.ts [--steps 3000] [--seeds 0,1,2]
 *     [--variants "scale=10,schedule=cosine,batch=64;scale=10"] [--out finetune-head.json]
 *
 * Records bench/results/finetune-head.json (or --out). The embeddings are cached in
 * the system's temporary folder (the first run embeds all 5,870 e-mails).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { createOptimizer, LR_SCHEDULES, type LrSchedule, type ZerothOrderOptimizer } from "../src/engine";
import { tokenBatch } from "../examples/finetune-spam/model/batch";
import { loadEmails, seededRandom, standardSplit } from "../examples/finetune-spam/model/dataset";
import { HAM_PROMPT, HEAD_SIZE, SPAM_PROMPT, crossEntropy, linearProbe, score, zeroShotHead } from "../examples/finetune-spam/model/head";
import { ensureUseLiteModels, modelFile } from "../examples/finetune-spam/model/models";
import { UseTokenizer } from "../examples/finetune-spam/model/tokenizer";
import { EMBEDDING_OUTPUT, EMBEDDING_SIZE, readPretrained } from "../examples/finetune-spam/model/useLite";
import { machine } from "./machine";

const { values: args } = parseArgs({
  options: { steps: { type: "string", default: "3000" }, seeds: { type: "string", default: "0,1,2" }, variants: { type: "string" }, out: { type: "string", default: "finetune-head.json" } },
});
const STEPS = Number(args.steps);
const SEEDS = args.seeds!.split(",").map(Number);
const TOKENS_PER_TEXT = 64; // as finetune.ts
const BATCH = 32;
const LR = 1e-3; // finetune.ts's optimizerDefaults for zoar-pairs
const LAYERNORM_COUNT = 3584; // the layernorm configuration's weights ahead of the head: untouched here, as dead coordinates
const CACHE = path.join(os.tmpdir(), "zoar-finetune-frozen-embeddings.json");

interface Frozen {
  train: number[][];
  trainLabels: number[];
  test: number[][];
  testLabels: number[];
  prompts: number[][];
}

async function frozenEmbeddings(): Promise<Frozen> {
  if (fs.existsSync(CACHE)) return JSON.parse(fs.readFileSync(CACHE, "utf8")) as Frozen;
  ensureUseLiteModels();
  const tokenizer = new UseTokenizer(readPretrained().vocabulary);
  const emails = loadEmails();
  const split = standardSplit(emails);
  const session = await ort.InferenceSession.create(modelFile("frozen"), { intraOpNumThreads: 1 });
  const embed = async (texts: string[]): Promise<number[][]> => {
    const rows: number[][] = [];
    for (let from = 0; from < texts.length; from += 32) {
      const batch = tokenBatch(texts.slice(from, from + 32).map((t) => tokenizer.encode(t).slice(0, TOKENS_PER_TEXT)));
      const out = (await session.run({ ids: new ort.Tensor("int64", batch.ids, batch.dims), mask: new ort.Tensor("float32", batch.mask, batch.dims) }))[EMBEDDING_OUTPUT].data as Float32Array;
      for (let r = 0; r < batch.dims[0]; r++) rows.push(Array.from(out.subarray(r * EMBEDDING_SIZE, (r + 1) * EMBEDDING_SIZE)));
    }
    return rows;
  };
  const frozen: Frozen = {
    train: await embed(split.train.map((i) => emails[i].text)),
    trainLabels: split.train.map((i) => emails[i].label),
    test: await embed(split.test.map((i) => emails[i].text)),
    testLabels: split.test.map((i) => emails[i].label),
    prompts: await embed([SPAM_PROMPT, HAM_PROMPT]),
  };
  await session.release();
  fs.writeFileSync(CACHE, JSON.stringify(frozen));
  return frozen;
}

const flat = (rows: number[][]) => Float32Array.from(rows.flat());
const norm = (v: ArrayLike<number>, to = EMBEDDING_SIZE) => Math.sqrt(Array.from(v).slice(0, to).reduce((s, x) => s + x * x, 0));
const maxAbs = (v: ArrayLike<number>, to = EMBEDDING_SIZE) => Math.max(...Array.from(v).slice(0, to).map(Math.abs));
const meanAbs = (v: ArrayLike<number>, to = EMBEDDING_SIZE) => Array.from(v).slice(0, to).reduce((s, x) => s + Math.abs(x), 0) / to;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The head as the optimizer sees it: w = scale * u (b = scale * c), so one step of about lr in u moves w by scale * lr. */
/** The engine's learning-rate schedules, decaying over the bench's steps to lr * final. */
type Schedule = LrSchedule;

interface Variant {
  /** zoar-pairs (the default) or spsa (MeZO: plain gradient steps). */
  optimizer: string;
  scale: number;
  centered: boolean;
  schedule: Schedule;
  lr: number;
  batch: number;
  /** The decaying schedule's last rate, as a fraction of lr. */
  final: number;
}

function zoHeadRun(frozen: Frozen, start: Float64Array, variant: Variant, seed: number): { iteration: number; accuracy: number; loss: number }[] {
  const { scale, centered, schedule, lr, batch: BATCH, final } = variant;
  // Centered: the head reads e - mean (the training pool's mean embedding), its bias shifted so that the logits start the same.
  const mean = Float64Array.from({ length: EMBEDDING_SIZE }, (_, j) => (centered ? frozen.train.reduce((s, row) => s + row[j], 0) / frozen.train.length : 0));
  const shift = (rows: number[][]) => Float32Array.from(rows.flatMap((row) => row.map((x, j) => x - mean[j])));
  const train = shift(frozen.train);
  const test = shift(frozen.test);
  start = Float64Array.from(start);
  for (let j = 0; j < EMBEDDING_SIZE; j++) start[EMBEDDING_SIZE] += start[j] * mean[j];
  const theta = (): Float64Array => (engine as ZerothOrderOptimizer).inspect().theta;
  const byClass = [0, 1].map((label) => frozen.trainLabels.flatMap((l, i) => (l === label ? [i] : [])));
  const initial = new Float64Array(LAYERNORM_COUNT + HEAD_SIZE);
  for (let j = 0; j < HEAD_SIZE; j++) initial[LAYERNORM_COUNT + j] = start[j] / scale;
  const decay = schedule === "constant" ? {} : { lrSchedule: schedule, lrDecaySteps: STEPS, lrFinalFraction: final };
  const engine = createOptimizer(variant.optimizer, { lr, ...decay }, { initial, seed });
  const head = (x: ArrayLike<number>) => Float64Array.from({ length: HEAD_SIZE }, (_, j) => scale * x[LAYERNORM_COUNT + j]);
  const trace: { iteration: number; accuracy: number; loss: number }[] = [];
  const record = (iteration: number) => trace.push({ iteration, ...score(head(theta()), 0, test, frozen.testLabels) });
  for (let t = 0; t < STEPS; t++) {
    if (t % 250 === 0) record(t);
    const random = seededRandom(seed * 1_000_003 + t);
    const rows = byClass.flatMap((pool) => Array.from({ length: BATCH / 2 }, () => pool[Math.floor(random() * pool.length)]));
    const batch = engine.ask();
    const values = new Float64Array(batch.rows);
    for (let r = 0; r < batch.rows; r++) {
      const w = head(batch.points.subarray(r * batch.dimension, (r + 1) * batch.dimension));
      let loss = 0;
      for (const i of rows) {
        let z = w[EMBEDDING_SIZE];
        for (let j = 0; j < EMBEDDING_SIZE; j++) z += w[j] * train[i * EMBEDDING_SIZE + j];
        loss += crossEntropy(z, frozen.trainLabels[i]);
      }
      values[r] = loss / rows.length;
    }
    engine.tell(values);
  }
  record(STEPS);
  return trace;
}

/**
 * `--variants scale=10,schedule=cosine,lr=0.002,batch=64,final=0.1;scale=1`:
 * each variant's settings (the others at scale 1, constant, lr 1e-3, batch
 * 32, not centered, final 0); without it, the recorded set.
 */
function variants(): Variant[] {
  const base: Variant = { optimizer: "zoar-pairs", scale: 1, centered: false, schedule: "constant", lr: LR, batch: BATCH, final: 0 };
  if (args.variants === undefined) {
    return [
      ...[1, 3, 10, 20, 30].map((scale) => ({ ...base, scale })),
      ...[10, 20].map((scale) => ({ ...base, scale, centered: true })),
      ...[10, 20].map((scale) => ({ ...base, scale, schedule: "cosine" as const })),
    ];
  }
  return args.variants.split(";").map((text) => {
    const variant = { ...base };
    for (const pair of text.split(",").filter(Boolean)) {
      const [key, value] = pair.split("=");
      if (key === "schedule") {
        if (!LR_SCHEDULES.includes(value as Schedule)) throw new Error(`--variants: schedule must be one of ${LR_SCHEDULES.join(", ")} (got ${value})`);
        variant.schedule = value as Schedule;
      } else if (key === "optimizer") {
        if (value !== "zoar-pairs" && value !== "spsa") throw new Error(`--variants: optimizer must be zoar-pairs or spsa (got ${value})`);
        variant.optimizer = value;
      } else if (key === "centered") variant.centered = value === "true";
      else if (key === "scale" || key === "lr" || key === "batch" || key === "final") {
        const number = Number(value);
        if (!Number.isFinite(number) || number <= 0 && key !== "final") throw new Error(`--variants: ${key} must be a number > 0 (got ${value})`);
        variant[key] = key === "batch" ? 2 * Math.round(number / 2) : number;
      } else throw new Error(`--variants: unknown setting ${key} (known: optimizer, scale, centered, schedule, lr, batch, final)`);
    }
    return variant;
  });
}

function describeVariant(v: Variant): string {
  return `${v.optimizer} scale ${v.scale}${v.centered ? " centered" : ""} ${v.schedule}${v.schedule === "constant" ? "" : ` to ${v.final}`} lr ${v.lr} batch ${v.batch}`;
}

async function main(): Promise<void> {
  const frozen = await frozenEmbeddings();
  const train = flat(frozen.train);
  const test = flat(frozen.test);
  const zeroShot = zeroShotHead(frozen.prompts[0], frozen.prompts[1]);
  const probe = linearProbe(train, frozen.trainLabels);
  const coordinateStd = Array.from({ length: EMBEDDING_SIZE }, (_, j) => {
    const column = frozen.train.map((row) => row[j]);
    const mean = column.reduce((s, x) => s + x, 0) / column.length;
    return Math.sqrt(column.reduce((s, x) => s + (x - mean) ** 2, 0) / column.length);
  });
  const weights = (head: Float64Array) => ({ norm: norm(head), maxAbs: maxAbs(head), meanAbs: meanAbs(head), bias: head[EMBEDDING_SIZE] });
  const distance = Float64Array.from(probe, (w, j) => w - zeroShot[j]);
  const diagnosis = {
    embeddings: { coordinateMeanAbs: median(frozen.train.map((row) => meanAbs(row))), coordinateStdMedian: median(coordinateStd) },
    zeroShot: { ...weights(zeroShot), accuracy: score(zeroShot, 0, test, frozen.testLabels).accuracy },
    linearProbe: { ...weights(probe), accuracy: score(probe, 0, test, frozen.testLabels).accuracy },
    probeMinusZeroShot: { norm: norm(distance), maxAbs: maxAbs(distance), meanAbs: meanAbs(distance) },
  };
  console.log(JSON.stringify(diagnosis, null, 2));
  const runs: (Variant & { seed: number; trace: { iteration: number; accuracy: number; loss: number }[] })[] = [];
  for (const variant of variants()) {
    for (const seed of SEEDS) {
      const trace = zoHeadRun(frozen, zeroShot, variant, seed);
      runs.push({ ...variant, seed, trace });
      console.log(`${describeVariant(variant)} seed ${seed}: ${trace.filter((p) => p.iteration % 500 === 0).map((p) => `${p.iteration}:${(100 * p.accuracy).toFixed(1)}`).join(" ")}`);
    }
  }
  const out = path.join(__dirname, "results", args.out!);
  fs.writeFileSync(
    out,
    JSON.stringify({ machine: { ...machine(), note: "shared with other jobs: timings noisy (none recorded here)" }, date: new Date().toISOString(), command: `npx tsx bench/finetune-head.ts --steps ${STEPS} --seeds ${SEEDS.join(",")}${args.variants ? ` --variants ${args.variants}` : ""}`, setup: { optimizer: "zoar-pairs", steps: STEPS, deadCoordinates: LAYERNORM_COUNT }, diagnosis, runs }, null, 2) + "\n",
  );
  console.log(`recorded ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
