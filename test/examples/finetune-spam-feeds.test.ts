// The fine-tuning example's weight feeds: a float32 point is fed through views
// of it (no copy), a float64 one converted, and the graph computes the same
// embeddings from both.
import * as assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { tokenBatch } from "../../examples/finetune-spam/model/batch";
import { trainableTensors, weightFeeds } from "../../examples/finetune-spam/model/feeds";
import { ensureUseLiteModels, modelFile } from "../../examples/finetune-spam/model/models";
import { UseTokenizer } from "../../examples/finetune-spam/model/tokenizer";
import { CONFIGURATIONS } from "../../examples/finetune-spam/model/models";
import { EMBEDDING_OUTPUT, WEIGHTS, readPretrained, readPublishedWeights, readVocabulary } from "../../examples/finetune-spam/model/useLite";

describe("weight feeds of the fine-tuning example (examples/finetune-spam/model/feeds.ts)", function () {
  this.timeout(60_000);
  const trainable = trainableTensors("layernorm");

  it("reads a few published weights at their offsets in the shards, equal to reading the whole model", () => {
    const pretrained = readPretrained();
    // The trained tensors of every configuration, and the largest (the token embedding, which spans shards).
    const names = [...new Set([...Object.values(CONFIGURATIONS).flat(), WEIGHTS[0].name])];
    const few = readPublishedWeights(names);
    assert.deepEqual([...few.keys()].sort(), [...names].sort());
    for (const name of names) assert.deepEqual(few.get(name), pretrained.weights.get(name), name);
    assert.deepEqual(readVocabulary(), pretrained.vocabulary);
    assert.throws(() => readPublishedWeights(["no.such.weight"]), /USE-Lite has no weight "no.such.weight"/);
  });

  it("feeds a Float32Array point through views of its own buffer and converts a Float64Array one; both give the same embeddings", async () => {
    ensureUseLiteModels();
    const pretrained = readPretrained();
    // The published LayerNorms, shifted so every tensor's values differ from the graph's defaults.
    const point64 = new Float64Array(trainable.reduce((sum, t) => sum + t.size, 0) + 513);
    let offset = 0;
    for (const t of trainable) {
      pretrained.weights.get(t.name)!.forEach((w, i) => (point64[offset + i] = w + 0.25 * Math.sin(offset + i)));
      offset += t.size;
    }
    const point32 = Float32Array.from(point64);

    const views = weightFeeds(point32, trainable);
    const copies = weightFeeds(point64, trainable);
    offset = 0;
    for (const t of trainable) {
      const data = views[t.name].data as Float32Array;
      assert.equal(data.buffer, point32.buffer, `${t.name} is a view of the point`);
      assert.equal(data.byteOffset, 4 * offset);
      assert.deepEqual([...views[t.name].dims], [...t.shape]);
      assert.notEqual((copies[t.name].data as Float32Array).buffer, point64.buffer);
      assert.deepEqual(copies[t.name].data, data, `${t.name}: the same float32 values either way`);
      offset += t.size;
    }

    const session = await ort.InferenceSession.create(modelFile("layernorm"), { executionProviders: ["cpu"], intraOpNumThreads: 1 });
    try {
      const tokenizer = new UseTokenizer(pretrained.vocabulary);
      const batch = tokenBatch(["Win a free cruise, reply now", "The build is green again"].map((text) => tokenizer.encode(text)));
      const inputs = { ids: new ort.Tensor("int64", batch.ids, batch.dims), mask: new ort.Tensor("float32", batch.mask, batch.dims) };
      const fromViews = (await session.run({ ...inputs, ...views }))[EMBEDDING_OUTPUT].data as Float32Array;
      const fromCopies = (await session.run({ ...inputs, ...copies }))[EMBEDDING_OUTPUT].data as Float32Array;
      assert.deepEqual(fromViews, fromCopies, "the views are read at their offsets");
      // The shifted LayerNorms change the embedding: the fed weights are used, not the graph's defaults.
      const published = trainableFeedsOf(pretrained.weights);
      const fromPublished = (await session.run({ ...inputs, ...published }))[EMBEDDING_OUTPUT].data as Float32Array;
      assert.ok(fromPublished.some((v, i) => Math.abs(v - fromViews[i]) > 1e-4));
    } finally {
      await session.release();
    }
  });

  function trainableFeedsOf(weights: Map<string, Float32Array>): Record<string, ort.Tensor> {
    return Object.fromEntries(trainable.map((t) => [t.name, new ort.Tensor("float32", weights.get(t.name)!, [...t.shape])]));
  }
});
