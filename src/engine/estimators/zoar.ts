// ZoAR: averaged baseline + query reuse (ALGORITHMS.md, estimator 3).
//
// The buffer holds the queries of the last W = N+1 iterations. With b the
// mean of all buffered values and M their number,
//   g = 1/(M mu) * sum_{(u, y) in buffer} (y - b) u.
// Per iteration s, with c_s the mean of its values, A_s = sum_k (y_k - c_s) u_k
// and B_s = sum_k u_k. The estimator keeps two window sums against an anchor
// r, the newest iteration's mean:
//   Y = sum_s [A_s + (c_s - r) B_s] = sum_{buffer} (y - r) u,   B = sum_s B_s,
// and g = 1/(M mu) * (Y - (b - r) B). Each iteration moves the anchor
// (Y -= (r' - r) B), removes the oldest iteration, adds the newest and writes
// g, all in one pass: O(K d) work and O(d) memory whatever N. Values enter
// only as differences from a nearby anchor, so large values do not cancel;
// the rounding of additions and removals is wiped by an exact recomputation
// every `recomputeEvery` iterations.
//
// The oldest iteration's contribution comes from its stored A_s and B_s
// ("vectors" storage, 2(N+1)d numbers), or from its K directions regenerated
// from their seeds a tile at a time ("seeds" storage: O(NK) numbers besides
// the sums). With N = 0 the arithmetic is the average-baseline estimator's,
// bit for bit.
import type { SamplerKind } from "../config";
import { type Precision, type Vector, vectorFrom, zeros } from "../precision";
import { TILE, TiledDirections } from "../tiles";
import { type RowDirections, sumRowDirections, sumTileDirections } from "../row-sums";
import { addWeightedDirections } from "../vector";
import type { BufferEntry, GradientEstimator, QueryBatch } from "./types";

interface Block {
  iteration: number;
  seeds: Uint32Array;
  values: Float64Array;
  sum: number;
  /** Mean of this iteration's values (c_s). */
  center: number;
  /** A_s and B_s; null with seed storage. */
  weighted: Vector | null;
  plain: Vector | null;
}

/** Iterations between exact recomputations of the window sums, for a window of W iterations. */
export function recomputePeriod(window: number): number {
  return Math.max(1024, 64 * window);
}

export class ZoarEstimator implements GradientEstimator {
  private blocks: Block[] = [];
  private baseline = NaN;
  private scale = NaN;
  /** Y and B above (empty when N = 0), and the anchor r of Y. */
  private readonly sumY: Vector;
  private readonly sumB: Vector;
  private anchor = 0;
  /** Iterations left before the next exact recomputation (0: the next one is exact). */
  private untilExact = 0;
  private readonly recomputeEvery: number;
  private readonly tiles: TiledDirections;
  private newWeights = new Float64Array(0);
  private oldWeights = new Float64Array(0);
  private rowStarts = new Int32Array(0);
  /** The evicted block's contribution to Y and B over one tile. */
  private readonly oldTileY = new Float64Array(TILE);
  private readonly oldTileB = new Float64Array(TILE);
  /** The newest block's A_s and B_s over one tile. */
  private readonly newTileA = new Float64Array(TILE);
  private readonly newTileB = new Float64Array(TILE);

  constructor(
    private readonly histories: number,
    private readonly mu: number,
    /** 1, or d for the paper form. */
    private readonly dimensionFactor: number,
    private readonly storeVectors: boolean,
    private readonly dimension: number,
    sampler: SamplerKind,
    /** Of the window sums and the stored A_s, B_s. */
    private readonly precision: Precision,
  ) {
    const sums = histories > 0 ? dimension : 0;
    this.sumY = zeros(precision, sums);
    this.sumB = zeros(precision, sums);
    this.recomputeEvery = recomputePeriod(histories + 1);
    this.tiles = new TiledDirections(sampler, dimension);
  }

