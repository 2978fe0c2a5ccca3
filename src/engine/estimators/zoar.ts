// ZoAR: averaged baseline + query reuse (ALGORITHMS.md, estimator 3).
//
// The buffer holds the queries of the last N+1 iterations. With b the mean of
// all buffered values and M their number,
//   g = 1/(M mu) * sum_{(u, y) in buffer} (y - b) u.
// Stored per iteration s as two vectors, A_s = sum_k (y_k - c_s) u_k and
// B_s = sum_k u_k with c_s the mean of that iteration's values, so that
//   g = 1/(M mu) * sum_s [A_s - (b - c_s) B_s]
// costs 2(N+1)d per iteration instead of (N+1)Kd, without the cancellation of
// sum(y u) - b sum(u) when values are large. With N = 0 the arithmetic is the
// average-baseline estimator's, bit for bit.
//
// "seeds" storage keeps only seeds and values (memory O(NK), independent of d)
// and regenerates every direction on use.
import { addScaledRow, addWeightedDirections } from "../vector";
import type { BufferEntry, DirectionSource, GradientEstimator, QueryBatch } from "./types";

interface Block {
  iteration: number;
  seeds: Uint32Array;
  values: Float64Array;
  sum: number;
  /** Mean of this iteration's values (c_s). */
  center: number;
  /** A_s and B_s; absent with seed storage. */
  weighted: Float64Array | null;
  plain: Float64Array | null;
}

export class ZoarEstimator implements GradientEstimator {
  private blocks: Block[] = [];
  private baseline = NaN;
  private scale = NaN;
  private readonly scratch: Float64Array | null;

  constructor(
    private readonly histories: number,
    private readonly mu: number,
    /** 1, or d for the paper form. */
    private readonly dimensionFactor: number,
    private readonly storeVectors: boolean,
    private readonly dimension: number,
    private readonly regenerate: DirectionSource,
  ) {
    this.scratch = storeVectors ? null : new Float64Array(dimension);
  }

  estimate(batch: QueryBatch, g: Float64Array): number {
    const block = this.admit(batch);
    let total = 0;
    let count = 0;
    for (const b of this.blocks) {
      total += b.sum;
      count += b.values.length;
    }
    const baseline = total / count;
    const scale = this.dimensionFactor / (count * this.mu);
    const d = this.dimension;
    if (this.storeVectors) {
      // One pass over the coordinates, blocks in buffer order in the inner loop.
      const weighted = this.blocks.map((b) => b.weighted!);
      const plain = this.blocks.map((b) => b.plain!);
      const shifts = this.blocks.map((b) => baseline - b.center);
      const n = this.blocks.length;
      for (let i = 0; i < d; i++) {
        let sum = 0;
        for (let s = 0; s < n; s++) sum += weighted[s][i] - shifts[s] * plain[s][i];
        g[i] = sum * scale;
      }
    } else {
      g.fill(0);
      for (const b of this.blocks) {
        if (b === block) continue;
        for (let k = 0; k < b.values.length; k++) {
          this.regenerate(b.seeds[k], this.scratch!, 0);
          addScaledRow(g, b.values[k] - baseline, this.scratch!, 0);
        }
      }
      const advantages = block.values.map((y) => y - baseline);
      addWeightedDirections(g, advantages, advantages.length, batch);
      for (let i = 0; i < d; i++) g[i] *= scale;
    }
    this.baseline = baseline;
    this.scale = scale;
    return baseline;
  }

  /** Append this iteration's queries, dropping the oldest beyond N+1 iterations. */
  private admit(batch: QueryBatch): Block {
    const { values } = batch;
    const k = values.length;
    let sum = 0;
    for (let i = 0; i < k; i++) sum += values[i];
    const evicted = this.blocks.length > this.histories ? this.blocks.shift()! : null;
    const block: Block = {
      iteration: batch.iteration,
      seeds: batch.seeds.slice(),
      values: values.slice(),
      sum,
      center: sum / k,
      weighted: null,
      plain: null,
    };
    if (this.storeVectors) {
      const d = this.dimension;
      const weighted = evicted?.weighted ?? new Float64Array(d);
      const plain = evicted?.plain ?? new Float64Array(d);
      const advantages = values.map((y) => y - block.center);
      const { points, firstRow, theta, inverseMu } = batch;
      for (let i = 0; i < d; i++) {
        const origin = theta[i];
        let a = 0;
        let b = 0;
        for (let q = 0; q < k; q++) {
          const u = (points[(firstRow + q) * d + i] - origin) * inverseMu;
          a += advantages[q] * u;
          b += u;
        }
        weighted[i] = a;
        plain[i] = b;
      }
      block.weighted = weighted;
      block.plain = plain;
    }
    this.blocks.push(block);
    return block;
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

  snapshot() {
    return {
      baseline: this.baseline,
      scale: this.scale,
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
      weighted: b.weighted ? Float64Array.from(b.weighted) : null,
      plain: b.plain ? Float64Array.from(b.plain) : null,
    }));
  }
}
