// Direction samplers: u ~ N(0, I) or uniform on the unit sphere. A direction
// is a pure function of its seed (random.ts), so callers may regenerate it.
//
// The direction of query k at iteration t of a run seeded with s is
//   makeDirectionSource(sampler, d)(directionSeed(s, t, k), out, offset)
// and the query row written by `ask` is theta + mu * u (for antithetic pairs,
// theta + mu * u then theta - mu * u). Both functions are stable: workers
// rebuild query points from (theta, seed, iteration, query) with them.
import type { SamplerKind } from "./config";
import type { DirectionSource } from "./estimators/types";
import { Rng } from "./random";

export function makeDirectionSource(kind: SamplerKind, dimension: number): DirectionSource {
  const rng = new Rng(0);
  if (kind === "gaussian") {
    return (seed, out, offset, shift, scale = 1) => {
      rng.reseed(seed);
      rng.fillNormal(out, offset, dimension, shift ?? null, scale);
    };
  }
  return (seed, out, offset, shift, scale = 1) => {
    rng.reseed(seed);
    rng.fillNormal(out, offset, dimension);
    let sum = 0;
    for (let i = offset; i < offset + dimension; i++) sum += out[i] * out[i];
    const inverse = 1 / Math.sqrt(sum);
    for (let i = offset; i < offset + dimension; i++) out[i] *= inverse;
    if (shift) for (let i = 0; i < dimension; i++) out[offset + i] = shift[i] + scale * out[offset + i];
  };
}

/**
 * Several directions regenerated side by side, a run of coordinates at a
 * time, so a pass over d coordinates can combine K directions without K
 * vectors of d numbers. Coordinates come out exactly as makeDirectionSource
 * writes them.
 */
export interface DirectionStreams {
  /** Restart stream j on direction `seeds[j]`, for j < seeds.length. */
  start(seeds: ArrayLike<number>): void;
  /** Write the next `length` coordinates of stream j to out[offset ..). Calls for one stream go in coordinate order. */
  next(stream: number, out: Float64Array, offset: number, length: number): void;
}

export function makeDirectionStreams(kind: SamplerKind, dimension: number): DirectionStreams {
  const rngs: Rng[] = [];
  /** Per stream, 1 / ||u|| for the sphere (the norm takes one pass of its own). */
  let inverseNorms = new Float64Array(0);
  let scratch = new Float64Array(0);
  return {
    start(seeds) {
      while (rngs.length < seeds.length) rngs.push(new Rng(0));
      if (inverseNorms.length < seeds.length) inverseNorms = new Float64Array(seeds.length);
      for (let j = 0; j < seeds.length; j++) {
        const rng = rngs[j];
        rng.reseed(seeds[j]);
        if (kind === "gaussian") continue;
        // Sum of squares in coordinate order, as makeDirectionSource sums it.
        const tile = Math.min(dimension, 4096);
        if (scratch.length < tile) scratch = new Float64Array(tile);
        let sum = 0;
        for (let from = 0; from < dimension; from += tile) {
          const length = Math.min(tile, dimension - from);
          rng.fillNormal(scratch, 0, length);
          for (let i = 0; i < length; i++) sum += scratch[i] * scratch[i];
        }
        inverseNorms[j] = 1 / Math.sqrt(sum);
        rng.reseed(seeds[j]);
      }
    },
    next(stream, out, offset, length) {
      rngs[stream].fillNormal(out, offset, length);
      if (kind === "gaussian") return;
      const inverse = inverseNorms[stream];
      for (let i = offset; i < offset + length; i++) out[i] *= inverse;
    },
  };
}