  estimate(batch: QueryBatch, g: Vector): number {
    const { values } = batch;
    const k = values.length;
    let sum = 0;
    for (let i = 0; i < k; i++) sum += values[i];
    const evicted = this.blocks.length > this.histories ? this.blocks.shift()! : null;
    const block: Block = { iteration: batch.iteration, seeds: batch.seeds.slice(), values: values.slice(), sum, center: sum / k, weighted: null, plain: null };
    this.blocks.push(block);
    let total = 0;
    let count = 0;
    for (const b of this.blocks) {
      total += b.sum;
      count += b.values.length;
    }
    const baseline = total / count;
    const scale = this.dimensionFactor / (count * this.mu);
    this.baseline = baseline;
    this.scale = scale;
    if (this.newWeights.length !== k) {
      this.newWeights = new Float64Array(k);
      this.oldWeights = new Float64Array(k);
      this.rowStarts = new Int32Array(k);
    }
    if (this.histories === 0) {
      // The average-baseline estimator's own arithmetic.
      const advantages = this.newWeights;
      for (let q = 0; q < k; q++) advantages[q] = values[q] - baseline;
      g.fill(0);
      addWeightedDirections(g, advantages, k, batch);
      for (let i = 0; i < g.length; i++) g[i] *= scale;
      return baseline;
    }
    if (this.storeVectors) {
      block.weighted = evicted?.weighted ?? zeros(this.precision, this.dimension);
      block.plain = evicted?.plain ?? zeros(this.precision, this.dimension);
    }
    if (this.untilExact <= 0) {
      // From scratch: the held iterations oldest first, then the newest in the pass below.
      this.sumY.fill(0);
      this.sumB.fill(0);
      for (let s = 0; s < this.blocks.length - 1; s++) this.addHeld(this.blocks[s], block.center);
      this.anchor = block.center;
      this.untilExact = this.recomputeEvery;
      this.advance(batch, block, null, g);
    } else {
      this.advance(batch, block, evicted, g);
    }
    this.untilExact--;
    return baseline;
  }

  /**
   * The one pass of an iteration: move the anchor to the newest mean, remove
   * `evicted`, add the newest block (from its query rows) and write g.
   */
  private advance(batch: QueryBatch, block: Block, evicted: Block | null, g: Vector): void {
    const d = this.dimension;
    const { points, theta, inverseMu } = batch;
    const k = block.values.length;
    const center = block.center;
    const newWeights = this.newWeights;
    const rowStarts = this.rowStarts;
    for (let q = 0; q < k; q++) {
      newWeights[q] = block.values[q] - center;
      rowStarts[q] = (batch.firstRow + q * batch.stride) * d;
    }
    const delta = center - this.anchor;
    this.anchor = center;
    const shift = this.baseline - center;
    const scale = this.scale;
    const { sumY, sumB } = this;
    const weighted = block.weighted;
    const plain = block.plain;
    // How the evicted block's contribution is read: not at all, from its vectors, or regenerated.
    const oldWeighted = evicted?.weighted ?? null;
    const oldPlain = evicted?.plain ?? null;
    const regenerated = evicted !== null && (oldWeighted === null || oldPlain === null);
    const oldShift = evicted ? evicted.center - center : 0;
    const oldCount = regenerated ? evicted.values.length : 0;
    const oldWeights = this.oldWeights;
    if (regenerated) for (let q = 0; q < oldCount; q++) oldWeights[q] = evicted.values[q] - center;
    const scratch = regenerated ? this.tiles.start(evicted.seeds) : oldWeights;
    // Per tile, the newest block's sums are formed first, and a regenerated
    // evicted block's (they stay in cache), then one window pass.
    const oldY = this.oldTileY;
    const oldB = this.oldTileB;
    const newA = this.newTileA;
    const newB = this.newTileB;
    if (evicted === null) {
      oldY.fill(0);
      oldB.fill(0);
    }
    const rows: RowDirections = { points, starts: rowStarts, theta, inverseMu };
    for (let from = 0; from < d; from += TILE) {
      const to = Math.min(d, from + TILE);
      const length = to - from;
      sumRowDirections(newA, newB, newWeights, k, rows, from, length);
      if (oldPlain !== null && weighted !== null) {
        // Stored vectors, read and written in the window pass itself; the
        // newest block may reuse the evicted block's: each is read first.
        for (let i = from, j = 0; i < to; i++, j++) {
          const oldBi = oldPlain[i];
          const oldYi = oldWeighted![i] + oldShift * oldBi;
          const a = newA[j];
          const b = newB[j];
          weighted[i] = a;
          plain![i] = b;
          const heldB = sumB[i];
          const y = sumY[i] - delta * heldB - oldYi + a;
          const total = heldB - oldBi + b;
          sumY[i] = y;
          sumB[i] = total;
          g[i] = scale * (y - shift * total);
        }
        continue;
      }
      if (regenerated) {
        this.tiles.draw(oldCount, length);
        sumTileDirections(oldY, oldB, oldWeights, oldCount, scratch, TILE, length);
      } else if (oldPlain !== null) {
        for (let j = 0; j < length; j++) {
          const b = oldPlain[from + j];
          oldB[j] = b;
          oldY[j] = oldWeighted![from + j] + oldShift * b;
        }
      }
      if (weighted !== null) {
        weighted.set(newA.subarray(0, length), from);
        plain!.set(newB.subarray(0, length), from);
      }
      for (let i = from, j = 0; i < to; i++, j++) {
        const heldB = sumB[i];
        const y = sumY[i] - delta * heldB - oldY[j] + newA[j];
        const total = heldB - oldB[j] + newB[j];
        sumY[i] = y;
        sumB[i] = total;
        g[i] = scale * (y - shift * total);
      }
    }
  }

