// Seeded randomness. Every perturbation is a pure function of
// (seed, iteration, query index): a direction can be regenerated at any time
// from three integers, so the history buffer may keep seeds instead of vectors
// and a restored run draws exactly what the original would have drawn.

/** Finaliser of MurmurHash3: a bijective avalanche on 32-bit integers. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The 32-bit seed of direction `index` drawn at `iteration` of a run seeded with `seed`. */
export function directionSeed(seed: number, iteration: number, index: number): number {
  let h = mix32((seed >>> 0) ^ 0x5bd1e995);
  h = mix32(h ^ Math.imul(iteration >>> 0, 0x9e3779b1));
  h = mix32(h ^ Math.imul((index >>> 0) + 1, 0x85ebca77));
  return h;
}

/** Seed of the stream used for the initial point (kept apart from every direction stream). */
export function initialPointSeed(seed: number): number {
  return directionSeed(seed, 0xffffffff, 0xffffffff);
}

// Ziggurat tables for the standard normal (Marsaglia & Tsang, 2000; 128 layers).
const ZIGGURAT_R = 3.442619855899;
const kn = new Int32Array(128); // integer thresholds, as in the original (all below 2^31)
const wn = new Float64Array(128);
const fn = new Float64Array(128);
(function buildZigguratTables() {
  const m1 = 2147483648.0;
  const vn = 9.91256303526217e-3;
  let dn = ZIGGURAT_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * m1;
  kn[1] = 0;
  wn[0] = q / m1;
  wn[127] = dn / m1;
  fn[0] = 1.0;
  fn[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2.0 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * m1;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / m1;
  }
})();

// The slow path's wedge test, y < exp(-x^2 / 2), decided where possible by
// bounds of the density on the layer's wedge [a, b]: on a concave piece
// (b <= 1) the chord lies below the density and the tangents above; on a
// convex piece (a >= 1) the other way round. Outside a margin far wider than
// any rounding (and than the wedge's reach past a, one hz step) the bound
// gives the exp test's own answer; inside it, or on the piece holding 1,
// exp decides. Same draws, most exp calls saved.
const WEDGE_MARGIN = 1e-7;
const wedgeLeft = new Float64Array(128);
const wedgeRight = new Float64Array(128);
const wedgeSlope = new Float64Array(128);
/** 1: convex piece, -1: concave piece, 0: exp decides. */
const wedgeShape = new Int8Array(128);
(function buildWedgeBounds() {
  for (let i = 1; i < 128; i++) {
    const a = i === 1 ? 0 : wn[i - 1] * 2147483648.0;
    const b = wn[i] * 2147483648.0;
    wedgeLeft[i] = a;
    wedgeRight[i] = b;
    wedgeSlope[i] = (fn[i] - fn[i - 1]) / (b - a);
    wedgeShape[i] = a >= 1 ? 1 : b <= 1 ? -1 : 0;
  }
})();

/**
 * The ziggurat's tables and constants, read by the WebAssembly kernel
 * (kernels/normals.ts) so that both paths draw with the very same numbers.
 */
export const zigguratTables = { r: ZIGGURAT_R, margin: WEDGE_MARGIN, kn, wn, fn, wedgeLeft, wedgeRight, wedgeSlope, wedgeShape } as const;

/** Whether y < exp(-x^2 / 2), for x in the wedge of layer iz >= 1. */
function underDensity(iz: number, x: number, y: number): boolean {
  const shape = wedgeShape[iz];
  if (shape !== 0) {
    const ax = Math.abs(x);
    const a = wedgeLeft[iz];
    const b = wedgeRight[iz];
    const chord = fn[iz - 1] + (ax - a) * wedgeSlope[iz];
    const tangentA = fn[iz - 1] * (1 - a * (ax - a));
    const tangentB = fn[iz] * (1 - b * (ax - b));
    if (shape > 0) {
      if (y > chord + WEDGE_MARGIN) return false;
      if (y < Math.max(tangentA, tangentB) - WEDGE_MARGIN) return true;
    } else {
      if (y < chord - WEDGE_MARGIN) return true;
      if (y > Math.min(tangentA, tangentB) + WEDGE_MARGIN) return false;
    }
  }
  return y < Math.exp(-0.5 * x * x);
}

/**
 * The xoshiro128** state words s0..s3 of the stream seeded with `seed`, as
 * Rng.reseed sets them, written to out[offset + i * stride].
 */
