// Direction samplers: u ~ N(0, I) or uniform on the unit sphere. A direction
// is a pure function of its seed (random.ts), so callers may regenerate it.
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
