// WebAssembly text of the Gaussian kernel (src/engine/kernels/normals.ts).
// Four direction streams run in the four i32 lanes of a v128: lane j holds
// stream j's xoshiro128** state, steps it with i32x4 arithmetic and turns its
// number into a normal with the same 128-layer ziggurat as Rng.fillNormal
// (src/engine/random.ts), so each lane writes exactly the numbers that
// fillNormal would write for its stream. A lane that takes the ziggurat's
// slow path leaves the vector loop for a scalar copy of Rng.normalTail that
// steps that lane's own state (it is rare: about 2.75% of draws); exp and log
// are JavaScript's Math.exp and Math.log, imported, so the bits match.
//
// Memory layout (byte offsets; the tables are written by the caller, from
// random.ts's own arrays, so both paths read the same numbers):
//   LAYERS   128 records of 16 bytes: wn[iz] (f64) at +0, kn[iz] (i32) at +8
//   FN, LEFT, RIGHT, SLOPE  128 f64 each: fn and the wedge bounds of random.ts
//   SHAPE    128 i32: the wedge's shape (1 convex, -1 concave, 0 exp decides)
//   CONSTANTS  the ziggurat's R (f64) and the wedge margin (f64)
// A group of four streams keeps its state at `state`: the four v128 words
// s0, s1, s2, s3, lane j of each being stream j's. Lane j writes its row at
// out + j * ROW_BYTES: rows are TILE numbers apart, a K x TILE tile.

export const TILE = 2048;
export const LAYERS = 0;
export const FN = 2048;
export const LEFT = FN + 1024;
export const RIGHT = LEFT + 1024;
export const SLOPE = RIGHT + 1024;
export const SHAPE = SLOPE + 1024;
export const CONSTANTS = SHAPE + 512;
/** Where the caller may start its own data (states, tiles). */
export const FREE = 8192;

type Element = "f64" | "f32";

const lanes = [0, 1, 2, 3];

/** Store the f64x2 pair `pair` (lanes 2 * half, 2 * half + 1) of the normals, shifted when asked, into the rows. */
function storePair(element: Element, shifted: boolean, pair: string, half: number): string {
  const value = shifted ? `(f64x2.add (local.get $base) (f64x2.mul (local.get $scales) (local.get ${pair})))` : `(local.get ${pair})`;
  const rowBytes = TILE * (element === "f64" ? 8 : 4);
  const rows = [2 * half, 2 * half + 1];
  if (element === "f64") {
    return rows.map((row, lane) => `(v128.store64_lane offset=${row * rowBytes} ${lane} (local.get $out) ${value})`).join("\n      ");
  }
  // f32.demote_f64 per lane, as a Float32Array store rounds.
  return [
    `(local.set $rounded (f32x4.demote_f64x2_zero ${value}))`,
    ...rows.map((row, lane) => `(v128.store32_lane offset=${row * rowBytes} ${lane} (local.get $out) (local.get $rounded))`),
  ].join("\n      ");
}

