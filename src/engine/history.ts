// Averaging of successive gradient estimates (ALGORITHMS.md, estimator 4):
// "mean" keeps the last W = N+1 estimates and returns their mean (ZoHS; with
// central differences, the antithetic ZoAR); "ema" returns
// decay * previous + (1 - decay) * estimate, starting from the first estimate.
//
// "mean" keeps a running sum of the window: each iteration adds the newest
// estimate and removes the oldest in one pass, O(d) whatever N. The oldest
// estimate is either stored as a vector, or, for an estimate that is one
// iteration's combination of directions, g = sum_k w_k u(seed_k), kept as its
// K seeds and weights and regenerated a tile at a time: O(d) memory whatever
// N. An exact recomputation every `recomputeEvery` iterations wipes the
// rounding of the additions and removals.
import type { HistoryKind, SamplerKind } from "./config";
import { type Precision, type Vector, vectorFrom, zeros } from "./precision";
import { recomputePeriod } from "./estimators/zoar";
import type { DirectionCombination } from "./estimators/types";
import { sumTileDirections } from "./row-sums";
import { TILE, TiledDirections } from "./tiles";
import { norm2 } from "./vector";

/** One held estimate: as a vector, or as the combination of directions it was. */
export interface HeldEstimate {
  iteration: number;
  norm: number;
  vector: Vector | null;
  seeds: Uint32Array | null;
  weights: Float64Array | null;
}

export interface HistoryState {
  /** "mean": the held estimates, oldest first; "ema": one entry holding the running average. */
  held: HeldEstimate[];
  /** "mean": the sum of the held estimates. */
  sum: Vector;
  /** Iterations left before the sum is next computed from scratch. */
  untilExact: number;
}

export class EstimateHistory {
  private held: HeldEstimate[] = [];
  private readonly sum: Vector;
  private untilExact = 0;
  private readonly recomputeEvery: number;
  private readonly tiles: TiledDirections;
  private readonly oldTile = new Float64Array(TILE);
  /** The plain sums sumTileDirections forms alongside; unused here. */
  private readonly plainTile = new Float64Array(TILE);

  constructor(
    private readonly kind: HistoryKind,
    private readonly window: number,
    private readonly decay: number,
    private readonly dimension: number,
    sampler: SamplerKind,
    /** Keep estimates as vectors even when they could be regenerated from seeds. */
    private readonly storeVectors: boolean,
    /** Of the sum and the stored estimates. */
    private readonly precision: Precision,
  ) {
    this.sum = zeros(precision, kind === "mean" && window > 1 ? dimension : 0);
    this.recomputeEvery = recomputePeriod(window);
    this.tiles = new TiledDirections(sampler, dimension);
  }

  /**
   * Replace g (this iteration's estimate) by the averaged estimate.
   * `combination`, when given, is g as sum_k w_k u(seed_k).
   */
  apply(g: Vector, iteration: number, combination: DirectionCombination | null): void {
    if (this.kind === "none") return;
    const d = g.length;
    if (this.kind === "ema") {
      if (this.held.length === 0) {
        this.held.push({ iteration, norm: norm2(g), vector: g.slice(), seeds: null, weights: null });
        return;
      }
      const entry = this.held[0];
      const average = entry.vector!;
      const decay = this.decay;
      for (let i = 0; i < d; i++) g[i] = average[i] = decay * average[i] + (1 - decay) * g[i];
      entry.iteration = iteration;
      entry.norm = norm2(average);
      return;
    }
    if (this.window === 1) {
      this.held = [{ iteration, norm: norm2(g), vector: null, seeds: null, weights: null }];
      return;
    }
    const evicted = this.held.length >= this.window ? this.held.shift()! : null;
    const asVector = this.storeVectors || combination === null;
    const entry: HeldEstimate = {
      iteration,
      norm: 0,
      vector: asVector ? (evicted?.vector ?? zeros(this.precision, d)) : null,
      seeds: asVector ? null : combination.seeds.slice(),
      weights: asVector ? null : combination.weights.slice(),
    };
    this.held.push(entry);
    if (this.untilExact <= 0) {
      this.sum.fill(0);
      for (let s = 0; s < this.held.length - 1; s++) this.addHeld(this.held[s]);
      this.untilExact = this.recomputeEvery;
      this.advance(g, entry, null);
    } else {
      this.advance(g, entry, evicted);
    }
    this.untilExact--;
  }

