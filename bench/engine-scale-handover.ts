// The drawing thread's hand-over cost: start + finish of a job too small to
// matter (5 directions of d = 64), the fixed price a helper thread adds to
// an ask; with drawing at ~190 M normals/s per core it sets where a free core
// starts to pay (PARALLEL_MIN_DIMENSION keeps well above it).
//   npx tsx bench/engine-scale-handover.ts
import { WorkerDrawingThreads } from "../src/run/drawing-threads";
const pool = new WorkerDrawingThreads();
const d = 64; const points = pool.sharedArray(11 * d); const theta = pool.sharedArray(d);
const rows = { sampler: "gaussian" as const, dimension: d, points, theta, mu: 0.01, antithetic: false, firstRow: 1, seeds: new Uint32Array(10), from: 5, to: 10 };
const ts: number[] = [];
for (let i = 0; i < 3000; i++) { const t = performance.now(); pool.start(rows); pool.finish(); if (i > 500) ts.push(performance.now() - t); }
ts.sort((a, b) => a - b);
console.log(`hand-over round trip (5 directions of d = 64): median ${(ts[ts.length >> 1] * 1000).toFixed(0)} us, p90 ${(ts[Math.floor(ts.length * 0.9)] * 1000).toFixed(0)} us`);
void pool.close();
