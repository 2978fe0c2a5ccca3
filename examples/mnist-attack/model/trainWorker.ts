// Worker thread of train-classifier.ts: computes the gradient (or the
// predictions) of the shards it is handed. Parameters, pixels and gradient
// buffers are SharedArrayBuffers owned by the main thread, so a message only
// carries the image indices.
import { parentPort, workerData } from "node:worker_threads";
import { Workspace } from "./cnn";
import { layoutOf, type Arch } from "./layout";

export interface WorkerInit {
  arch: Arch;
  capacity: number;
  params: SharedArrayBuffer;
  pixels: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  /** One gradient buffer per shard. */
  grads: SharedArrayBuffer[];
}

export type WorkerRequest =
  | { kind: "train"; shard: number; indices: Int32Array; shifts: Int8Array; batchSize: number }
  | { kind: "predict"; indices: Int32Array };

export type WorkerReply =
  | { kind: "train"; lossSum: number; correct: number }
  | { kind: "predict"; logProbs: Float32Array };

if (parentPort === null) throw new Error("trainWorker.ts runs only as a worker thread");
const port = parentPort;
const init = workerData as WorkerInit;
const layout = layoutOf(init.arch);
const workspace = new Workspace(layout, init.capacity);
const params = new Float32Array(init.params);
const pixels = new Float32Array(init.pixels);
const labels = new Uint8Array(init.labels);
const grads = init.grads.map((b) => new Float32Array(b));

port.on("message", (req: WorkerRequest) => {
  let reply: WorkerReply;
  if (req.kind === "train") {
    const grad = grads[req.shard];
    grad.fill(0);
    const r = workspace.trainShard(params, pixels, labels, req.indices, req.shifts, req.batchSize, grad);
    reply = { kind: "train", lossSum: r.lossSum, correct: r.correct };
  } else {
    reply = { kind: "predict", logProbs: workspace.forward(params, pixels, req.indices) };
  }
  port.postMessage(reply);
});