  /** The one pass of an iteration: sum += g - evicted, g = sum / W, the newest stored as needed. */
  private advance(g: Vector, entry: HeldEstimate, evicted: HeldEstimate | null): void {
    const d = this.dimension;
    const sum = this.sum;
    const inverse = 1 / this.held.length;
    const stored = entry.vector;
    const oldVector = evicted?.vector ?? null;
    const regenerated = evicted !== null && oldVector === null;
    const oldWeights = regenerated ? evicted.weights! : null;
    const oldCount = oldWeights?.length ?? 0;
    const scratch = regenerated ? this.tiles.start(evicted.seeds!) : this.oldTile;
    // The evicted estimate over one tile, gathered first so the main loop has no branch on its storage.
    const old = this.oldTile;
    if (evicted === null) old.fill(0);
    let squares = 0;
    for (let from = 0; from < d; from += TILE) {
      const to = Math.min(d, from + TILE);
      const length = to - from;
      if (oldWeights !== null) {
        this.tiles.draw(oldCount, length);
        sumTileDirections(old, this.plainTile, oldWeights, oldCount, scratch, TILE, length);
      } else if (oldVector !== null) {
        old.set(oldVector.subarray(from, to));
      }
      for (let i = from, j = 0; i < to; i++, j++) {
        const gi = g[i];
        squares += gi * gi;
        // The newest estimate may reuse the evicted one's vector: it was read above.
        if (stored !== null) stored[i] = gi;
        const s = sum[i] - old[j] + gi;
        sum[i] = s;
        g[i] = s * inverse;
      }
    }
    entry.norm = Math.sqrt(squares);
  }

  /** sum += a held estimate. */
  private addHeld(entry: HeldEstimate): void {
    const d = this.dimension;
    const sum = this.sum;
    if (entry.vector !== null) {
      const vector = entry.vector;
      for (let i = 0; i < d; i++) sum[i] += vector[i];
      return;
    }
    const weights = entry.weights!;
    const k = weights.length;
    const scratch = this.tiles.start(entry.seeds!);
    const x = this.oldTile;
    for (let from = 0; from < d; from += TILE) {
      const to = Math.min(d, from + TILE);
      this.tiles.draw(k, to - from);
      sumTileDirections(x, this.plainTile, weights, k, scratch, TILE, to - from);
      for (let i = from, j = 0; i < to; i++, j++) sum[i] += x[j];
    }
  }

  /** Iterations whose estimates are held, with each estimate's norm. */
  heldEstimates(): { iteration: number; norm: number }[] {
    return this.held.map((e) => ({ iteration: e.iteration, norm: e.norm }));
  }

  snapshot(): HistoryState {
    return { held: this.held.map((e) => copyHeld(e, this.precision)), sum: this.sum.slice(), untilExact: this.untilExact };
  }

  restore(state: HistoryState | LegacyHistoryState): void {
    if ("estimates" in state) {
      // Snapshots from before the running sums held every estimate as a vector.
      this.held = state.estimates.map((e, i) => {
        const vector = vectorFrom(this.precision, e);
        return { iteration: state.iterations[i], norm: norm2(vector), vector, seeds: null, weights: null };
      });
      this.untilExact = 0;
      return;
    }
    this.held = state.held.map((e) => copyHeld(e, this.precision));
    if (state.sum.length === this.sum.length) {
      this.sum.set(state.sum);
      this.untilExact = state.untilExact;
    } else {
      this.untilExact = 0;
    }
  }
}

/** The history state of snapshots written before the running sums. */
interface LegacyHistoryState {
  estimates: ArrayLike<number>[];
  iterations: number[];
}

/** Deep copy; turns plain arrays from a deserialised snapshot back into typed arrays. */
function copyHeld(e: HeldEstimate, precision: Precision): HeldEstimate {
  return {
    iteration: e.iteration,
    norm: e.norm,
    vector: e.vector ? vectorFrom(precision, e.vector) : null,
    seeds: e.seeds ? Uint32Array.from(e.seeds) : null,
    weights: e.weights ? Float64Array.from(e.weights) : null,
  };
}