/** One exported kernel: `length` normals of each of four streams, as they are or as shift[i] + scale * z. */
function kernel(element: Element, shifted: boolean): string {
  const name = `${shifted ? "shifted" : "normals"}_${element}`;
  const bytes = element === "f64" ? 8 : 4;
  const shiftLoad = element === "f64" ? "(f64.load (local.get $shift))" : "(f64.promote_f32 (f32.load (local.get $shift)))";
  // A slow lane hands its state words to $tail and takes back the normal and the stepped words.
  const slowLane = (j: number) => {
    const pair = j < 2 ? "$z01" : "$z23";
    const words = [0, 1, 2, 3];
    return `(if (i32.eqz (i32.and (local.get $fast) (i32.const ${1 << j})))
          (then
            (call $tail (i32x4.extract_lane ${j} (local.get $hz)) (i32.shr_u (local.get $a${j}) (i32.const 4))
              ${words.map((w) => `(i32x4.extract_lane ${j} (local.get $s${w}))`).join(" ")})
            ${words
              .reverse()
              .map((w) => `(local.set $w${w})`)
              .join(" ")} (local.set $x)
            (local.set ${pair} (f64x2.replace_lane ${j & 1} (local.get ${pair}) (local.get $x)))
            ${[0, 1, 2, 3].map((w) => `(local.set $s${w} (i32x4.replace_lane ${j} (local.get $s${w}) (local.get $w${w})))`).join("\n            ")}))`;
  };
  return `
  (func $${name} (export "${name}") (param $state i32) (param $out i32) (param $shift i32) (param $scale f64) (param $length i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $m v128) (local $hz v128) (local $t v128) (local $addresses v128) (local $kn v128)
    (local $z01 v128) (local $z23 v128) (local $scales v128) (local $base v128) (local $rounded v128)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $end i32) (local $fast i32)
    (local $x f64) (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local.set $s0 (v128.load offset=0 (local.get $state)))
    (local.set $s1 (v128.load offset=16 (local.get $state)))
    (local.set $s2 (v128.load offset=32 (local.get $state)))
    (local.set $s3 (v128.load offset=48 (local.get $state)))
    (local.set $scales (f64x2.splat (local.get $scale)))
    (local.set $end (i32.add (local.get $out) (i32.mul (local.get $length) (i32.const ${bytes}))))
    (block $done
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (loop $next
        ;; xoshiro128**: result = rotl(s1 * 5, 7) * 9, then the state update.
        ;; (x * 5 and x * 9 as shifts and adds: the same bits, cheaper than i32x4.mul)
        (local.set $m (i32x4.add (i32x4.shl (local.get $s1) (i32.const 2)) (local.get $s1)))
        (local.set $m (v128.or (i32x4.shl (local.get $m) (i32.const 7)) (i32x4.shr_u (local.get $m) (i32.const 25))))
        (local.set $hz (i32x4.add (i32x4.shl (local.get $m) (i32.const 3)) (local.get $m)))
        (local.set $t (i32x4.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (v128.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (v128.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (v128.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (v128.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (v128.or (i32x4.shl (local.get $s3) (i32.const 11)) (i32x4.shr_u (local.get $s3) (i32.const 21))))
        ;; Each lane's layer record: iz = hz & 127, at LAYERS + 16 iz.
        (local.set $addresses (i32x4.shl (v128.and (local.get $hz) (v128.const i32x4 127 127 127 127)) (i32.const 4)))
        ${lanes.map((j) => `(local.set $a${j} (i32x4.extract_lane ${j} (local.get $addresses)))`).join("\n        ")}
        (local.set $kn
          (v128.load32_lane offset=${LAYERS + 8} 3 (local.get $a3)
            (v128.load32_lane offset=${LAYERS + 8} 2 (local.get $a2)
              (v128.load32_lane offset=${LAYERS + 8} 1 (local.get $a1) (v128.load32_zero offset=${LAYERS + 8} (local.get $a0))))))
        (local.set $z01 (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $hz))
          (v128.load64_lane offset=${LAYERS} 1 (local.get $a1) (v128.load64_zero offset=${LAYERS} (local.get $a0)))))
        (local.set $z23 (f64x2.mul (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $hz) (local.get $hz)))
          (v128.load64_lane offset=${LAYERS} 1 (local.get $a3) (v128.load64_zero offset=${LAYERS} (local.get $a2)))))
        ;; Fast path: |hz| < kn[iz], read off the sign of |hz| - kn[iz] (bit j of $fast for lane j).
        ;; Exact: both are below 2^31, except |-2^31|, which wraps to 2^31 - kn[0] > 0 (slow, as in JS).
        (local.set $fast (i32x4.bitmask (i32x4.sub (i32x4.abs (local.get $hz)) (local.get $kn))))
        (if (i32.ne (local.get $fast) (i32.const 15))
          (then
            ${lanes.map(slowLane).join("\n            ")}))
        ${shifted ? `(local.set $base (f64x2.splat ${shiftLoad}))\n        (local.set $shift (i32.add (local.get $shift) (i32.const ${bytes})))` : ""}
        ${storePair(element, shifted, "$z01", 0)}
        ${storePair(element, shifted, "$z23", 1)}
        (br_if $next (i32.lt_u (local.tee $out (i32.add (local.get $out) (i32.const ${bytes}))) (local.get $end)))))
    (v128.store offset=0 (local.get $state) (local.get $s0))
    (v128.store offset=16 (local.get $state) (local.get $s1))
    (v128.store offset=32 (local.get $state) (local.get $s2))
    (v128.store offset=48 (local.get $state) (local.get $s3)))`;
}

