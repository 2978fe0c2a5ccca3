// Regenerating directions a tile of coordinates at a time. A pass that
// combines K stored-as-seed directions (a window sum losing its oldest
// iteration) draws each direction's next TILE coordinates into a K x TILE
// scratch that stays in cache, uses them, and moves on: memory O(K TILE)
// instead of O(K d), and every number is read while it is hot.
import type { SamplerKind } from "./config";
import { type DirectionStreams, makeDirectionStreams } from "./samplers";

/** Coordinates per tile: K = 10 tiles of 2048 doubles take 160 KB, within L2. */
export const TILE = 2048;

export class TiledDirections {
  private readonly streams: DirectionStreams;
  private scratch = new Float64Array(0);

  constructor(kind: SamplerKind, dimension: number) {
    this.streams = makeDirectionStreams(kind, dimension);
  }

  /** Start regenerating directions seeds[0 .. K). */
  start(seeds: ArrayLike<number>): Float64Array {
    this.streams.start(seeds);
    const size = seeds.length * TILE;
    if (this.scratch.length < size) this.scratch = new Float64Array(size);
    return this.scratch;
  }

  /**
   * Draw the next `length` coordinates of each started direction j into
   * scratch[j * TILE ..]; successive calls walk the coordinates in order.
   */
  draw(count: number, length: number): void {
    for (let j = 0; j < count; j++) this.streams.next(j, this.scratch, j * TILE, length);
  }
}
