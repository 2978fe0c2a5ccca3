// Averaging of successive gradient estimates (ALGORITHMS.md, estimator 4):
// "mean" keeps the last N+1 estimates and returns their mean (ZoHS; with
// central differences, the antithetic ZoAR); "ema" returns
// decay * previous + (1 - decay) * estimate, starting from the first estimate.
import type { HistoryKind } from "./config";
import { norm2 } from "./vector";

export interface HistoryState {
  /** Past estimates, oldest first ("mean"), or the running average ("ema"). */
  estimates: Float64Array[];
  iterations: number[];
}

export class EstimateHistory {
  private state: HistoryState = { estimates: [], iterations: [] };

  constructor(
    private readonly kind: HistoryKind,
    private readonly window: number,
    private readonly decay: number,
  ) {}

  /** Replace g (this iteration's estimate) by the averaged estimate. */
  apply(g: Float64Array, iteration: number): void {
    const { estimates, iterations } = this.state;
    if (this.kind === "none") return;
    const d = g.length;
    if (this.kind === "ema") {
      if (estimates.length === 0) {
        estimates.push(g.slice());
        iterations.push(iteration);
        return;
      }
      const average = estimates[0];
      const decay = this.decay;
      for (let i = 0; i < d; i++) g[i] = average[i] = decay * average[i] + (1 - decay) * g[i];
      iterations[0] = iteration;
      return;
    }
    let slot: Float64Array;
    if (estimates.length >= this.window) {
      slot = estimates.shift()!;
      iterations.shift();
    } else {
      slot = new Float64Array(d);
    }
    slot.set(g);
    estimates.push(slot);
    iterations.push(iteration);
    g.fill(0);
    for (const e of estimates) for (let i = 0; i < d; i++) g[i] += e[i];
    const inverse = 1 / estimates.length;
    for (let i = 0; i < d; i++) g[i] *= inverse;
  }

  /** Iterations whose estimates are held, with each estimate's norm. */
  held(): { iteration: number; norm: number }[] {
    return this.state.estimates.map((e, i) => ({ iteration: this.state.iterations[i], norm: norm2(e) }));
  }

  snapshot(): HistoryState {
    return { estimates: this.state.estimates.map((e) => e.slice()), iterations: this.state.iterations.slice() };
  }

  restore(state: HistoryState): void {
    this.state = { estimates: state.estimates.map((e) => Float64Array.from(e)), iterations: state.iterations.slice() };
  }
}