/** xoshiro128** on the state in locals `${from}0`..`${from}3`, stepped into `${to}0`..`${to}3`: the next number goes to `result`. */
function step(result: string, from = "$s", to = from): string {
  return `(local.set ${result} (i32.mul (i32.rotl (i32.mul (local.get ${from}1) (i32.const 5)) (i32.const 7)) (i32.const 9)))
    (local.set $t (i32.shl (local.get ${from}1) (i32.const 9)))
    (local.set ${to}2 (i32.xor (local.get ${from}2) (local.get ${from}0)))
    (local.set ${to}3 (i32.xor (local.get ${from}3) (local.get ${from}1)))
    (local.set ${to}1 (i32.xor (local.get ${from}1) (local.get ${to}2)))
    (local.set ${to}0 (i32.xor (local.get ${from}0) (local.get ${to}3)))
    (local.set ${to}2 (i32.xor (local.get ${to}2) (local.get $t)))
    (local.set ${to}3 (i32.rotl (local.get ${to}3) (i32.const 11)))`;
}

/** select for f64 through its bits (i64 select is a conditional move; a float select may become a branch). */
function selectF64(a: string, b: string, condition: string): string {
  return `(f64.reinterpret_i64 (select (i64.reinterpret_f64 ${a}) (i64.reinterpret_f64 ${b}) ${condition}))`;
}

/** Rng.uniform on the state in locals, into `result`: ((next >>> 0) + 0.5) * 2^-32. */
function uniform(result: string): string {
  return `${step("$u")}
    (local.set ${result} (f64.mul (f64.add (f64.convert_i32_u (local.get $u)) (f64.const 0.5)) (f64.const 0x1p-32)))`;
}

/**
 * The scalar slow path: Rng.normalTail and underDensity of random.ts line for
 * line. The lane's state travels in and out as values (multi-value), not
 * through memory: a wide store read back in narrow pieces, or the reverse,
 * would stall on store forwarding.
 */
