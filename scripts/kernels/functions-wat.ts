// WebAssembly text of the bench functions' kernel (src/engine/kernels/functions.ts):
// the sums over the coordinates of levy, ackley and rastrigin, two f64x2
// pairs (four coordinates) a step. Every term is the same sequence of IEEE
// operations as its JavaScript form in src/engine/function-sums.ts (and the
// same sin^2 / cos as src/engine/trig.ts: the reduction by pi/2 and fdlibm's
// polynomials, the quadrant applied arithmetically), no fused multiply-add,
// no relaxed instructions, so each term has the same bits on any machine.
// Coordinate i is summed into lane i mod 4, the order the JavaScript sums
// follow too: the kernel and the fallback give the same value, bit for bit.
// Arguments where the two-part reduction is not exact (|x| >= 1.6e6, NaN)
// take JavaScript's Math.sin / Math.cos, imported, as trig.ts does.
//
// Memory layout (byte offsets):
//   SUMS   4 v128: the first sum's lanes (0, 1) and (2, 3), then the second sum's
//   TILE_AT  the coordinates, float64 or float32, TILE of them (plus a padding block)
// A call adds `length` coordinates from `at` into the lane sums; the caller
// zeroes them at the start of a row and reads them at its end.

export const SUMS = 0;
export const TILE_AT = 64;
/** Coordinates per tile (a multiple of 4, so a coordinate's lane is its index mod 4 across tiles). */
export const TILE = 4096;

type Element = "f64" | "f32";

/** A double as a wat hex float, bit-exact whatever the parser's decimal rounding. */
export function hexFloat(value: number): string {
  if (value === 0) return Object.is(value, -0) ? "-0x0p+0" : "0x0p+0";
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? "-" : "";
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const mantissa = (bits & ((1n << 52n) - 1n)).toString(16).padStart(13, "0");
  if (exponent === 0) return `${sign}0x0.${mantissa}p-1022`;
  return `${sign}0x1.${mantissa}p${exponent - 1023}`;
}

/**
 * The constant `value` in both lanes: a local of the kernel being written,
 * set once before its loop (a v128.const inside the loop is rebuilt at every
 * step on x64).
 */
let constants = new Map<string, string>();
function splat(value: number): string {
  const bits = hexFloat(value);
  let local = constants.get(bits);
  if (local === undefined) {
    local = `$k${constants.size}`;
    constants.set(bits, local);
  }
  return `(local.get ${local})`;
}

// The constants of src/engine/trig.ts.
const TWO_OVER_PI = 0.6366197723675814;
const PIO2_HIGH = 1.5707963267341256;
const PIO2_LOW = 6.077100506506192e-11;
const REDUCTION_LIMIT = 1.6e6;
const ROUNDER = 6755399441055744;
const S = [-1.66666666666666324348e-1, 8.33333333332248946124e-3, -1.98412698298579493134e-4, 2.75573137070700676789e-6, -2.50507602534068634195e-8, 1.58969099521155010221e-10];
const C = [4.16666666666666019037e-2, -1.38888888888741095749e-3, 2.48015872894767294178e-5, -2.75573143513906633035e-7, 2.0875723212981748279e-9, -1.13596475577881948265e-11];

const get = (name: string) => `(local.get ${name})`;
const add = (a: string, b: string) => `(f64x2.add ${a} ${b})`;
const sub = (a: string, b: string) => `(f64x2.sub ${a} ${b})`;
const mul = (a: string, b: string) => `(f64x2.mul ${a} ${b})`;

/** c0 + z (c1 + z (c2 + ...)) as trig.ts writes it, innermost last coefficient. */
function horner(z: string, coefficients: number[]): string {
  let expression = splat(coefficients[coefficients.length - 1]);
  for (let k = coefficients.length - 2; k >= 0; k--) expression = add(splat(coefficients[k]), mul(z, expression));
  return expression;
}

/**
 * sin(x)^2 or cos(x) of the pair in local `x` into local `out`, as trig.ts
 * computes them; lanes out of the reduction's range from Math.sin / Math.cos.
 * Uses the locals $t $n $r $z $s $c $odd.
 */
