/**
 * Black-box targeted attack on the bundled MNIST classifier (the ZoAR paper's
 * protocol, ALGORITHMS.md "Black-box adversarial attack protocol (MNIST)").
 *
 *   zoar run examples/mnist-attack/attack.ts --optimizer zoar --lr 0.01 --queries 2 --mu 0.5 --histories 5 --target 0
 *
 * The variable x in R^784 is turned into a perturbation delta = clamp(x, -0.2, 0.2)
 * (an L-infinity budget of 0.2 per pixel), the adversarial image is
 * clamp(image + delta, 0, 1), and the loss is f(x) = max_{j != t} s_j - s_t on
 * the classifier's log-probabilities s, with target t = (label + 1) mod 10.
 * f < 0 means the classifier now says t: the attack succeeded.
 *
 * The digit attacked is the bundled one of class ZOAR_MNIST_DIGIT (0-9,
 * default DEFAULT_DIGIT); set the variable again when resuming a run.
 */
import { defineObjective, loadOnnxModel } from "zoar";
import bundledDigits from "./digits.json";

/** Class of the bundled digit attacked when ZOAR_MNIST_DIGIT is not set. */
const DEFAULT_DIGIT = 7;
/** L-infinity bound of the perturbation, applied inside f (x itself is unconstrained). */
const PERTURBATION_BOUND = 0.2;
/** Seed of the starting point x0 ~ N(0, I): the same x0 for every optimizer, seed and digit. */
const INITIAL_SEED = 20250618;

const PIXELS = 784;
const CLASSES = 10;
const IMAGE_DIMS = [1, 28, 28] as const;

const classifier = loadOnnxModel("./classifier.onnx");

function digitFromEnvironment(): number {
  const raw = process.env.ZOAR_MNIST_DIGIT;
  if (raw === undefined || raw.trim() === "") return DEFAULT_DIGIT;
  const digit = Number(raw);
  if (!Number.isInteger(digit) || digit < 0 || digit >= CLASSES) {
    throw new Error(`ZOAR_MNIST_DIGIT must be a class from 0 to 9, got "${raw}"`);
  }
  return digit;
}

const attacked = bundledDigits.images.find((image) => image.label === digitFromEnvironment());
if (attacked === undefined) throw new Error(`digits.json has no digit of class ${digitFromEnvironment()}`);
const image = Float64Array.from(attacked.pixels);
const trueLabel = attacked.label;
const targetLabel = (trueLabel + 1) % CLASSES;

/** Standard normal numbers from a 32-bit seed (mulberry32 + Box-Muller): enough for a reproducible x0. */
function seededGaussian(seed: number, count: number): Float64Array {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const values = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - uniform())); // 1 - u lies in (0, 1]: no log(0)
    const angle = 2 * Math.PI * uniform();
    values[i] = radius * Math.cos(angle);
    if (i + 1 < count) values[i + 1] = radius * Math.sin(angle);
  }
  return values;
}

/** Writes clamp(image + clamp(x, -bound, bound), 0, 1) into `out` at `offset`. */
function writeAdversarialImage(x: Float64Array, out: Float32Array, offset: number): void {
  for (let i = 0; i < PIXELS; i++) {
    const delta = Math.min(PERTURBATION_BOUND, Math.max(-PERTURBATION_BOUND, x[i]));
    out[offset + i] = Math.min(1, Math.max(0, image[i] + delta));
  }
}

/** max_{j != t} s_j - s_t for the row of log-probabilities starting at `from`. */
function targetedMargin(logProbs: Float32Array, from: number): number {
  let bestOther = -Infinity;
  for (let j = 0; j < CLASSES; j++) if (j !== targetLabel) bestOther = Math.max(bestOther, logProbs[from + j]);
  return bestOther - logProbs[from + targetLabel];
}

export default defineObjective({
  name: `mnist-attack-${trueLabel}-to-${targetLabel}`,
  description:
    `Targeted black-box attack on the bundled MNIST digit ${trueLabel} (dataset index ${attacked.index}): ` +
    `make the classifier say ${targetLabel} with every pixel moved by at most ${PERTURBATION_BOUND}; ` +
    `the loss max_{j != ${targetLabel}} s_j - s_${targetLabel} is < 0 once it does`,
  dimension: PIXELS,
  initial: () => seededGaussian(INITIAL_SEED, PIXELS),
  // All K queries of an iteration (and the centre) go to the classifier in one session.run.
  async evaluateBatch(xs) {
    const pixels = new Float32Array(xs.length * PIXELS);
    xs.forEach((x, row) => writeAdversarialImage(x, pixels, row * PIXELS));
    const outputs = await classifier.runBatch("input", pixels, [xs.length, ...IMAGE_DIMS]);
    const logProbs = outputs.log_probs.data as Float32Array;
    return xs.map((_, row) => targetedMargin(logProbs, row * CLASSES));
  },
});