const slowPath = `
  (func $fn (param $iz i32) (result f64) (f64.load offset=${FN} (i32.shl (local.get $iz) (i32.const 3))))

  ;; underDensity(iz, x, y): y < exp(-x^2 / 2), by the wedge's bounds where they decide.
  (func $underDensity (param $iz i32) (param $x f64) (param $y f64) (result i32)
    (local $shape i32) (local $at i32) (local $ax f64) (local $a f64) (local $b f64) (local $margin f64)
    (local $chord f64) (local $tangentA f64) (local $tangentB f64) (local $lower f64) (local $upper f64)
    (local $convex i32) (local $accept i32) (local $reject i32)
    (local.set $at (i32.shl (local.get $iz) (i32.const 3)))
    (local.set $shape (i32.load offset=${SHAPE} (i32.shl (local.get $iz) (i32.const 2))))
    (if (local.get $shape)
      (then
        (local.set $margin (f64.load offset=${CONSTANTS + 8} (i32.const 0)))
        (local.set $ax (f64.abs (local.get $x)))
        (local.set $a (f64.load offset=${LEFT} (local.get $at)))
        (local.set $b (f64.load offset=${RIGHT} (local.get $at)))
        (local.set $chord (f64.add (call $fn (i32.sub (local.get $iz) (i32.const 1)))
          (f64.mul (f64.sub (local.get $ax) (local.get $a)) (f64.load offset=${SLOPE} (local.get $at)))))
        (local.set $tangentA (f64.mul (call $fn (i32.sub (local.get $iz) (i32.const 1)))
          (f64.sub (f64.const 1) (f64.mul (local.get $a) (f64.sub (local.get $ax) (local.get $a))))))
        (local.set $tangentB (f64.mul (call $fn (local.get $iz))
          (f64.sub (f64.const 1) (f64.mul (local.get $b) (f64.sub (local.get $ax) (local.get $b))))))
        ;; Convex piece: the tangents bound the density from below, the chord from above; concave: the reverse.
        ;; Decided without branches (the piece and the outcome are random): reject first on a convex piece,
        ;; accept first on a concave one, as random.ts tests them (both cannot hold: the bounds are 2e-7 apart).
        (local.set $convex (i32.gt_s (local.get $shape) (i32.const 0)))
        (local.set $lower ${selectF64(selectF64("(local.get $tangentA)", "(local.get $tangentB)", "(f64.gt (local.get $tangentA) (local.get $tangentB))"), "(local.get $chord)", "(local.get $convex)")})
        (local.set $upper ${selectF64("(local.get $chord)", selectF64("(local.get $tangentA)", "(local.get $tangentB)", "(f64.lt (local.get $tangentA) (local.get $tangentB))"), "(local.get $convex)")})
        (local.set $accept (f64.lt (local.get $y) (f64.sub (local.get $lower) (local.get $margin))))
        (local.set $reject (f64.gt (local.get $y) (f64.add (local.get $upper) (local.get $margin))))
        (if (i32.or (local.get $accept) (local.get $reject))
          (then (return (select (i32.eqz (local.get $reject)) (local.get $accept) (local.get $convex)))))))
    (f64.lt (local.get $y) (call $exp (f64.mul (f64.mul (f64.const -0.5) (local.get $x)) (local.get $x)))))

  ;; Rng.normalTail: the slow path of draw hz (layer iz), on a lane whose state is s0..s3.
  ;; Returns the normal and the lane's stepped state.
  (func $tail (param $hz i32) (param $iz i32) (param $s0 i32) (param $s1 i32) (param $s2 i32) (param $s3 i32) (result f64 i32 i32 i32 i32)
    (local $x f64) (local $y f64) (local $r f64) (local $v f64) (local $at i32) (local $t i32) (local $u i32)
    (local $next i32) (local $n0 i32) (local $n1 i32) (local $n2 i32) (local $n3 i32) (local $accepted i32) (local $fast i32)
    (local.set $r (f64.load offset=${CONSTANTS} (i32.const 0)))
    (loop $retry
      (if (i32.eqz (local.get $iz))
        (then
          (loop $tailDraw
            ${uniform("$v")}
            (local.set $x (f64.div (f64.neg (call $log (local.get $v))) (local.get $r)))
            ${uniform("$v")}
            (local.set $y (f64.neg (call $log (local.get $v))))
            (br_if $tailDraw (f64.lt (f64.add (local.get $y) (local.get $y)) (f64.mul (local.get $x) (local.get $x)))))
          (return
            (select (f64.add (local.get $r) (local.get $x)) (f64.sub (f64.neg (local.get $r)) (local.get $x)) (i32.gt_s (local.get $hz) (i32.const 0)))
            (local.get $s0) (local.get $s1) (local.get $s2) (local.get $s3))))
      (local.set $x (f64.mul (f64.convert_i32_s (local.get $hz)) (f64.load offset=${LAYERS} (i32.shl (local.get $iz) (i32.const 4)))))
      ${uniform("$v")}
      (local.set $accepted (call $underDensity (local.get $iz) (local.get $x)
        (f64.add (call $fn (local.get $iz)) (f64.mul (local.get $v) (f64.sub (call $fn (i32.sub (local.get $iz) (i32.const 1))) (call $fn (local.get $iz)))))))
      ;; A rejected draw goes on with the next number: drawn here on a copy of the state, kept only when
      ;; rejected, so that the usual outcomes (accepted, or rejected then a fast draw) take no branch.
      ${step("$next", "$s", "$n")}
      (local.set $at (i32.shl (i32.and (local.get $next) (i32.const 127)) (i32.const 4)))
      ;; |next| < kn[iz], |next| unsigned as Math.abs gives it.
      (local.set $fast (i32.lt_u (select (i32.sub (i32.const 0) (local.get $next)) (local.get $next) (i32.lt_s (local.get $next) (i32.const 0)))
        (i32.load offset=${LAYERS + 8} (local.get $at))))
      ${[0, 1, 2, 3].map((w) => `(local.set $s${w} (select (local.get $s${w}) (local.get $n${w}) (local.get $accepted)))`).join("\n      ")}
      (if (i32.or (local.get $accepted) (local.get $fast))
        (then (return ${selectF64("(local.get $x)", `(f64.mul (f64.convert_i32_s (local.get $next)) (f64.load offset=${LAYERS} (local.get $at)))`, "(local.get $accepted)")}
          (local.get $s0) (local.get $s1) (local.get $s2) (local.get $s3))))
      (local.set $hz (local.get $next))
      (local.set $iz (i32.and (local.get $next) (i32.const 127)))
      (br $retry))
    (unreachable))`;

/** The module's text: imports Math.exp, Math.log and its memory; exports the four kernels. */
export function normalsWat(): string {
  return `;; Generated by scripts/kernels/normals-wat.ts: edit that file, then run scripts/build-kernels.ts.
(module
  (import "math" "exp" (func $exp (param f64) (result f64)))
  (import "math" "log" (func $log (param f64) (result f64)))
  (import "env" "memory" (memory 1))
${slowPath}
${kernel("f64", false)}
${kernel("f32", false)}
${kernel("f64", true)}
${kernel("f32", true)}
)
`;
}
