import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultOnnxRuntimeDir } from "../../src/objective/compile";
import { ObjectiveEvaluator } from "../../src/objective/evaluator";
import { loadOnnxModel } from "../../src/objective/sdk";
import { fixture, rejectsWithObjectiveError, temporaryFolder } from "./helpers";
import { sphereModelBytes } from "./sphere-model";

const CENTRE = [1, 2, 3];

function sphere(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < CENTRE.length; i++) sum += (x[i] - CENTRE[i]) ** 2;
  return sum;
}

/** Whether onnxruntime-node has its CUDA provider here (never on the CI machines; maybe on a GPU machine). */
function cudaProviderInstalled(): boolean {
  const binDir = path.join(defaultOnnxRuntimeDir()!, "bin", "napi-v6", process.platform, process.arch);
  return fs.existsSync(path.join(binDir, "libonnxruntime_providers_cuda.so"));
}

describe("ONNX models in objectives", () => {
  let tmp: ReturnType<typeof temporaryFolder>;
  let batchedFile: string;
  let perQueryFile: string;
  const points = Float64Array.from([1, 2, 3, 0, 0, 0, 1.5, -2, 0.25, 4, 4, 4, -1, 0.5, 2]);
  const rows = points.length / 3;

  before(() => {
    tmp = temporaryFolder("zoar-onnx-test-");
    fs.writeFileSync(path.join(tmp.dir, "sphere.onnx"), sphereModelBytes(CENTRE));
    batchedFile = path.join(tmp.dir, "onnx-sphere.ts");
    perQueryFile = path.join(tmp.dir, "onnx-sphere-per-query.ts");
    fs.copyFileSync(fixture("onnx-sphere.ts"), batchedFile);
    fs.copyFileSync(fixture("onnx-sphere-per-query.ts"), perQueryFile);
  });
  after(() => tmp.remove());

  it("evaluates a batch in one session.run on the CPU, model path relative to the objective", async () => {
    const evaluator = await ObjectiveEvaluator.open(batchedFile, { provider: "cpu" });
    try {
      assert.equal(evaluator.info.provider, "cpu");
      assert.equal(evaluator.info.providerNote, undefined);
      const values = await evaluator.evaluateBatch(points, rows, 0);
      for (let row = 0; row < rows; row++) {
        const expected = sphere(points.subarray(row * 3, row * 3 + 3));
        assert.ok(Math.abs(values[row] - expected) < 1e-5 * (1 + expected), `row ${row}: ${values[row]} vs ${expected}`);
      }
    } finally {
      await evaluator.close();
    }
  });

  it("batched values equal per-query values", async () => {
    const batched = await ObjectiveEvaluator.open(batchedFile, { provider: "cpu" });
    const perQuery = await ObjectiveEvaluator.open(perQueryFile);
    try {
      assert.equal(perQuery.info.provider, undefined, "a model first used inside evaluate is unknown at load");
      const a = await batched.evaluateBatch(points, rows, 0);
      const b = await perQuery.evaluateBatch(points, rows, 0);
      assert.deepEqual(Array.from(a), Array.from(b));
      for (let attempt = 0; attempt < 50 && perQuery.info.provider === undefined; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(perQuery.info.provider, "cpu", "and reported once its session exists");
    } finally {
      await Promise.all([batched.close(), perQuery.close()]);
    }
  });

  it('"auto" uses CUDA when its provider is installed, else falls back to the CPU and says so', async () => {
    const evaluator = await ObjectiveEvaluator.open(batchedFile);
    try {
      if (cudaProviderInstalled()) {
        assert.equal(evaluator.info.provider, "cuda");
      } else {
        assert.equal(evaluator.info.provider, "cpu");
        assert.match(evaluator.info.providerNote!, /CUDA provider not installed \(.*libonnxruntime_providers_cuda\.so is missing\); running on the CPU/);
      }
      const values = await evaluator.evaluateBatch(points, 1, 0);
      assert.ok(Math.abs(values[0] - sphere(points)) < 1e-5);
    } finally {
      await evaluator.close();
    }
  });

  it('"cuda" runs on CUDA when its provider is installed, else fails at load saying how to install it', async () => {
    if (cudaProviderInstalled()) {
      const evaluator = await ObjectiveEvaluator.open(batchedFile, { provider: "cuda" });
      assert.equal(evaluator.info.provider, "cuda");
      await evaluator.close();
      return;
    }
    const error = await rejectsWithObjectiveError(ObjectiveEvaluator.open(batchedFile, { provider: "cuda" }), "load");
    assert.match(error.message, /^onnx-sphere\.ts: loading an ONNX model failed: Error: provider "cuda" was requested, but .*libonnxruntime_providers_cuda\.so is missing/);
    assert.match(error.message, /ONNXRUNTIME_NODE_INSTALL=cuda12 node .*onnxruntime-node\/script\/install\.js/);
  });

  it("a missing model file fails at load with its resolved path", async () => {
    const other = temporaryFolder("zoar-onnx-missing-");
    try {
      const file = path.join(other.dir, "onnx-sphere.ts");
      fs.copyFileSync(fixture("onnx-sphere.ts"), file);
      const error = await rejectsWithObjectiveError(ObjectiveEvaluator.open(file), "load");
      assert.ok(error.message.includes(`ONNX model not found: ${path.join(other.dir, "sphere.onnx")}`), error.message);
    } finally {
      other.remove();
    }
  });

  it("the example MNIST classifier gives the same values batched and per query", async () => {
    const batched = await ObjectiveEvaluator.open(fixture("mnist-batched.ts"), { provider: "cpu" });
    const perQuery = await ObjectiveEvaluator.open(fixture("mnist-per-query.ts"), { provider: "cpu" });
    try {
      const queries = 8;
      const pixels = new Float64Array(queries * 784);
      for (let i = 0; i < pixels.length; i++) pixels[i] = ((i * 7919) % 997) / 996; // spread over [0, 1]
      const a = await batched.evaluateBatch(pixels, queries, 0);
      const b = await perQuery.evaluateBatch(pixels, queries, 0);
      for (let q = 0; q < queries; q++) {
        assert.ok(a[q] <= 0 && Number.isFinite(a[q]), `a log-probability: ${a[q]}`);
        assert.ok(Math.abs(a[q] - b[q]) <= 1e-5 * (1 + Math.abs(b[q])), `query ${q}: batched ${a[q]} vs per query ${b[q]}`);
      }
    } finally {
      await Promise.all([batched.close(), perQuery.close()]);
    }
  });

  it("loadOnnxModel returns one model, with one session, per path and provider", async () => {
    const modelPath = path.join(tmp.dir, "sphere.onnx");
    const model = loadOnnxModel(modelPath, { provider: "cpu" });
    assert.equal(loadOnnxModel(modelPath, { provider: "cpu" }), model);
    assert.equal(model.provider, undefined);
    await Promise.all([model.ready(), model.ready()]);
    assert.equal(model.provider, "cpu");
    assert.deepEqual(model.inputNames, ["X"]);
    assert.deepEqual(model.outputNames, ["Y"]);
    const outputs = await model.runBatch("X", new Float32Array([1, 2, 3, 1, 2, 4]), [2, 3]);
    assert.deepEqual(Array.from(outputs.Y.data as Float32Array), [0, 1]);
    assert.deepEqual(outputs.Y.dims, [2]);
  });

  it("loadOnnxModel takes onnxruntime session settings: one model per setting, the same outputs", async () => {
    const modelPath = path.join(tmp.dir, "sphere.onnx");
    const tuned = loadOnnxModel(modelPath, { provider: "cpu", session: { intraOpNumThreads: 1, graphOptimizationLevel: "basic" } });
    assert.equal(loadOnnxModel(modelPath, { provider: "cpu", session: { intraOpNumThreads: 1, graphOptimizationLevel: "basic" } }), tuned);
    assert.notEqual(loadOnnxModel(modelPath, { provider: "cpu" }), tuned);
    const outputs = await tuned.runBatch("X", new Float32Array([1, 2, 3, 1, 2, 4]), [2, 3]);
    assert.deepEqual(Array.from(outputs.Y.data as Float32Array), [0, 1]);
    // onnxruntime checks the settings: a bad one fails the load with its message.
    const broken = loadOnnxModel(modelPath, { provider: "cpu", session: { graphOptimizationLevel: "fastest" as "all" } });
    await assert.rejects(broken.ready(), /graphOptimizationLevel|optimization/i);
  });
});
