// The helper thread of drawing-threads.ts: draws the query rows it is handed
// into the shared arrays, with the engine's own drawQueryRows, and counts the
// job as finished on the shared control words. Bundled to
// dist/drawing-worker.js; run from source through tsx in development.
import { parentPort, workerData } from "node:worker_threads";
import { type DirectionSource, type QueryRows, drawQueryRows, makeDirectionSource } from "../engine";

const control = workerData.control as Int32Array;
const error = workerData.error as Uint8Array;
const sources = new Map<string, DirectionSource>();

parentPort!.on("message", ({ job, rows }: { job: number; rows: QueryRows }) => {
  try {
    const key = `${rows.sampler} ${rows.dimension}`;
    let source = sources.get(key);
    if (source === undefined) sources.set(key, (source = makeDirectionSource(rows.sampler, rows.dimension)));
    drawQueryRows(source, rows);
  } catch (e) {
    const message = new TextEncoder().encode(e instanceof Error ? (e.stack ?? e.message) : String(e)).slice(0, error.length);
    error.set(message);
    Atomics.store(control, 2, message.length);
    Atomics.store(control, 1, 1);
  }
  Atomics.store(control, 0, job);
  Atomics.notify(control, 0);
});
