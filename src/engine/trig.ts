// sin^2 and cos for the bench's functions, several times cheaper than
// Math.sin / Math.cos in a loop over d coordinates and within a few ulps of
// them: x is reduced by pi/2 (Cody-Waite, pi/2 in two parts, exact for the
// multiples involved), and the remainder r in [-pi/4, pi/4] goes through
// fdlibm's sin and cos polynomials (error below 2^-58 on that interval). The
// quadrant is applied arithmetically, not by a branch: it is random from one
// coordinate to the next and a branch would mispredict half the time.
// Arguments beyond REDUCTION_LIMIT, where the two-part reduction loses
// accuracy, take Math.sin / Math.cos.

const TWO_OVER_PI = 0.6366197723675814;
/** pi/2 = PIO2_HIGH + PIO2_LOW, PIO2_HIGH with 33 significant bits (fdlibm's pio2_1, pio2_1t). */
const PIO2_HIGH = 1.5707963267341256;
const PIO2_LOW = 6.077100506506192e-11;
/** |x| below this keeps n PIO2_HIGH exact (|n| < 2^20). */
const REDUCTION_LIMIT = 1.6e6;
/** Adding and removing 1.5 * 2^52 rounds a double to the nearest integer. */
const ROUNDER = 6755399441055744;

const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;

const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;

/** sin(x)^2. */
export function sinSquared(x: number): number {
  if (!(Math.abs(x) < REDUCTION_LIMIT)) {
    const s = Math.sin(x);
    return s * s;
  }
  const n = x * TWO_OVER_PI + ROUNDER - ROUNDER;
  const r = x - n * PIO2_HIGH - n * PIO2_LOW;
  const z = r * r;
  const s = r + r * z * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))));
  const s2 = s * s;
  // An odd quadrant swaps sin^2 and cos^2 = 1 - sin^2.
  const odd = n & 1;
  return s2 + odd * (1 - 2 * s2);
}

/** cos(x). */
export function cosine(x: number): number {
  if (!(Math.abs(x) < REDUCTION_LIMIT)) return Math.cos(x);
  const n = x * TWO_OVER_PI + ROUNDER - ROUNDER;
  const r = x - n * PIO2_HIGH - n * PIO2_LOW;
  const z = r * r;
  const s = r + r * z * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))));
  const c = 1 - 0.5 * z + z * z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  // cos(r + n pi/2) is c, -s, -c, s for n = 0, 1, 2, 3 (mod 4).
  const quadrant = n & 3;
  const odd = quadrant & 1;
  const sign = 1 - (quadrant & 2);
  return sign * (c + odd * (-s - c));
}
