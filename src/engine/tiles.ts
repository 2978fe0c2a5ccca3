// Regenerating directions a tile of coordinates at a time. A pass that
// combines K stored-as-seed directions (a window sum losing its oldest
// iteration) draws each direction's next TILE coordinates into a K x TILE
// scratch that stays in cache, uses them, and moves on: memory O(K TILE)
// instead of O(K d), and every number is read while it is hot.
//
// With a helper thread (parallel.ts), large Gaussian windows draw the later
// half of the directions there, a few tiles ahead, and copy each finished
// tile into the scratch: the draws, and every sum made of them, are the same
// as on one thread.
//
// Gaussian directions drawn here come from the WebAssembly kernel
// (kernels/normals.ts), four at a time, straight into the scratch, which is
// then a view of the kernel's memory: the same numbers, no copy.
import type { SamplerKind } from "./config";
import { GaussianLanes, KERNEL_TILE } from "./kernels/normals";
import { type DrawingThreads, drawingThreadsFor } from "./parallel";
import { type DirectionStreams, makeDirectionStreams } from "./samplers";

/** Coordinates per tile: K = 10 tiles of 2048 doubles take 160 KB, within L2. */
export const TILE = KERNEL_TILE;
/** Tiles the helper may draw ahead of the caller. */
const RING_SLOTS = 32;
/** Without a tile from the helper for this long, it is taken for dead. */
const SILENCE_LIMIT_MS = 60_000;

export class TiledDirections {
  private readonly streams: DirectionStreams;
  /** The kernel that draws directions [0, split), or null (sphere, or no kernel): then streams does. */
  private readonly lanes: GaussianLanes | null;
  private scratch: Float64Array = new Float64Array(0);
  private readonly threads: DrawingThreads | null;
  /** Directions [0, split) are drawn here, [split, count) on the helper (split = count when there is none). */
  private split = 0;
  private ring: Float64Array = new Float64Array(0);
  private progress: Int32Array | null = null;
  private tileIndex = 0;

  constructor(
    kind: SamplerKind,
    private readonly dimension: number,
  ) {
    this.streams = makeDirectionStreams(kind, dimension);
    this.lanes = kind === "gaussian" ? GaussianLanes.create() : null;
    // The sphere's directions need a pass of their own for the norm: they stay on this thread.
    this.threads = kind === "gaussian" ? drawingThreadsFor(dimension) : null;
  }

  /** Start regenerating directions seeds[0 .. K). */
  start(seeds: ArrayLike<number>): Float64Array {
    const count = seeds.length;
    this.split = this.threads !== null && count > 1 ? count >> 1 : count;
    if (this.lanes !== null) {
      this.lanes.start(seeds, this.split, count);
      this.scratch = this.lanes.rows("float64");
    } else {
      this.streams.start(seeds);
      const size = count * TILE;
      if (this.scratch.length < size) this.scratch = new Float64Array(size);
    }
    if (this.threads !== null && this.split < count) {
      const helped = count - this.split;
      if (this.ring.length < RING_SLOTS * helped * TILE) this.ring = this.threads.sharedArray(RING_SLOTS * helped * TILE);
      this.progress ??= new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
      this.progress[0] = 0;
      this.progress[1] = 0;
      this.tileIndex = 0;
      const later = Uint32Array.from({ length: helped }, (_, s) => seeds[this.split + s]);
      this.threads.startTiles({ dimension: this.dimension, seeds: later, tile: TILE, slots: RING_SLOTS, ring: this.ring, progress: this.progress });
    }
    return this.scratch;
  }

  /**
   * Draw the next `length` coordinates of each started direction j into
   * scratch[j * TILE ..]; successive calls walk the coordinates in order.
   */
  draw(count: number, length: number): void {
    const split = Math.min(this.split, count);
    if (this.lanes !== null) this.lanes.draw(length, "float64");
    else for (let j = 0; j < split; j++) this.streams.next(j, this.scratch, j * TILE, length);
    if (split === count) return;
    const progress = this.progress!;
    const t = this.tileIndex;
    let silentSince = Date.now();
    for (let written = Atomics.load(progress, 0); written <= t; written = Atomics.load(progress, 0)) {
      if (Atomics.wait(progress, 0, written, 1000) !== "timed-out") silentSince = Date.now();
      else if (Date.now() - silentSince > SILENCE_LIMIT_MS) throw new Error(`drawing thread: no tile for ${SILENCE_LIMIT_MS / 1000} s`);
    }
    const helped = count - split;
    const slot = (t % RING_SLOTS) * helped * TILE;
    for (let s = 0; s < helped; s++) {
      const from = slot + s * TILE;
      this.scratch.set(this.ring.subarray(from, from + length), (split + s) * TILE);
    }
    this.tileIndex = t + 1;
    Atomics.store(progress, 1, t + 1);
    Atomics.notify(progress, 1);
  }
}
