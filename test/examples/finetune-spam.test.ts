// examples/finetune-spam/finetune.ts through zoar's real run loop: a short
// fine-tune of the transformer's LayerNorms and the head on a small subset.
// The pool is one minibatch, so each value is the whole training loss and a
// falling value is a falling loss, not minibatch noise.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ort from "onnxruntime-node";
import { RunStore, startRun } from "../../src/run";
import { readSavedParameters, savedVector, saveRunParameters } from "../../src/run/params";
import { tokenBatch } from "../../examples/finetune-spam/model/batch";
import { ensureUseLiteModels, tunedModel } from "../../examples/finetune-spam/model/models";
import { UseTokenizer } from "../../examples/finetune-spam/model/tokenizer";
import { useEnvironment } from "./environment";
import { PROBABILITY_OUTPUT, readPretrained } from "../../examples/finetune-spam/model/useLite";

const FINETUNE_FILE = path.resolve(__dirname, "../../examples/finetune-spam/finetune.ts");
// 32 e-mails (about a quarter spam); a batch of 64 asks for more of each class than there are, so it takes them all.
const SUBSET = { ZOAR_FINETUNE_TRAIN: "32", ZOAR_FINETUNE_BATCH: "64", ZOAR_FINETUNE_TEST: "32" };

describe("fine-tuning USE-Lite as a spam filter (examples/finetune-spam)", function () {
  this.timeout(180_000);
  let runsDir: string;
  useEnvironment(SUBSET);
  before(() => {
    ensureUseLiteModels();
    runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-finetune-test-"));
  });
  after(() => fs.rmSync(runsDir, { recursive: true, force: true }));

  it("lowers the training loss in 20 steps of zoar-pairs and logs held-out metrics", async () => {
    const loop = await startRun({ objectiveFile: FINETUNE_FILE, optimizer: "zoar-pairs", overrides: { lr: 0.01 }, seed: 3, stop: { iterations: 20 }, metricsEvery: 10, runsDir });
    const result = await loop.run();
    assert.equal(result.status, "done", result.error?.message);
    const store = RunStore.open(result.runDir!);
    assert.equal(store.readConfig().objective.dimension, 3584 + 513, "the four LayerNorms and the head");
    const trace = store.readTrace().lines;
    const first = trace[0].value;
    const last = trace[trace.length - 1].value;
    assert.ok(last < 0.8 * first, `training loss ${first} -> ${last}`);
    assert.deepEqual(trace.filter((l) => l.metrics).map((l) => l.iteration), [0, 10]);
    for (const line of trace.filter((l) => l.metrics)) {
      assert.ok(line.metrics!.accuracy >= 0 && line.metrics!.accuracy <= 1);
      assert.ok(line.metrics!.testLoss > 0);
    }
    assert.ok(result.metrics && typeof result.metrics.accuracy === "number", "the result carries the final parameters' metrics");

    // The tuned parameters, saved and exported as one deployable ONNX classifier.
    const saved = readSavedParameters(saveRunParameters(result.runDir!, path.join(runsDir, "finetune.params.json")));
    const session = await ort.InferenceSession.create(Buffer.from(tunedModel(savedVector(saved.final), "layernorm")), { executionProviders: ["cpu"] });
    assert.deepEqual(session.outputNames, ["embedding", PROBABILITY_OUTPUT]);
    const tokenizer = new UseTokenizer(readPretrained().vocabulary);
    const batch = tokenBatch(["Congratulations! You won a FREE prize, click here now", "Minutes of Tuesday's build meeting attached"].map((t) => tokenizer.encode(t)));
    const out = await session.run({ ids: new ort.Tensor("int64", batch.ids, batch.dims), mask: new ort.Tensor("float32", batch.mask, batch.dims) });
    const [spam, ham] = out[PROBABILITY_OUTPUT].data as Float32Array;
    assert.ok(spam > 0.5 && ham < 0.5, `spam ${spam}, ham ${ham}`);
    await session.release();
  });
});
