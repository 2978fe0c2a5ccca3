// Single-iteration forward-difference estimators:
//   vanilla: g = 1/(K mu) * sum_k (y_k - f(theta)) u_k
//   average: g = 1/(K mu) * sum_k (y_k - mean(y)) u_k   (ZoAR-0; REINFORCE with mean baseline)
import type { Vector } from "../precision";
import { addWeightedDirections, mean } from "../vector";
import { type BatchRecord, copyRecord, recordBatch } from "./record";
import type { BufferEntry, DirectionCombination, GradientEstimator, QueryBatch } from "./types";

export class ForwardEstimator implements GradientEstimator {
  private last: BatchRecord | null = null;
  private advantages = new Float64Array(0);
  private weights = new Float64Array(0);

  constructor(
    private readonly baselineKind: "center" | "average",
    /** Multiplies sum(advantage * u): 1/(K mu), times d for the paper form. */
    private readonly scale: number,
  ) {}

  estimate(batch: QueryBatch, g: Vector): number {
    const { values } = batch;
    const baseline = this.baselineKind === "center" ? batch.center : mean(values);
    if (this.advantages.length !== values.length) this.advantages = new Float64Array(values.length);
    const advantages = this.advantages;
    for (let k = 0; k < values.length; k++) advantages[k] = values[k] - baseline;
    g.fill(0);
    addWeightedDirections(g, advantages, values.length, batch);
    const scale = this.scale;
    for (let i = 0; i < g.length; i++) g[i] *= scale;
    this.last = recordBatch(batch, baseline);
    return baseline;
  }

  entries(currentIteration: number): BufferEntry[] {
    const last = this.last;
    if (!last) return [];
    return Array.from(last.values, (value, query) => ({
      iteration: last.iteration,
      query,
      seed: last.seeds[query],
      value,
      advantage: value - last.baseline,
      weight: (value - last.baseline) * this.scale,
      age: currentIteration - last.iteration,
    }));
  }

  combination(): DirectionCombination | null {
    const last = this.last;
    if (!last) return null;
    if (this.weights.length !== this.advantages.length) this.weights = new Float64Array(this.advantages.length);
    for (let k = 0; k < this.weights.length; k++) this.weights[k] = this.advantages[k] * this.scale;
    return { seeds: last.seeds, weights: this.weights };
  }

  snapshot() {
    return { last: copyRecord(this.last) };
  }

  restore(state: Record<string, unknown>): void {
    this.last = copyRecord(state.last as BatchRecord | null);
  }
}
