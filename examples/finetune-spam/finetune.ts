/**
 * Fine-tuning Universal Sentence Encoder Lite as a spam filter through
 * inference only (MeZO-style: perturb the weights, evaluate the loss, update;
 * no backward pass).
 *
 *   zoar run examples/finetune-spam/finetune.ts --optimizer zoar-pairs --iterations 300
 *
 * The parameters are the trainable weights of the transformer, chosen by
 * ZOAR_FINETUNE_WEIGHTS (see model/models.ts), followed by a logistic head
 * (512 weights and a bias) on the sentence embedding:
 *   layernorm (default)  the four LayerNorms' scales and biases + head: 4,097 numbers
 *   last-ffn             the last layer's feed-forward block and LayerNorm + head: 1,575,937
 *   frozen               the head alone (a zeroth-order linear probe): 513
 * They start at the published weights and at the zero-shot head (two label
 * prompts), so iteration 0 scores the model as published.
 *
 * The value is the mean cross-entropy of a minibatch of training e-mails,
 * drawn from the iteration's context seed: both queries of a pair see the same
 * e-mails, and a resumed run draws the same ones. metrics() scores a fixed,
 * balanced test split that training never sees.
 *
 * Sizes (for quick runs and tests): ZOAR_FINETUNE_BATCH (minibatch, 32),
 * ZOAR_FINETUNE_TRAIN (training pool, all), ZOAR_FINETUNE_TEST (test texts,
 * all 400), ZOAR_FINETUNE_THREADS (onnxruntime threads, 1),
 * ZOAR_FINETUNE_METRICS_EVERY (iterations between held-out metrics, 25; for
 * one run, --metrics-every does the same). Set the same variables again when
 * resuming a run.
 */
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import { defineObjective, loadOnnxModel, type EvaluationContext } from "zoar";
import { tokenBatch } from "./model/batch";
import { seededRandom, standardSplit } from "./model/dataset";
import { HAM_PROMPT, HEAD_SIZE, SPAM_PROMPT, crossEntropy, logit, score, zeroShotHead } from "./model/head";
import { trainableTensors, weightFeeds } from "./model/feeds";
import { CONFIGURATIONS, ensureUseLiteModels, modelFile, type Configuration } from "./model/models";
import { tokenizedEmails } from "./model/tokenCache";
import { UseTokenizer } from "./model/tokenizer";
import { EMBEDDING_OUTPUT, EMBEDDING_SIZE, readPublishedWeights, readVocabulary } from "./model/useLite";

function environmentInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function configurationFromEnvironment(): Configuration {
  const raw = process.env.ZOAR_FINETUNE_WEIGHTS ?? "layernorm";
  if (!(raw in CONFIGURATIONS)) throw new Error(`ZOAR_FINETUNE_WEIGHTS must be one of ${Object.keys(CONFIGURATIONS).join(", ")}, got "${raw}"`);
  return raw as Configuration;
}

const configuration = configurationFromEnvironment();
const BATCH = environmentInteger("ZOAR_FINETUNE_BATCH", 32);
const TRAIN = environmentInteger("ZOAR_FINETUNE_TRAIN", Number.MAX_SAFE_INTEGER);
const TEST = environmentInteger("ZOAR_FINETUNE_TEST", Number.MAX_SAFE_INTEGER);
const METRICS_EVERY = environmentInteger("ZOAR_FINETUNE_METRICS_EVERY", 25);
/** Each e-mail is read up to this many tokens (its snippet averages about 98): the cost of a forward pass is linear in it. */
const TOKENS_PER_TEXT = 64;
/**
 * Texts per session.run, for the minibatch and the test split alike: the
 * activations (about 2 MB a text at 64 tokens) of 8 texts instead of 32 keep
 * the run process about 55 MB smaller, and a minibatch takes less time
 * (bench/results/finetune-memory-pieces.json).
 */
const TEXTS_PER_PASS = 8;

const modelDir = path.join(__dirname, "use-lite");
ensureUseLiteModels(modelDir); // generated from the npm package on first use (28 MB each, not committed)
const encoder = loadOnnxModel(path.relative(__dirname, modelFile(configuration, modelDir)), {
  session: { intraOpNumThreads: environmentInteger("ZOAR_FINETUNE_THREADS", 1) },
});

/** The trainable tensors in parameter order, each a slice of theta. */
const trainable = trainableTensors(configuration);
const weightCount = trainable.reduce((sum, t) => sum + t.size, 0);
const dimension = weightCount + HEAD_SIZE;

// Only the vocabulary and the trained tensors' published values are read: the
// session holds the model's weights, a second copy of all of them would be waste.
const tokenizer = new UseTokenizer(readVocabulary());
const published = (() => {
  const weights = readPublishedWeights(trainable.map((t) => t.name));
  return trainable.map((t) => weights.get(t.name)!);
})();
const emails = tokenizedEmails(modelDir); // token ids and labels, cached beside the models
const split = standardSplit(emails);
const trainPool = split.train.slice(0, TRAIN);
const testSet = split.test.slice(0, TEST);
const tokens = new Map<number, Int32Array>([...trainPool, ...testSet].map((i) => [i, emails[i].tokens.subarray(0, TOKENS_PER_TEXT)]));
// The test split scored in chunks of similar length, so little of each chunk is padding.
const testOrder = [...testSet].sort((a, b) => tokens.get(a)!.length - tokens.get(b)!.length);

