// The committed MNIST classifier (examples/mnist-attack/classifier.onnx) as
// onnxruntime-node runs it, plus the ONNX writer it was exported with.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { CLASSES, PIXELS, SPLIT, loadDigits, standardSplit, type Digits, type Split } from "../../examples/mnist-attack/model/dataset";
import { writeModel, type ModelSpec } from "../../src/objective/onnx/writeModel";

const EXAMPLE = join(__dirname, "..", "..", "examples", "mnist-attack");
const MIN_ACCURACY = 0.97;

interface Metadata {
  sha256: string;
  bytes: number;
  data: { trainSize: number; testSize: number };
  results: { testAccuracy: number; testCorrect: number };
}

interface BundledDigits {
  images: { index: number; label: number; pixels: number[] }[];
}

async function logProbs(session: ort.InferenceSession, pixels: Float32Array): Promise<Float32Array> {
  const batch = pixels.length / PIXELS;
  const out = await session.run({ input: new ort.Tensor("float32", pixels, [batch, 1, 28, 28]) });
  const t = out.log_probs;
  assert.deepEqual(t.dims, [batch, CLASSES]);
  assert.equal(t.type, "float32");
  return t.data as Float32Array;
}

function gather(digits: Digits, indices: ArrayLike<number>): Float32Array {
  const x = new Float32Array(indices.length * PIXELS);
  for (let i = 0; i < indices.length; i++) x.set(digits.pixels.subarray(indices[i] * PIXELS, (indices[i] + 1) * PIXELS), i * PIXELS);
  return x;
}

function argmax(row: ArrayLike<number>, from: number): number {
  let best = 0;
  for (let j = 1; j < CLASSES; j++) if (row[from + j] > row[from + best]) best = j;
  return best;
}

