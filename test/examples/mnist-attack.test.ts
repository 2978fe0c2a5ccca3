// examples/mnist-attack/attack.ts through zoar's real objective evaluator and
// run layer, checked against onnxruntime-node run directly.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import { ObjectiveEvaluator } from "../../src/objective/evaluator";
import { RunStore, startRun } from "../../src/run";

const EXAMPLE_DIR = path.resolve(__dirname, "../../examples/mnist-attack");
const ATTACK_FILE = path.join(EXAMPLE_DIR, "attack.ts");
const MODEL_FILE = path.join(EXAMPLE_DIR, "classifier.onnx");
const PIXELS = 784;
const CLASSES = 10;
const BOUND = 0.2;
/** The paper's settings (ALGORITHMS.md); zoar's preset supplies the radazo update. */
const PAPER_SETTINGS = { lr: 0.01, queries: 2, mu: 0.5, histories: 5 };
/** Digits ZoAR flips from its seed 0 well inside the cap (examples/mnist-attack/results.json). */
const DIGITS_ATTACKED = [1, 7];
const ITERATION_CAP = 2000;

interface BundledDigit {
  index: number;
  label: number;
  pixels: number[];
}

const bundled = (JSON.parse(fs.readFileSync(path.join(EXAMPLE_DIR, "digits.json"), "utf8")) as { images: BundledDigit[] }).images;

function digitOfClass(label: number): BundledDigit {
  const digit = bundled.find((image) => image.label === label);
  if (!digit) throw new Error(`no bundled digit of class ${label}`);
  return digit;
}

/** The adversarial images of `rows` points, computed here from the protocol, not by the objective. */
function adversarialImages(digit: BundledDigit, points: Float64Array | Float32Array, rows: number): Float32Array {
  const images = new Float32Array(rows * PIXELS);
  for (let row = 0; row < rows; row++) {
    for (let i = 0; i < PIXELS; i++) {
      const delta = Math.min(BOUND, Math.max(-BOUND, points[row * PIXELS + i]));
      images[row * PIXELS + i] = Math.min(1, Math.max(0, digit.pixels[i] + delta));
    }
  }
  return images;
}

async function logProbabilities(session: ort.InferenceSession, images: Float32Array): Promise<Float32Array> {
  const rows = images.length / PIXELS;
  const outputs = await session.run({ input: new ort.Tensor("float32", images, [rows, 1, 28, 28]) });
  return outputs.log_probs.data as Float32Array;
}

function margin(logProbs: Float32Array, row: number, target: number): number {
  let bestOther = -Infinity;
  for (let j = 0; j < CLASSES; j++) if (j !== target) bestOther = Math.max(bestOther, logProbs[row * CLASSES + j]);
  return bestOther - logProbs[row * CLASSES + target];
}

function argmax(logProbs: Float32Array, row: number): number {
  let best = 0;
  for (let j = 1; j < CLASSES; j++) if (logProbs[row * CLASSES + j] > logProbs[row * CLASSES + best]) best = j;
  return best;
}

/** Runs `body` with ZOAR_MNIST_DIGIT set; the objective worker copies the environment when it starts. */
async function withDigit<T>(digit: number | undefined, body: () => Promise<T>): Promise<T> {
  const previous = process.env.ZOAR_MNIST_DIGIT;
  if (digit === undefined) delete process.env.ZOAR_MNIST_DIGIT;
  else process.env.ZOAR_MNIST_DIGIT = String(digit);
  try {
    return await body();
  } finally {
    if (previous === undefined) delete process.env.ZOAR_MNIST_DIGIT;
    else process.env.ZOAR_MNIST_DIGIT = previous;
  }
}

/** Points that exercise every branch of the two clamps, `rows` of them, row-major. */
function probePoints(initial: Float64Array): { points: Float64Array; rows: number } {
  const rows = 4;
  const points = new Float64Array(rows * PIXELS);
  points.set(initial, 0); // mostly clamped to +-0.2
  // row 1 stays zero: the clean digit
  for (let i = 0; i < PIXELS; i++) {
    points[2 * PIXELS + i] = i % 2 === 0 ? 5 : -5; // every pixel pushed the full bound up or down
    points[3 * PIXELS + i] = 0.15 * Math.sin(i * 0.37); // inside the bound everywhere
  }
  return { points, rows };
}