/** Time in the minibatch forward passes since the last metrics, reported with them. */
const forwardTime = { ms: 0, passes: 0 };

/** The embeddings of `texts` (rows of EMBEDDING_SIZE), TEXTS_PER_PASS texts per forward pass. */
async function embed(texts: readonly number[], weights: Record<string, ort.Tensor>): Promise<Float32Array> {
  const embeddings = new Float32Array(texts.length * EMBEDDING_SIZE);
  for (let from = 0; from < texts.length; from += TEXTS_PER_PASS) {
    const batch = tokenBatch(texts.slice(from, from + TEXTS_PER_PASS).map((i) => tokens.get(i)!));
    const outputs = await encoder.run({
      ids: new ort.Tensor("int64", batch.ids, batch.dims),
      mask: new ort.Tensor("float32", batch.mask, batch.dims),
      ...weights,
    });
    embeddings.set(outputs[EMBEDDING_OUTPUT].data as Float32Array, from * EMBEDDING_SIZE);
  }
  return embeddings;
}

/** The training pool by class: minibatches are balanced like the test split (the pool is 75% ham). */
const poolByClass = [0, 1].map((label) => trainPool.filter((i) => emails[i].label === label));

/** The minibatch of an iteration: BATCH / 2 ham and BATCH / 2 spam e-mails drawn without replacement from its seed. */
function minibatch(context: EvaluationContext): number[] {
  const random = seededRandom(context.seed);
  const chosen: number[] = [];
  poolByClass.forEach((pool, label) => {
    const size = Math.min(label === 0 ? Math.floor(BATCH / 2) : BATCH - Math.floor(BATCH / 2), pool.length);
    const taken = new Set<number>();
    while (taken.size < size) taken.add(pool[Math.floor(random() * pool.length)]);
    chosen.push(...taken);
  });
  return chosen;
}

/** The starting point: the published weights, then the zero-shot head. */
async function initialPoint(): Promise<Float64Array> {
  const x = new Float64Array(dimension);
  let offset = 0;
  trainable.forEach((t, i) => {
    x.set(published[i], offset);
    offset += t.size;
  });
  const prompts = [SPAM_PROMPT, HAM_PROMPT].map((text) => tokenizer.encode(text));
  await encoder.ready();
  const batch = tokenBatch(prompts);
  const out = await encoder.run({ ids: new ort.Tensor("int64", batch.ids, batch.dims), mask: new ort.Tensor("float32", batch.mask, batch.dims), ...weightFeeds(x, trainable) });
  const e = out[EMBEDDING_OUTPUT].data as Float32Array;
  x.set(zeroShotHead(e.subarray(0, EMBEDDING_SIZE), e.subarray(EMBEDDING_SIZE, 2 * EMBEDDING_SIZE)), weightCount);
  return x;
}

export default defineObjective({
  name: `finetune-spam-${configuration}`,
  description:
    `Universal Sentence Encoder Lite + logistic head as a spam filter; trains ${configuration === "frozen" ? "the head" : `${configuration} weights (${weightCount}) and the head`}; ` +
    `value: cross-entropy of ${BATCH} training e-mails; metrics: accuracy on ${testSet.length} held-out e-mails`,
  dimension,
  initial: initialPoint,
  metricsEvery: METRICS_EVERY,
  // Measured on this task (README, "Results"): zoar-pairs' preset (5e-5, for
  // full models) barely moves 4,097 numbers in 300 steps, 3e-3 loses accuracy
  // early; MeZO's plain gradient steps take 3e-3. --lr overrides either.
  optimizerDefaults: { "zoar-pairs": { lr: 1e-3 }, spsa: { lr: 3e-3 } },
  async evaluateBatch(xs, context) {
    const texts = minibatch(context);
    const labels = texts.map((i) => emails[i].label);
    const values: number[] = [];
    for (const x of xs) {
      const started = performance.now();
      const embeddings = await embed(texts, weightFeeds(x, trainable));
      forwardTime.ms += performance.now() - started;
      forwardTime.passes++;
      let loss = 0;
      labels.forEach((label, row) => (loss += crossEntropy(logit(x, weightCount, embeddings, row), label)));
      values.push(loss / labels.length);
    }
    return values;
  },
  async metrics(theta) {
    const embeddings = await embed(testOrder, weightFeeds(theta, trainable));
    const { loss, accuracy } = score(theta, weightCount, embeddings, testOrder.map((i) => emails[i].label));
    const msPerForward = forwardTime.passes > 0 ? forwardTime.ms / forwardTime.passes : NaN;
    forwardTime.ms = 0;
    forwardTime.passes = 0;
    return { accuracy, testLoss: loss, msPerForward };
  },
});
