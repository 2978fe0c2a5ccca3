// Token id lists as the port's dense inputs: ids [batch, tokens] and mask
// [batch, tokens], as wide as the longest text, clipped at MAX_TOKENS as the
// original model clips.
import { MAX_TOKENS } from "./useLite";

export interface TokenBatch {
  ids: BigInt64Array;
  mask: Float32Array;
  dims: [number, number];
}

export function tokenBatch(encoded: readonly ArrayLike<number>[]): TokenBatch {
  const width = Math.max(1, ...encoded.map((e) => Math.min(e.length, MAX_TOKENS)));
  const ids = new BigInt64Array(encoded.length * width);
  const mask = new Float32Array(encoded.length * width);
  encoded.forEach((tokens, row) => {
    const count = Math.min(tokens.length, MAX_TOKENS);
    for (let j = 0; j < count; j++) {
      ids[row * width + j] = BigInt(tokens[j]);
      mask[row * width + j] = 1;
    }
  });
  return { ids, mask, dims: [encoded.length, width] };
}