export function seedState(seed: number, out: Int32Array, offset: number, stride: number): void {
  let x = seed >>> 0;
  let any = 0;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    const word = mix32(x);
    out[offset + i * stride] = word;
    any |= word;
  }
  if (any === 0) out[offset] = 1;
}

/** xoshiro128** (Blackman & Vigna): fast, 2^128 - 1 period, 32-bit arithmetic only. */
export class Rng {
  // State s0..s3 in an Int32Array, not in fields: V8 keeps a field holding a
  // 32-bit value beyond the small-integer range as a boxed double, and the
  // hot loop then runs on doubles. Slot 4 carries a slow-path draw.
  private readonly state = new Int32Array(5);
  private readonly tailValue = new Float64Array(1);

  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Restart the stream from a 32-bit seed (state filled by splitmix32). */
  reseed(seed: number): void {
    seedState(seed, this.state, 0, 1);
  }

  /** Next 32-bit value as a signed integer. */
  nextInt32(): number {
    const state = this.state;
    const s1 = state[1];
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    state[2] ^= state[0];
    state[3] ^= s1;
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= t;
    state[3] = rotl(state[3], 11);
    return result;
  }

  /** Uniform in the open interval (0, 1). */
  uniform(): number {
    return ((this.nextInt32() >>> 0) + 0.5) * 2.3283064365386963e-10;
  }

  /** Standard normal draw (ziggurat; about 97% of draws take the fast path). */
  normal(): number {
    const hz = this.nextInt32();
    const iz = hz & 127;
    if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
    this.state[4] = hz;
    this.normalTail(iz);
    return this.tailValue[0];
  }

  /**
   * Fill out[offset .. offset+length) with standard normal draws z, or, given
   * `shift`, with shift[i] + scale * z_i: a query point written in the same
   * pass that draws its direction.
   */
  fillNormal(out: Float64Array | Float32Array, offset: number, length: number, shift: Float64Array | Float32Array | null = null, scale = 1): void {
    // State and tables live in locals for the hot loop; the state goes back
    // to its array around the rare slow path. Without a shift the draw is
    // stored as it is (no array of zeros to read: at d = 10^7 it would be 80 MB).
    const state = this.state;
    let s0 = state[0];
    let s1 = state[1];
    let s2 = state[2];
    let s3 = state[3];
    const thresholds = kn;
    const widths = wn;
    let j = 0;
    for (;;) {
      // The fast loop makes no call, so V8 keeps its state in registers; it
      // leaves at the end or at a slow-path draw, handled below.
      let hz = 0;
      let iz = 0;
      for (; j < length; j++) {
        const m = Math.imul(s1, 5);
        hz = Math.imul((m << 7) | (m >>> 25), 9);
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        iz = hz & 127;
        const sign = hz >> 31;
        // Branch-free |hz|: a branch on the random sign mispredicts half the time.
        if ((hz ^ sign) - sign >= thresholds[iz]) break;
        const z = hz * widths[iz];
        out[offset + j] = shift === null ? z : shift[j] + scale * z;
      }
      if (j === length) break;
      state[0] = s0;
      state[1] = s1;
      state[2] = s2;
      state[3] = s3;
      state[4] = hz;
      this.normalTail(iz);
      const z = this.tailValue[0];
      out[offset + j] = shift === null ? z : shift[j] + scale * z;
      s0 = state[0];
      s1 = state[1];
      s2 = state[2];
      s3 = state[3];
      j++;
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
  }

  /** The ziggurat's slow path for the draw in state[4]; the result goes to tailValue[0]. */
  private normalTail(iz: number): void {
    let hz = this.state[4];
    for (;;) {
      if (iz === 0) {
        let x: number;
        let y: number;
        do {
          x = -Math.log(this.uniform()) / ZIGGURAT_R;
          y = -Math.log(this.uniform());
        } while (y + y < x * x);
        this.tailValue[0] = hz > 0 ? ZIGGURAT_R + x : -ZIGGURAT_R - x;
        return;
      }
      const x = hz * wn[iz];
      if (underDensity(iz, x, fn[iz] + this.uniform() * (fn[iz - 1] - fn[iz]))) {
        this.tailValue[0] = x;
        return;
      }
      hz = this.nextInt32();
      iz = hz & 127;
      if (Math.abs(hz) < kn[iz]) {
        this.tailValue[0] = hz * wn[iz];
        return;
      }
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