  /** Add a held block's contribution against `anchor` to Y and B. */
  private addHeld(block: Block, anchor: number): void {
    const d = this.dimension;
    const { sumY, sumB } = this;
    const { weighted, plain } = block;
    if (weighted !== null && plain !== null) {
      const shift = block.center - anchor;
      for (let i = 0; i < d; i++) {
        sumY[i] += weighted[i] + shift * plain[i];
        sumB[i] += plain[i];
      }
      return;
    }
    const k = block.values.length;
    const weights = this.oldWeights;
    for (let q = 0; q < k; q++) weights[q] = block.values[q] - anchor;
    const scratch = this.tiles.start(block.seeds);
    const y = this.oldTileY;
    const b = this.oldTileB;
    for (let from = 0; from < d; from += TILE) {
      const to = Math.min(d, from + TILE);
      this.tiles.draw(k, to - from);
      sumTileDirections(y, b, weights, k, scratch, TILE, to - from);
      for (let i = from, j = 0; i < to; i++, j++) {
        sumY[i] += y[j];
        sumB[i] += b[j];
      }
    }
  }

  /** Number of buffered queries, min(t, N+1) K. */
  get size(): number {
    return this.blocks.reduce((n, b) => n + b.values.length, 0);
  }

  entries(currentIteration: number): BufferEntry[] {
    const out: BufferEntry[] = [];
    for (const b of this.blocks) {
      b.values.forEach((value, query) => {
        const advantage = value - this.baseline;
        out.push({ iteration: b.iteration, query, seed: b.seeds[query], value, advantage, weight: advantage * this.scale, age: currentIteration - b.iteration });
      });
    }
    return out;
  }

  /** ZoAR's estimate mixes iterations: it is no single iteration's combination of directions. */
  combination(): null {
    return null;
  }

  snapshot() {
    return {
      baseline: this.baseline,
      scale: this.scale,
      anchor: this.anchor,
      untilExact: this.untilExact,
      sumY: this.sumY.slice(),
      sumB: this.sumB.slice(),
      blocks: this.blocks.map((b) => ({
        ...b,
        seeds: b.seeds.slice(),
        values: b.values.slice(),
        weighted: b.weighted?.slice() ?? null,
        plain: b.plain?.slice() ?? null,
      })),
    };
  }

  restore(state: Record<string, unknown>): void {
    this.baseline = state.baseline as number;
    this.scale = state.scale as number;
    this.blocks = (state.blocks as Block[]).map((b) => ({
      ...b,
      seeds: Uint32Array.from(b.seeds),
      values: Float64Array.from(b.values),
      weighted: b.weighted ? vectorFrom(this.precision, b.weighted) : null,
      plain: b.plain ? vectorFrom(this.precision, b.plain) : null,
    }));
    const sumY = state.sumY as ArrayLike<number> | undefined;
    const sumB = state.sumB as ArrayLike<number> | undefined;
    if (sumY && sumB && sumY.length === this.sumY.length && sumB.length === this.sumB.length) {
      this.sumY.set(sumY);
      this.sumB.set(sumB);
      this.anchor = state.anchor as number;
      this.untilExact = state.untilExact as number;
    } else {
      // A snapshot from before the window sums: the next iteration computes them from scratch.
      this.untilExact = 0;
    }
  }
}
