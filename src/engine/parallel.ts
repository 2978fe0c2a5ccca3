// Drawing an iteration's query rows on a second thread. The engine has no
// threads of its own (it runs in browsers and webviews too): the run layer
// may install a `DrawingThreads` (src/run/drawing-threads.ts: worker_threads
// and SharedArrayBuffer), and optimizers created after that, with d at least
// PARALLEL_MIN_DIMENSION, draw half of their directions there. Without one,
// everything runs on the calling thread, as before.
//
// Splitting is by direction: each direction is its own stream (random.ts),
// written by `drawQueryRows`, the same code on every thread, into rows no
// other direction touches. No sum crosses the split, so the points are bit
// for bit the same with or without a helper thread.
import type { SamplerKind } from "./config";
import type { DirectionSource } from "./estimators/types";
import type { Vector } from "./precision";

/**
 * Below this dimension a helper thread does not pay: one hand-over costs
 * tens of microseconds, drawing K directions of d = 10^4 about half a
 * millisecond, and the helper shares the machine's other core (measured at
 * d = 10^4 and 2 10^4 with the threshold lowered: as slow or slower with
 * the helper, bench/results/engine-scale-threshold.json).
 */
export const PARALLEL_MIN_DIMENSION = 1 << 15;

/** The query rows of an iteration's directions [from, to). */
export interface QueryRows {
  sampler: SamplerKind;
  dimension: number;
  /** Rows x dimension, row-major; direction k's first row is firstRow + k * stride. */
  points: Vector;
  theta: Vector;
  mu: number;
  /** Antithetic pairs: rows theta + mu z, then theta - mu z. */
  antithetic: boolean;
  firstRow: number;
  seeds: Uint32Array;
  from: number;
  to: number;
}

/**
 * Gaussian directions regenerated a tile at a time (tiles.ts), drawn on the
 * helper into a ring of `slots` tiles: tile t of stream s goes to
 * ring[((t % slots) * seeds.length + s) * tile ..]. progress[0] counts the
 * tiles written, progress[1] the tiles the caller has read; the helper waits
 * while the ring is full.
 */
export interface DirectionTiles {
  dimension: number;
  seeds: Uint32Array;
  tile: number;
  slots: number;
  ring: Float64Array;
  progress: Int32Array;
}

export interface DrawingThreads {
  /** A zero-filled array the helper thread can write (on a SharedArrayBuffer). */
  sharedArray(length: number): Float64Array;
  /** Start drawing `rows` on the helper thread; its arrays come from sharedArray. */
  start(rows: QueryRows): void;
  /** Start drawing `tiles` on the helper thread (ring from sharedArray, progress on shared memory); the caller reads every tile. */
  startTiles(tiles: DirectionTiles): void;
  /** Block until the started rows are drawn; throws what the helper threw. */
  finish(): void;
}

let installed: DrawingThreads | null = null;

/** Install (or, with null, remove) the helper for optimizers created from now on. */
export function useDrawingThreads(threads: DrawingThreads | null): void {
  installed = threads;
}

/** The helper an optimizer of dimension d uses, or null for the calling thread alone. */
export function drawingThreadsFor(dimension: number): DrawingThreads | null {
  return dimension >= PARALLEL_MIN_DIMENSION ? installed : null;
}

/** Write the query rows of directions [rows.from, rows.to) with `regenerate` (makeDirectionSource of the sampler). */
export function drawQueryRows(regenerate: DirectionSource, rows: QueryRows): void {
  const { dimension: d, points, theta, mu, seeds } = rows;
  const stride = rows.antithetic ? 2 : 1;
  for (let k = rows.from; k < rows.to; k++) {
    const plus = (rows.firstRow + k * stride) * d;
    if (!rows.antithetic) {
      // The query point is written in the pass that draws its direction.
      regenerate(seeds[k], points, plus, theta, mu);
      continue;
    }
    // The direction is drawn into the minus row, then both rows are written in place.
    const minus = plus + d;
    regenerate(seeds[k], points, minus);
    for (let i = 0; i < d; i++) {
      const z = points[minus + i];
      points[plus + i] = theta[i] + mu * z;
      points[minus + i] = theta[i] - mu * z;
    }
  }
}