function trig(kind: "sinSquared" | "cosine", x: string, out: string): string {
  const lines = [
    // t = x 2/pi + 1.5 2^52: its low mantissa bits are n, the nearest integer, in two's complement.
    `(local.set $t ${add(mul(get(x), splat(TWO_OVER_PI)), splat(ROUNDER))})`,
    `(local.set $n ${sub(get("$t"), splat(ROUNDER))})`,
    `(local.set $r ${sub(sub(get(x), mul(get("$n"), splat(PIO2_HIGH))), mul(get("$n"), splat(PIO2_LOW)))})`,
    `(local.set $z ${mul(get("$r"), get("$r"))})`,
    `(local.set $s ${add(get("$r"), mul(mul(get("$r"), get("$z")), horner(get("$z"), S)))})`,
    // odd: 1.0 where n is odd, 0.0 where even (bit 0 of t, widened to the lane by a compare, and the bits of 1.0).
    `(local.set $odd (v128.and (i64x2.eq (v128.and ${get("$t")} ${splat(5e-324)}) ${splat(5e-324)}) ${splat(1)}))`,
  ];
  if (kind === "sinSquared") {
    // s2 + odd (1 - 2 s2): an odd quadrant swaps sin^2 and cos^2.
    lines.push(`(local.set $s ${mul(get("$s"), get("$s"))})`);
    lines.push(`(local.set ${out} ${add(get("$s"), mul(get("$odd"), sub(splat(1), mul(splat(2), get("$s")))))})`);
  } else {
    lines.push(`(local.set $c ${add(sub(splat(1), mul(splat(0.5), get("$z"))), mul(mul(get("$z"), get("$z")), horner(get("$z"), C)))})`);
    // sign (c + odd (-s - c)), sign = -1 where bit 1 of n is set: flip the sign bit, as multiplying by -1 does.
    lines.push(
      `(local.set ${out} (v128.xor ${add(get("$c"), mul(get("$odd"), sub(`(f64x2.neg ${get("$s")})`, get("$c"))))} (v128.and (i64x2.shl ${get("$t")} (i32.const 62)) ${splat(-0)})))`,
    );
  }
  // !(|x| < 1.6e6): Math's own function for that lane.
  const fallback = (lane: number) =>
    kind === "sinSquared"
      ? `(local.set $m (call $sin (f64x2.extract_lane ${lane} ${get(x)}))) (local.set ${out} (f64x2.replace_lane ${lane} ${get(out)} (f64.mul (local.get $m) (local.get $m))))`
      : `(local.set ${out} (f64x2.replace_lane ${lane} ${get(out)} (call $cos (f64x2.extract_lane ${lane} ${get(x)}))))`;
  lines.push(`(local.set $inRange (i64x2.bitmask (f64x2.lt (f64x2.abs ${get(x)}) ${splat(REDUCTION_LIMIT)})))`);
  lines.push(`(if (i32.ne (local.get $inRange) (i32.const 3))
        (then
          (if (i32.eqz (i32.and (local.get $inRange) (i32.const 1))) (then ${fallback(0)}))
          (if (i32.eqz (i32.and (local.get $inRange) (i32.const 2))) (then ${fallback(1)}))))`);
  return lines.join("\n      ");
}

/** A function's terms of the pair in local `p`, into the locals named by `into` (one per sum). */
interface Terms {
  sums: 1 | 2;
  terms(p: string, into: string[]): string;
}

const TWO_PI = 2 * Math.PI;

const FUNCTIONS: Record<string, Terms> = {
  // (w - 1)^2 (1 + 10 sin^2(pi w + 1)), w = 1 + (x - 1) / 4.
  levy: {
    sums: 1,
    terms: (p, [term]) =>
      [
        `(local.set $w ${add(splat(1), mul(sub(get(p), splat(1)), splat(0.25)))})`,
        `(local.set $arg ${add(mul(splat(Math.PI), get("$w")), splat(1))})`,
        trig("sinSquared", "$arg", "$f"),
        `(local.set $w ${sub(get("$w"), splat(1))})`,
        `(local.set ${term} ${mul(mul(get("$w"), get("$w")), add(splat(1), mul(splat(10), get("$f"))))})`,
      ].join("\n      "),
  },
  // x^2 and cos(2 pi x).
  ackley: {
    sums: 2,
    terms: (p, [square, cosine]) =>
      [`(local.set ${square} ${mul(get(p), get(p))})`, `(local.set $arg ${mul(splat(TWO_PI), get(p))})`, trig("cosine", "$arg", cosine)].join("\n      "),
  },
  // x^2 - 10 cos(2 pi x).
  rastrigin: {
    sums: 1,
    terms: (p, [term]) =>
      [`(local.set $arg ${mul(splat(TWO_PI), get(p))})`, trig("cosine", "$arg", "$f"), `(local.set ${term} ${sub(mul(get(p), get(p)), mul(splat(10), get("$f")))})`].join("\n      "),
  },
};

