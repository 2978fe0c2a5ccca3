// Central differences over antithetic pairs (SPSA, MeZO):
//   g = 1/(2 K mu) * sum_k (f(theta + mu z_k) - f(theta - mu z_k)) z_k.
// As a buffer, each pair is two queries with directions +z and -z; their mean
// is the baseline, which cancels exactly.
import type { Vector } from "../precision";
import { addWeightedDirections } from "../vector";
import { type BatchRecord, copyRecord, recordBatch } from "./record";
import type { BufferEntry, DirectionCombination, GradientEstimator, QueryBatch } from "./types";

export class CentralEstimator implements GradientEstimator {
  private last: BatchRecord | null = null;
  private differences = new Float64Array(0);
  private weights = new Float64Array(0);

  /** scale = factor / (2 K mu): weight of each query's advantage. */
  constructor(private readonly scale: number) {}

  estimate(batch: QueryBatch, g: Vector): number {
    const { values } = batch;
    const pairs = batch.seeds.length;
    if (this.differences.length !== pairs) this.differences = new Float64Array(pairs);
    let sum = 0;
    for (let k = 0; k < pairs; k++) {
      this.differences[k] = values[2 * k] - values[2 * k + 1];
      sum += values[2 * k] + values[2 * k + 1];
    }
    // Rows alternate +z, -z: the + rows (stride 2) carry the directions.
    g.fill(0);
    addWeightedDirections(g, this.differences, pairs, batch);
    const d = g.length;
    const scale = this.scale;
    for (let i = 0; i < d; i++) g[i] *= scale;
    const baseline = sum / values.length;
    this.last = recordBatch(batch, baseline);
    return baseline;
  }

  entries(currentIteration: number): BufferEntry[] {
    const last = this.last;
    if (!last) return [];
    return Array.from(last.values, (value, query) => {
      const pairMean = (last.values[query & ~1] + last.values[query | 1]) / 2;
      const advantage = value - pairMean;
      return { iteration: last.iteration, query, seed: last.seeds[query >> 1], value, advantage, weight: advantage * this.scale, age: currentIteration - last.iteration };
    });
  }

  combination(): DirectionCombination | null {
    const last = this.last;
    if (!last) return null;
    if (this.weights.length !== this.differences.length) this.weights = new Float64Array(this.differences.length);
    for (let k = 0; k < this.weights.length; k++) this.weights[k] = this.differences[k] * this.scale;
    return { seeds: last.seeds, weights: this.weights };
  }

  snapshot() {
    return { last: copyRecord(this.last) };
  }

  restore(state: Record<string, unknown>): void {
    this.last = copyRecord(state.last as BatchRecord | null);
  }
}