describe("MNIST classifier (examples/mnist-attack/classifier.onnx)", function () {
  this.timeout(20_000);
  let session: ort.InferenceSession;
  let digits: Digits;
  let split: Split;
  let metadata: Metadata;

  before(async () => {
    session = await ort.InferenceSession.create(join(EXAMPLE, "classifier.onnx"), { executionProviders: ["cpu"] });
    digits = loadDigits();
    split = standardSplit(digits.count);
    metadata = JSON.parse(readFileSync(join(EXAMPLE, "classifier.json"), "utf8")) as Metadata;
  });

  it("matches its metadata file (hash, size, split sizes)", () => {
    const bytes = readFileSync(join(EXAMPLE, "classifier.onnx"));
    assert.equal(bytes.length, metadata.bytes);
    assert.equal(createHash("sha256").update(bytes).digest("hex"), metadata.sha256);
    assert.equal(metadata.data.trainSize, SPLIT.trainSize);
    assert.equal(metadata.data.testSize, SPLIT.testSize);
    assert.equal(split.test.length, SPLIT.testSize);
  });

  it("declares input [batch,1,28,28] and output [batch,10] with a symbolic batch dimension", () => {
    assert.deepEqual(session.inputNames, ["input"]);
    assert.deepEqual(session.outputNames, ["log_probs"]);
    const input = session.inputMetadata[0];
    const output = session.outputMetadata[0];
    assert.ok(input.isTensor && output.isTensor);
    assert.deepEqual(input.shape, ["batch", 1, 28, 28]);
    assert.deepEqual(output.shape, ["batch", 10]);
  });

  it("outputs log-probabilities: every row is <= 0 and its logsumexp is 0", async () => {
    const out = await logProbs(session, gather(digits, split.test.subarray(0, 16)));
    for (let r = 0; r < 16; r++) {
      let sum = 0;
      for (let j = 0; j < CLASSES; j++) {
        const v = out[r * CLASSES + j];
        assert.ok(Number.isFinite(v) && v <= 1e-6, `row ${r} class ${j}: ${v}`);
        sum += Math.exp(v);
      }
      assert.ok(Math.abs(Math.log(sum)) < 1e-5, `row ${r}: logsumexp = ${Math.log(sum)}`);
    }
  });

  it("gives a batch of B images exactly the values of B single-image runs", async () => {
    const B = 7;
    const x = gather(digits, split.test.subarray(100, 100 + B));
    const batched = await logProbs(session, x);
    for (let i = 0; i < B; i++) {
      const single = await logProbs(session, x.slice(i * PIXELS, (i + 1) * PIXELS));
      assert.deepEqual(Array.from(single), Array.from(batched.subarray(i * CLASSES, (i + 1) * CLASSES)), `image ${i}`);
    }
  });

  it(`classifies at least ${100 * MIN_ACCURACY}% of the ${SPLIT.testSize} held-out digits, as classifier.json reports`, async () => {
    let correct = 0;
    const chunk = 250; // bounds the memory the conv activations take
    for (let from = 0; from < split.test.length; from += chunk) {
      const indices = split.test.subarray(from, from + chunk);
      const out = await logProbs(session, gather(digits, indices));
      for (let i = 0; i < indices.length; i++) if (argmax(out, i * CLASSES) === digits.labels[indices[i]]) correct++;
    }
    assert.ok(correct / split.test.length >= MIN_ACCURACY, `held-out accuracy ${correct}/${split.test.length}`);
    // Another CPU's kernels may round differently and flip a borderline digit, hardly more.
    assert.ok(Math.abs(correct - metadata.results.testCorrect) <= 2, `${correct} correct here, ${metadata.results.testCorrect} in classifier.json`);
  });

  it("classifies each bundled digit (digits.json: one held-out digit per class, package pixels) correctly", async () => {
    const bundled = JSON.parse(readFileSync(join(EXAMPLE, "digits.json"), "utf8")) as BundledDigits;
    assert.deepEqual(bundled.images.map((d) => d.label), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const held = new Set(split.test);
    const x = new Float32Array(bundled.images.length * PIXELS);
    bundled.images.forEach((d, i) => {
      assert.ok(held.has(d.index), `digit ${d.index} is not in the held-out split`);
      assert.equal(digits.labels[d.index], d.label);
      assert.equal(d.pixels.length, PIXELS);
      assert.ok(d.pixels.every((v) => v >= 0 && v <= 1));
      assert.deepEqual(new Float32Array(d.pixels), digits.pixels.subarray(d.index * PIXELS, (d.index + 1) * PIXELS));
      x.set(d.pixels, i * PIXELS);
    });
    const out = await logProbs(session, x);
    bundled.images.forEach((d, i) => assert.equal(argmax(out, i * CLASSES), d.label, `bundled digit ${d.index}`));
  });
});

describe("writeModel (src/objective/onnx/writeModel.ts)", () => {
  const spec: ModelSpec = {
    graphName: "affine",
    inputs: [{ name: "x", elemType: "float32", shape: ["n", 3] }],
    outputs: [{ name: "y", elemType: "float32", shape: ["n", 2] }],
    nodes: [
      { opType: "Gemm", inputs: ["x", "w", "b"], outputs: ["z"], attributes: { transB: { int: 1 }, alpha: { float: 2 } } },
      { opType: "Reshape", inputs: ["z", "shape"], outputs: ["y"] },
    ],
    initializers: [
      { name: "w", dims: [2, 3], data: new Float32Array([1, 2, 3, -1, 0.5, 0]) },
      { name: "b", dims: [2], data: new Float32Array([0.25, -4]) },
      { name: "shape", dims: [2], data: new BigInt64Array([-1n, 2n]) },
    ],
    opsetVersion: 13,
    producerName: "zoar test",
    metadata: { purpose: "test" },
  };

  it("writes a model onnxruntime runs, with float and int64 initializers, attributes and metadata", async () => {
    const bytes = writeModel(spec);
    assert.deepEqual(writeModel(spec), bytes, "same spec, same bytes");
    const s = await ort.InferenceSession.create(bytes);
    const out = await s.run({ x: new ort.Tensor("float32", new Float32Array([1, 1, 1, 2, 0, -2]), [2, 3]) });
    // y = 2 * x W^T + b
    assert.deepEqual(Array.from(out.y.data as Float32Array), [12.25, -5, -7.75, -8]);
    assert.deepEqual(out.y.dims, [2, 2]);
  });

  it("rejects wiring mistakes by name", () => {
    assert.throws(() => writeModel({ ...spec, nodes: [spec.nodes[1], spec.nodes[0]] }), /reads "z" before anything defines it/);
    assert.throws(() => writeModel({ ...spec, outputs: [{ name: "q", elemType: "float32", shape: [1] }] }), /"q" is never computed/);
    assert.throws(() => writeModel({ ...spec, initializers: [{ name: "w", dims: [4], data: new Float32Array(3) }, ...spec.initializers.slice(1)] }), /hold 4 values, data has 3/);
  });
});
