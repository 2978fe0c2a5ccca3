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

/** xoshiro128** (Blackman & Vigna): fast, 2^128 - 1 period, 32-bit arithmetic only. */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  // The slow path's argument and result travel through fields: a full 32-bit
  // integer or a double passed to or returned from a call that V8 does not
  // inline is boxed on the heap, which made every slow-path draw cost ~100 ns.
  private tailHz = 0;
  private tailValue = 0;

  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Restart the stream from a 32-bit seed (state filled by splitmix32). */
  reseed(seed: number): void {
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      return mix32(x);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit value as a signed integer. */
  nextInt32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result | 0;
  }

  /** Uniform in the open interval (0, 1). */
  uniform(): number {
    return ((this.nextInt32() >>> 0) + 0.5) * 2.3283064365386963e-10;
  }

  /** Standard normal draw (ziggurat; about 99% of draws take the fast path). */
  normal(): number {
    const hz = this.nextInt32();
    const iz = hz & 127;
    if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
    this.tailHz = hz;
    this.normalTail(iz);
    return this.tailValue;
  }

  /**
   * Fill out[offset .. offset+length) with standard normal draws z, or, given
   * `shift`, with shift[i] + scale * z_i: a query point written in the same
   * pass that draws its direction.
   */
  fillNormal(out: Float64Array, offset: number, length: number, shift: Float64Array | null = null, scale = 1): void {
    // The generator state lives in locals for the hot loop (about 3x faster
    // than field access); it is written back around the rare slow path.
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    const end = offset + length;
    for (let i = offset; i < end; i++) {
      const hz = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const iz = hz & 127;
      const sign = hz >> 31;
      // Branch-free |hz|: a branch on the random sign mispredicts half the time.
      let z: number;
      if ((hz ^ sign) - sign < kn[iz]) {
        z = hz * wn[iz];
      } else {
        this.s0 = s0;
        this.s1 = s1;
        this.s2 = s2;
        this.s3 = s3;
        this.tailHz = hz;
        this.normalTail(iz);
        z = this.tailValue;
        s0 = this.s0;
        s1 = this.s1;
        s2 = this.s2;
        s3 = this.s3;
      }
      out[i] = shift === null ? z : shift[i - offset] + scale * z;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** The ziggurat's slow path for the draw in `tailHz`; the result goes to `tailValue`. */
  private normalTail(iz: number): void {
    let hz = this.tailHz;
    for (;;) {
      if (iz === 0) {
        let x: number;
        let y: number;
        do {
          x = -Math.log(this.uniform()) / ZIGGURAT_R;
          y = -Math.log(this.uniform());
        } while (y + y < x * x);
        this.tailValue = hz > 0 ? ZIGGURAT_R + x : -ZIGGURAT_R - x;
        return;
      }
      const x = hz * wn[iz];
      if (fn[iz] + this.uniform() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) {
        this.tailValue = x;
        return;
      }
      hz = this.nextInt32();
      iz = hz & 127;
      if (Math.abs(hz) < kn[iz]) {
        this.tailValue = hz * wn[iz];
        return;
      }
    }
  }

}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