export const KERNEL_FUNCTIONS = Object.keys(FUNCTIONS);

function load(element: Element, offset: number): string {
  return element === "f64" ? `(v128.load offset=${offset * 8} (local.get $at))` : `(f64x2.promote_low_f32x4 (v128.load64_zero offset=${offset * 4} (local.get $at)))`;
}

/** One exported kernel: add the terms of `length` coordinates at `at` into the lane sums. */
function kernel(name: string, element: Element): string {
  const f = FUNCTIONS[name];
  constants = new Map();
  const bytes = element === "f64" ? 8 : 4;
  // Sum j's lanes (0, 1) in $a{j}01, lanes (2, 3) in $a{j}23; the block's terms in $u{j}01, $u{j}23.
  const sums = Array.from({ length: f.sums }, (_, j) => j);
  const block = (masked: boolean) =>
    [
      `(local.set $p01 ${load(element, 0)})`,
      `(local.set $p23 ${load(element, 2)})`,
      f.terms(
        "$p01",
        sums.map((j) => `$u${j}01`),
      ),
      f.terms(
        "$p23",
        sums.map((j) => `$u${j}23`),
      ),
      ...sums.flatMap((j) =>
        ["01", "23"].map((half) => {
          const term = masked ? `(v128.and ${get(`$u${j}${half}`)} ${get(`$mask${half}`)})` : get(`$u${j}${half}`);
          return `(local.set $a${j}${half} ${add(get(`$a${j}${half}`), term)})`;
        }),
      ),
    ].join("\n      ");
  // The blocks first: they name the constants the kernel sets up.
  const steps = block(false);
  const last = block(true);
  const locals = [
    "(local $end i32) (local $rest i32) (local $inRange i32) (local $m f64)",
    "(local $p01 v128) (local $p23 v128) (local $mask01 v128) (local $mask23 v128)",
    "(local $t v128) (local $n v128) (local $r v128) (local $z v128) (local $s v128) (local $c v128) (local $odd v128)",
    "(local $w v128) (local $arg v128) (local $f v128)",
    ...sums.map((j) => `(local $a${j}01 v128) (local $a${j}23 v128) (local $u${j}01 v128) (local $u${j}23 v128)`),
  ];
  return `
  (func $${name}_${element} (export "${name}_${element}") (param $at i32) (param $length i32)
    ${locals.join("\n    ")}
    ${[...constants].map(([, local]) => `(local ${local} v128)`).join(" ")}
    ${[...constants].map(([bits, local]) => `(local.set ${local} (v128.const f64x2 ${bits} ${bits}))`).join("\n    ")}
    ${sums.map((j) => `(local.set $a${j}01 (v128.load offset=${SUMS + 32 * j} (i32.const 0))) (local.set $a${j}23 (v128.load offset=${SUMS + 32 * j + 16} (i32.const 0)))`).join("\n    ")}
    (local.set $end (i32.add (local.get $at) (i32.mul (i32.and (local.get $length) (i32.const -4)) (i32.const ${bytes}))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
      ${steps}
        (local.set $at (i32.add (local.get $at) (i32.const ${4 * bytes})))
        (br $next)))
    ;; The last 1 to 3 coordinates: a whole block, its absent lanes' terms masked to +0 (the sums do not change).
    (local.set $rest (i32.and (local.get $length) (i32.const 3)))
    (if (local.get $rest)
      (then
        (local.set $mask01 (i64x2.gt_s (i64x2.splat (i64.extend_i32_u (local.get $rest))) (v128.const i64x2 0 1)))
        (local.set $mask23 (i64x2.gt_s (i64x2.splat (i64.extend_i32_u (local.get $rest))) (v128.const i64x2 2 3)))
      ${last}))
    ${sums.map((j) => `(v128.store offset=${SUMS + 32 * j} (i32.const 0) (local.get $a${j}01)) (v128.store offset=${SUMS + 32 * j + 16} (i32.const 0) (local.get $a${j}23))`).join("\n    ")})`;
}

/** The module's text: imports Math.sin, Math.cos and its memory; exports each function's kernel for float64 and float32 coordinates. */
export function functionsWat(): string {
  return `;; Generated by scripts/kernels/functions-wat.ts: edit that file, then run scripts/build-kernels.ts.
(module
  (import "math" "sin" (func $sin (param f64) (result f64)))
  (import "math" "cos" (func $cos (param f64) (result f64)))
  (import "env" "memory" (memory 1))
${KERNEL_FUNCTIONS.flatMap((name) => [kernel(name, "f64"), kernel(name, "f32")]).join("\n")}
)
`;
}
