// How an asked batch was built, for evaluators that ship theta and seeds
// instead of K x d numbers (distributed workers rebuild each row). A row is
// a pure function of (theta, mu, sampler, its kind and direction seed), and
// `QueryRowBuilder` writes it exactly as `ZerothOrderOptimizer.ask` does:
// same generator, same operations in the same order, so the same bits.
import type { SamplerKind } from "./config";
import { makeDirectionSource } from "./samplers";

/** centre: theta itself; forward: theta + mu u; plus / minus: theta +/- mu z of an antithetic pair. */
export type QueryRowKind = "center" | "forward" | "plus" | "minus";

export interface QueryRecipe {
  iteration: number;
  dimension: number;
  sampler: SamplerKind;
  mu: number;
  /** theta of the asked iteration: a view of the optimizer's own, valid (and not to be written) until `tell`. */
  theta: Float64Array;
  /** Per row of the batch, in row order. */
  kinds: QueryRowKind[];
  /** Per row, the direction seed (directionSeed(seed, iteration, k)); 0 for the centre. */
  seeds: Uint32Array;
}

/** Writes one query row of a recipe; holds its own generator, so keep one per thread. */
export class QueryRowBuilder {
  private readonly direction: ReturnType<typeof makeDirectionSource>;

  constructor(
    readonly sampler: SamplerKind,
    readonly dimension: number,
  ) {
    this.direction = makeDirectionSource(sampler, dimension);
  }

  /** Writes the row of `kind` and direction `seed` to out[offset .. offset + d). */
  build(theta: Float64Array, mu: number, kind: QueryRowKind, seed: number, out: Float64Array, offset = 0): void {
    const d = this.dimension;
    if (theta.length !== d) throw new RangeError(`theta has ${theta.length} numbers, the recipe's dimension is ${d}`);
    switch (kind) {
      case "center":
        out.set(theta, offset);
        return;
      case "forward":
        this.direction(seed, out, offset, theta, mu);
        return;
      case "plus":
      case "minus": {
        // ask() draws z into a row, then writes theta + mu z and theta - mu z from it.
        this.direction(seed, out, offset);
        if (kind === "plus") for (let i = 0; i < d; i++) out[offset + i] = theta[i] + mu * out[offset + i];
        else for (let i = 0; i < d; i++) out[offset + i] = theta[i] - mu * out[offset + i];
        return;
      }
    }
  }
}
