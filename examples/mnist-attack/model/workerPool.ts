// A fixed set of trainWorker.ts threads. Each worker answers its messages in
// order, so a FIFO of pending promises per worker pairs replies with requests.
import { Worker } from "node:worker_threads";
import { join } from "node:path";
import type { WorkerInit, WorkerReply, WorkerRequest } from "./trainWorker";

interface Pending {
  resolve: (reply: WorkerReply) => void;
  reject: (err: Error) => void;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending: Pending[][] = [];

  constructor(count: number, init: WorkerInit) {
    for (let w = 0; w < count; w++) {
      // Loader hooks do not reach worker threads, so the worker registers tsx itself before loading the TypeScript file.
      const boot = `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(join(__dirname, "trainWorker.ts"))});`;
      const worker = new Worker(boot, { eval: true, workerData: init });
      const queue: Pending[] = [];
      worker.on("message", (reply: WorkerReply) => queue.shift()?.resolve(reply));
      worker.on("error", (err) => {
        for (const p of queue.splice(0)) p.reject(err);
      });
      worker.on("exit", (code) => {
        for (const p of queue.splice(0)) p.reject(new Error(`training worker ${w} exited with code ${code}`));
      });
      this.workers.push(worker);
      this.pending.push(queue);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  request(worker: number, req: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.pending[worker].push({ resolve, reject });
      this.workers[worker].postMessage(req);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
