// The helper thread that draws half of each iteration's query rows for large
// optimizers (src/engine/parallel.ts): a worker thread sharing theta and the
// query rows through SharedArrayBuffer. The calling thread hands over a job,
// draws its own half, then blocks on an Atomics counter until the helper has
// written its rows: ask() stays synchronous and no message waits for the
// event loop.
import { availableParallelism, loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import { type DirectionTiles, type DrawingThreads, type QueryRows, useDrawingThreads } from "../engine";
import { findWorkerEntry, workerExecArgv } from "../objective/workerEntry";

/** Without a word from the helper for this long, it is taken for dead (a job is at most a few hundred ms). */
const SILENCE_LIMIT_MS = 60_000;
const ERROR_BYTES = 4096;

/** Control words shared with the helper: [0] jobs finished, [1] the last job failed, [2] length of its message. */
const FINISHED = 0;
const FAILED = 1;
const MESSAGE_LENGTH = 2;

export class WorkerDrawingThreads implements DrawingThreads {
  /** Started with the first shared array: only optimizers large enough to use it ask for one. */
  private worker: Worker | null = null;
  private readonly control = new Int32Array(new SharedArrayBuffer(3 * 4));
  private readonly error = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
  private started = 0;

  constructor(private readonly workerScript = findWorkerEntry(__dirname, ["drawing-worker.js", "drawing-worker.ts"], "drawing thread")) {}

  /** Jobs handed to the helper so far (query rows and tile rings). */
  get jobsStarted(): number {
    return this.started;
  }

  sharedArray(length: number): Float64Array {
    if (this.worker === null) {
      this.worker = new Worker(this.workerScript, { workerData: { control: this.control, error: this.error }, execArgv: workerExecArgv(this.workerScript) });
      // An idle helper does not keep the process alive.
      this.worker.unref();
    }
    return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
  }

  start(rows: QueryRows): void {
    if (!(rows.points.buffer instanceof SharedArrayBuffer) || !(rows.theta.buffer instanceof SharedArrayBuffer)) {
      throw new Error("drawing thread: points and theta must come from sharedArray()");
    }
    this.started++;
    this.worker!.postMessage({ job: this.started, rows });
  }

  startTiles(tiles: DirectionTiles): void {
    if (!(tiles.ring.buffer instanceof SharedArrayBuffer) || !(tiles.progress.buffer instanceof SharedArrayBuffer)) {
      throw new Error("drawing thread: the ring and its progress must be on shared memory");
    }
    this.started++;
    this.worker!.postMessage({ job: this.started, tiles });
  }

  finish(): void {
    const control = this.control;
    let silentSince = Date.now();
    for (;;) {
      const finished = Atomics.load(control, FINISHED);
      if (finished === this.started) break;
      if (Atomics.wait(control, FINISHED, finished, 1000) === "timed-out") {
        if (Date.now() - silentSince > SILENCE_LIMIT_MS) throw new Error(`drawing thread: no answer for ${SILENCE_LIMIT_MS / 1000} s (job ${this.started})`);
      } else {
        silentSince = Date.now();
      }
    }
    if (Atomics.exchange(control, FAILED, 0) !== 0) {
      const message = new TextDecoder().decode(this.error.slice(0, Atomics.load(control, MESSAGE_LENGTH)));
      throw new Error(`drawing thread: ${message}`);
    }
  }

  /** End the helper thread. */
  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}

/**
 * Whether a second core is free for the helper: on a machine already busy
 * the helper waits for a core, and the caller waits for the helper (measured
 * in bench/results/engine-scale-notes.md). The results are the same either way.
 */
export function coreIsFree(): boolean {
  const cores = availableParallelism();
  return cores >= 2 && loadavg()[0] <= cores - 1;
}

/**
 * Install a helper thread for the optimizers created from now on (those of
 * d >= PARALLEL_MIN_DIMENSION use it; the thread starts with the first of
 * them); returns a function that removes it. Where the helper's entry cannot
 * be found, optimizers keep to one thread, as before.
 */
export function installDrawingThreads(workerScript?: string): () => Promise<void> {
  let threads: WorkerDrawingThreads;
  try {
    threads = new WorkerDrawingThreads(workerScript);
  } catch {
    return async () => undefined;
  }
  useDrawingThreads(threads);
  return async () => {
    useDrawingThreads(null);
    await threads.close();
  };
}