describe("examples/mnist-attack/attack.ts", function () {
  this.timeout(30_000);
  let session: ort.InferenceSession;
  let scratch: string;

  before(async () => {
    session = await ort.InferenceSession.create(MODEL_FILE, { executionProviders: ["cpu"] });
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-mnist-attack-test-"));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("gives the values of the protocol computed with onnxruntime directly, and a deterministic N(0, I) start", async () => {
    const digit = digitOfClass(7);
    const target = 8;
    const evaluator = await withDigit(undefined, () => ObjectiveEvaluator.open(ATTACK_FILE, { provider: "cpu" }));
    let initial: Float64Array;
    let values: Float64Array;
    let rows: number;
    let points: Float64Array;
    try {
      assert.equal(evaluator.info.dimension, PIXELS);
      assert.equal(evaluator.info.name, "mnist-attack-7-to-8", "digit 7 when ZOAR_MNIST_DIGIT is unset");
      assert.equal(evaluator.info.bounds, undefined, "x is unconstrained; the bound applies inside f");
      initial = evaluator.info.initial;
      ({ points, rows } = probePoints(initial));
      values = await evaluator.evaluateBatch(points, rows, 0);
    } finally {
      await evaluator.close();
    }

    const logProbs = await logProbabilities(session, adversarialImages(digit, points, rows));
    for (let row = 0; row < rows; row++) {
      const expected = margin(logProbs, row, target);
      assert.ok(Math.abs(values[row] - expected) <= 1e-6, `row ${row}: objective ${values[row]}, direct ${expected}`);
    }
    assert.equal(argmax(logProbs, 1), 7, "the clean digit is classified correctly");
    assert.ok(values[1] > 0, `no attack yet on the clean digit: loss ${values[1]}`);

    const meanValue = initial.reduce((sum, value) => sum + value, 0) / PIXELS;
    const variance = initial.reduce((sum, value) => sum + (value - meanValue) ** 2, 0) / PIXELS;
    assert.ok(Math.abs(meanValue) < 0.15 && Math.abs(variance - 1) < 0.2, `x0 ~ N(0, I): mean ${meanValue}, variance ${variance}`);
    const again = await withDigit(3, () => ObjectiveEvaluator.open(ATTACK_FILE, { provider: "cpu" }));
    try {
      assert.equal(again.info.name, "mnist-attack-3-to-4");
      assert.deepEqual(again.info.initial, initial, "the same x0 in every session and for every digit");
    } finally {
      await again.close();
    }
  });

  it("sends a whole batch to the classifier in one session.run, with the values of one-query batches", async () => {
    fs.symlinkSync(MODEL_FILE, path.join(scratch, "classifier.onnx")); // models resolve beside the objective file
    const counting = path.join(scratch, "counting-attack.ts");
    // Counts InferenceSession.run calls (the objective shares zoar's onnxruntime-node) and returns the count per query.
    fs.writeFileSync(
      counting,
      `import * as ort from "onnxruntime-node";
import { defineObjective } from "zoar";
import attack from ${JSON.stringify(ATTACK_FILE.replace(/\.ts$/, ""))};
const prototype = (ort.InferenceSession as unknown as { prototype: { run(...args: unknown[]): unknown } }).prototype;
const run = prototype.run;
let sessionRuns = 0;
prototype.run = function (...args: unknown[]) {
  sessionRuns++;
  return run.apply(this, args);
};
export default defineObjective({
  dimension: attack.dimension,
  async evaluateBatch(xs) {
    const before = sessionRuns;
    await attack.evaluateBatch!(xs);
    return xs.map(() => sessionRuns - before);
  },
});
`,
    );
    const rows = 32;
    const points = Float64Array.from({ length: rows * PIXELS }, (_, i) => 0.3 * Math.sin(i * 0.011 + Math.floor(i / PIXELS)));
    const counter = await ObjectiveEvaluator.open(counting, { provider: "cpu" });
    try {
      for (const batch of [1, 3, rows]) {
        const runs = await counter.evaluateBatch(points, batch, 0);
        assert.deepEqual(Array.from(runs), new Array(batch).fill(1), `session.run calls per query of a batch of ${batch}`);
      }
    } finally {
      await counter.close();
    }

    const attack = await withDigit(4, () => ObjectiveEvaluator.open(ATTACK_FILE, { provider: "cpu" }));
    try {
      const batched = await attack.evaluateBatch(points, rows, 0);
      for (let row = 0; row < rows; row++) {
        const [single] = await attack.evaluateBatch(points.subarray(row * PIXELS, (row + 1) * PIXELS), 1, row + 1);
        assert.ok(Math.abs(batched[row] - single) <= 1e-5 * (1 + Math.abs(single)), `query ${row}: batched ${batched[row]}, alone ${single}`);
      }
    } finally {
      await attack.close();
    }
  });

  for (const label of DIGITS_ATTACKED) {
    const target = (label + 1) % CLASSES;
    it(`ZoAR with the paper's settings makes the classifier read digit ${label} as ${target} within ${ITERATION_CAP} iterations`, async () => {
      const loop = await withDigit(label, () =>
        startRun({
          objectiveFile: ATTACK_FILE,
          optimizer: "zoar",
          overrides: PAPER_SETTINGS,
          seed: 0,
          stop: { target: -Number.MIN_VALUE, iterations: ITERATION_CAP },
          provider: "cpu",
          runDir: path.join(scratch, `zoar-digit-${label}`),
        }),
      );
      const result = await loop.run();
      assert.equal(result.status, "done", result.error?.message);
      assert.equal(result.reason, "target", `best loss ${result.bestValue} after ${result.iterations} iterations`);
      assert.ok(result.bestValue < 0);
      assert.equal(result.evaluations, 3 * result.iterations, "K = 2 queries and the centre per iteration");

      // The best point, checked here: within the bound and classified as the target.
      const best = RunStore.open(result.runDir!).readCheckpoint().best;
      const image = adversarialImages(digitOfClass(label), best.parameters, 1);
      const clean = digitOfClass(label).pixels;
      assert.ok(image.every((pixel, i) => pixel >= 0 && pixel <= 1 && Math.abs(pixel - clean[i]) <= BOUND + 1e-6), "a valid perturbation");
      const logProbs = await logProbabilities(session, image);
      assert.equal(argmax(logProbs, 0), target);
      assert.ok(Math.abs(margin(logProbs, 0, target) - result.bestValue) <= 1e-6);
    });
  }
});
