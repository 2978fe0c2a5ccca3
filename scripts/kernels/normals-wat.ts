// WebAssembly text of the Gaussian kernel (src/engine/kernels/normals.ts).
// Four direction streams run in the four i32 lanes of a v128: lane j holds
// stream j's xoshiro128** state, steps it with i32x4 arithmetic and turns its
// numbers into normals with the same 128-layer ziggurat as Rng.fillNormal
// (src/engine/random.ts), so each lane writes exactly the numbers that
// fillNormal would write for its stream.
//
// The lanes go out of step, so that no lane stalls the others: each keeps
// its own output position, and every vector step draws one number per lane.
// A fast-path number is written and the lane moves on. A wedge candidate
// draws its test's uniform at once (a second step of the wedge lanes only),
// tested in scalar code with random.ts's own bounds; accepted, it is
// written; rejected, nothing is, and the lane's next number is a fresh draw:
// the order in which Rng.normalTail consumes its stream. The rarest cases
// are events that end the (call-free) step loop: a tail draw (layer iz = 0,
// a loop of logs on that lane's own state) and a wedge test the bounds leave
// to exp. The exported function handles them on the lane's state and
// position in memory and resumes; exp and log are JavaScript's Math.exp and
// Math.log, imported, so the bits match.
//
// The steps first run while every lane has numbers left to write (no
// masks), then, lanes finishing at different steps, with each finished
// lane's state frozen and its stores sent to a scratch word, so that every
// stream continues exactly where it stopped at the next call.
//
// Memory layout (byte offsets; the tables are written by the caller, from
// random.ts's own arrays, so both paths read the same numbers):
//   LAYERS   128 records of 64 bytes, one per layer iz: wn[iz] (f64) at +0,
//            kn[iz] (i32) at +8, the wedge's shape (i32: 1 convex, -1
//            concave, 0 exp decides) at +12, and its fn[iz - 1], fn[iz],
//            left, right and slope (f64) at +16 .. +48
//   CONSTANTS  the ziggurat's R (f64) and the wedge margin (f64)
//   SCRATCH  where finished lanes' stores go (8 bytes)
//   POSITIONS, TAIL_NUMBERS, EVENTS  what the steps hand to their events
// A group of four streams keeps its state at `state`: the four v128 words
// s0, s1, s2, s3, lane j of each being stream j's. Lane j writes its row at
// out + j * ROW_BYTES: rows are TILE numbers apart, a K x TILE tile.

export const TILE = 2048;
export const LAYERS = 0;
export const LAYER_BYTES = 64;
export const CONSTANTS = LAYERS + 128 * LAYER_BYTES;
export const SCRATCH = CONSTANTS + 16;
/** The lanes' positions (i32 x 4) between the steps and their events. */
export const POSITIONS = SCRATCH + 16;
/** The numbers of a step's tail draws (i32 x 4), and x, y of wedge tests left to exp (16 bytes a lane). */
export const TAIL_NUMBERS = POSITIONS + 16;
export const EVENTS = TAIL_NUMBERS + 16;
/** Where the caller may start its own data (states, tiles). */
export const FREE = 16384;

/** Field offsets in a layer record. */
const WN = 0;
const KN = 8;
const SHAPE = 12;
const FN_PREVIOUS = 16;
const FN = 24;
const LEFT = 32;
const RIGHT = 40;
const SLOPE = 48;

type Element = "f64" | "f32";

const lanes = [0, 1, 2, 3];
/** The two f64x2 halves of four lanes: lanes 0, 1 and lanes 2, 3. */
const pairs = ["01", "23"];
const get = (name: string) => `(local.get ${name})`;

/** The f64x2 of field `field` of the records at scalar addresses $rA, $rB. */
function gather(field: number, a: string, b: string): string {
  return `(v128.load64_lane offset=${LAYERS + field} 1 ${get(b)} (v128.load64_zero offset=${LAYERS + field} ${get(a)}))`;
}

/** xoshiro128** on the v128 state $s0..$s3: the four numbers go to `result`; `mask` (when given) picks the lanes that step. */
function vectorStep(result: string, mask: string | null): string {
  const update = (w: number, value: string) => (mask !== null ? `(local.set $s${w} (v128.bitselect ${value} ${get(`$s${w}`)} ${mask}))` : `(local.set $s${w} ${value})`);
  return `;; number = rotl(s1 * 5, 7) * 9 (x * 5 and x * 9 as shifts and adds: the same bits, cheaper than i32x4.mul)
        (local.set $m (i32x4.add (i32x4.shl ${get("$s1")} (i32.const 2)) ${get("$s1")}))
        (local.set $m (v128.or (i32x4.shl ${get("$m")} (i32.const 7)) (i32x4.shr_u ${get("$m")} (i32.const 25))))
        (local.set ${result} (i32x4.add (i32x4.shl ${get("$m")} (i32.const 3)) ${get("$m")}))
        (local.set $t (i32x4.shl ${get("$s1")} (i32.const 9)))
        (local.set $n2 (v128.xor ${get("$s2")} ${get("$s0")}))
        (local.set $n3 (v128.xor ${get("$s3")} ${get("$s1")}))
        ${update(1, `(v128.xor ${get("$s1")} ${get("$n2")})`)}
        ${update(0, `(v128.xor ${get("$s0")} ${get("$n3")})`)}
        ${update(2, `(v128.xor ${get("$n2")} ${get("$t")})`)}
        ${update(3, `(v128.or (i32x4.shl ${get("$n3")} (i32.const 11)) (i32x4.shr_u ${get("$n3")} (i32.const 21)))`)}`;
}

/** select for f64 through its bits (i64 select is a conditional move; a float select may become a branch). */
function selectF64(a: string, b: string, condition: string): string {
  return `(f64.reinterpret_i64 (select (i64.reinterpret_f64 ${a}) (i64.reinterpret_f64 ${b}) ${condition}))`;
}

/**
 * The wedge test of lane $laneIndex in scalar code, as an i32 (0: rejected, 1: accepted, 2: left to exp, with
 * x and y stored at EVENTS + 16 lane): the candidate x = number * wn[iz] and
 * y = fn[iz] + u * (fn[iz - 1] - fn[iz]), u from the lane's next number, then random.ts's underDensity line
 * for line, decided without branches where the bounds decide (the piece and the outcome are random).
 */
function scalarWedge(number: string, next: string): string {
  const field = (offset: number) => `(f64.load offset=${LAYERS + offset} ${get("$record")})`;
  return `(block (result i32)
                      (local.set $number ${number})
                      (local.set $record (i32.shl (i32.and ${get("$number")} (i32.const 127)) (i32.const 6)))
                      (local.set $wxS (f64.mul (f64.convert_i32_s ${get("$number")}) ${field(WN)}))
                      (local.set $wyS (f64.add ${field(FN)} (f64.mul
                        (f64.mul (f64.add (f64.convert_i32_u ${next}) (f64.const 0.5)) (f64.const 0x1p-32))
                        (f64.sub ${field(FN_PREVIOUS)} ${field(FN)}))))
                      (local.set $shapeS (i32.load offset=${LAYERS + SHAPE} ${get("$record")}))
                      (if ${get("$shapeS")}
                        (then
                          (local.set $waxS (f64.abs ${get("$wxS")}))
                          (local.set $waS ${field(LEFT)})
                          (local.set $wbS ${field(RIGHT)})
                          (local.set $chordS (f64.add ${field(FN_PREVIOUS)} (f64.mul (f64.sub ${get("$waxS")} ${get("$waS")}) ${field(SLOPE)})))
                          (local.set $tangentAS (f64.mul ${field(FN_PREVIOUS)} (f64.sub (f64.const 1) (f64.mul ${get("$waS")} (f64.sub ${get("$waxS")} ${get("$waS")})))))
                          (local.set $tangentBS (f64.mul ${field(FN)} (f64.sub (f64.const 1) (f64.mul ${get("$wbS")} (f64.sub ${get("$waxS")} ${get("$wbS")})))))
                          ;; Convex: reject when above the chord, accept when below both tangents; concave: accept when
                          ;; below the chord, reject when above either tangent (both cannot hold: the bounds are 2e-7 apart).
                          (if (i32.gt_s ${get("$shapeS")} (i32.const 0))
                            (then
                              (drop (br_if 2 (i32.const 0) (f64.gt ${get("$wyS")} (f64.add ${get("$chordS")} ${get("$margin")}))))
                              (drop (br_if 2 (i32.const 1) (f64.lt ${get("$wyS")} (f64.sub ${selectF64(get("$tangentAS"), get("$tangentBS"), `(f64.gt ${get("$tangentAS")} ${get("$tangentBS")})`)} ${get("$margin")})))))
                            (else
                              (drop (br_if 2 (i32.const 1) (f64.lt ${get("$wyS")} (f64.sub ${get("$chordS")} ${get("$margin")}))))
                              (drop (br_if 2 (i32.const 0) (f64.gt ${get("$wyS")} (f64.add ${selectF64(get("$tangentAS"), get("$tangentBS"), `(f64.lt ${get("$tangentAS")} ${get("$tangentBS")})`)} ${get("$margin")}))))))))
                      ;; Left to exp: an event, handled outside the loop (see kernel).
                      (f64.store offset=${EVENTS} (i32.shl ${get("$laneIndex")} (i32.const 4)) ${get("$wxS")})
                      (f64.store offset=${EVENTS + 8} (i32.shl ${get("$laneIndex")} (i32.const 4)) ${get("$wyS")})
                      (i32.const 2))`;
}

/**
 * One vector step of a kernel: every lane draws a number; a lane on the fast
 * path writes it, a wedge candidate draws its test's uniform at once (a
 * second step of the wedge lanes only) and writes it if accepted. A rejected
 * lane writes nothing: its next number is a fresh draw, as in
 * Rng.normalTail. A tail draw, and a wedge test left to exp, are events
 * (bits of $events): the lane writes nothing in the step, and the loop ends
 * after it so that the event is handled outside (see kernel). `masked`:
 * some lanes may have finished (mask $active); their state is kept and their
 * stores go to SCRATCH.
 */
function step(element: Element, shifted: boolean, masked: boolean): string {
  const bytes = element === "f64" ? 8 : 4;
  const rowBytes = TILE * bytes;
  // Unmasked, lane j's position is the scalar $o${j}, and every lane moves on by one number a step (scalar adds,
  // not vector lane extracts: the vector ports are the busy ones); a slow lane that wrote nothing is held back
  // (its store is overwritten later), and $lead, the foremost position, is found again.
  const held = (j: number) => `(local.set $o${j} (i32.sub ${get(`$o${j}`)} (i32.shl (i32.and (i32.shr_u ${get("$unwritten")} (i32.const ${j})) (i32.const 1)) (i32.const ${Math.log2(bytes)}))))`;
  const max = (a: string, b: string) => `(select ${a} ${b} (i32.gt_u ${a} ${b}))`;
  const holdBack = `(local.set $unwritten (i32.xor (i32x4.bitmask ${get("$advance")}) (i32.const 15)))
            ${lanes.map(held).join("\n            ")}
            (local.set $lead ${max(max(get("$o0"), get("$o1")), max(get("$o2"), get("$o3")))})`;
  const shiftLoad = (j: number, into: string) =>
    element === "f64" ? `(v128.load64_lane ${j & 1} (i32.add ${get(`$o${j}`)} ${get("$toShift")}) ${into})` : `(v128.load32_lane ${j} (i32.add ${get(`$o${j}`)} ${get("$toShift")}) ${into})`;
  // Lane j stores at its position in row j: out + j * rowBytes + position, or at SCRATCH once finished.
  const store = (j: number, from: string, lane: number) => {
    const op = element === "f64" ? "v128.store64_lane" : "v128.store32_lane";
    return masked ? `(${op} ${lane} (i32x4.extract_lane ${j} ${get("$storeAt")}) ${from})` : `(${op} offset=${j * rowBytes} ${lane} ${get(`$o${j}`)} ${from})`;
  };
  const stores =
    element === "f64"
      ? lanes.map((j) => store(j, get(`$z${pairs[j >> 1]}`), j & 1)).join("\n        ")
      : [0, 1]
          .map((p) => [`(local.set $rounded (f32x4.demote_f64x2_zero ${get(`$z${pairs[p]}`)}))`, store(2 * p, get("$rounded"), 0), store(2 * p + 1, get("$rounded"), 1)].join("\n        "))
          .join("\n        ");
  const shiftLoads =
    element === "f64"
      ? [0, 1].map((p) => `(local.set $base${pairs[p]} ${shiftLoad(2 * p + 1, shiftLoad(2 * p, "(v128.const i64x2 0 0)"))})`)
      : [
          `(local.set $base01 ${lanes.reduceRight((into, j) => shiftLoad(j, into), "(v128.const i64x2 0 0)")})`,
          `(local.set $base23 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 ${get("$base01")} ${get("$base01")})))`,
          `(local.set $base01 (f64x2.promote_low_f32x4 ${get("$base01")}))`,
        ];
  return `${vectorStep("$hz", masked ? get("$active") : null)}
        ;; Layer iz = number & 127, its record at LAYERS + 64 iz; z = number * wn[iz].
        (local.set $layers (i32x4.shl (v128.and ${get("$hz")} (v128.const i32x4 127 127 127 127)) (i32.const 6)))
        ${lanes.map((j) => `(local.set $a${j} (i32x4.extract_lane ${j} ${get("$layers")}))`).join("\n        ")}
        (local.set $kn
          (v128.load32_lane offset=${LAYERS + KN} 3 ${get("$a3")}
            (v128.load32_lane offset=${LAYERS + KN} 2 ${get("$a2")}
              (v128.load32_lane offset=${LAYERS + KN} 1 ${get("$a1")} (v128.load32_zero offset=${LAYERS + KN} ${get("$a0")})))))
        (local.set $z01 (f64x2.mul (f64x2.convert_low_i32x4_s ${get("$hz")}) ${gather(WN, "$a0", "$a1")}))
        (local.set $z23 (f64x2.mul (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 ${get("$hz")} ${get("$hz")})) ${gather(WN, "$a2", "$a3")}))
        ;; Fast path: |hz| < kn[iz], the sign of |hz| - kn[iz] as a mask. Exact: both are below 2^31,
        ;; except |-2^31|, which wraps to 2^31 - kn[0] > 0 (slow, as in JS; its layer is the tail).
        (local.set $advance (i32x4.shr_s (i32x4.sub (i32x4.abs ${get("$hz")}) ${get("$kn")}) (i32.const 31)))
        (local.set $slow ${masked ? `(v128.andnot ${get("$active")} ${get("$advance")})` : `(v128.not ${get("$advance")})`})
        ${masked ? lanes.map((j) => `(local.set $o${j} (i32x4.extract_lane ${j} ${get("$at")}))`).join("\n        ") : ""}
        ${masked ? `(local.set $storeAt (v128.bitselect (i32x4.add ${get("$at")} (v128.const i32x4 0 ${rowBytes} ${2 * rowBytes} ${3 * rowBytes})) (v128.const i32x4 ${SCRATCH} ${SCRATCH} ${SCRATCH} ${SCRATCH}) ${get("$active")}))` : ""}
        ${shifted ? shiftLoads.join("\n        ") : ""}
        ${shifted ? pairs.map((pair) => `(local.set $z${pair} (f64x2.add ${get(`$base${pair}`)} (f64x2.mul (f64x2.splat ${get("$scale")}) ${get(`$z${pair}`)})))`).join("\n        ") : ""}
        ${stores}
        (if ${masked ? `(v128.any_true ${get("$slow")})` : `(i32.ne (i32x4.bitmask ${get("$advance")}) (i32.const 15))`}
          (then
            (local.set $tails (v128.and ${get("$slow")} (i32x4.eq ${get("$layers")} (v128.const i32x4 0 0 0 0))))
            (local.set $wedges (v128.xor ${get("$slow")} ${get("$tails")}))
            (local.set $wedgeLanes (i32x4.bitmask ${get("$wedges")}))
            (if ${get("$wedgeLanes")}
              (then
                ;; The wedge lanes' next number is their test's uniform.
                ${vectorStep("$u", get("$wedges"))}
                ;; Each wedge lane's test in scalar code (nearly always a single lane), on its numbers moved to lane 0.
                (loop $eachWedge
                  (local.set $laneIndex (i32.ctz ${get("$wedgeLanes")}))
                  (local.set $lane (i32x4.add (i8x16.splat (i32.shl ${get("$laneIndex")} (i32.const 2))) (v128.const i8x16 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3)))
                  (local.set $outcome ${scalarWedge(`(i32x4.extract_lane 0 (i8x16.swizzle ${get("$hz")} ${get("$lane")}))`, `(i32x4.extract_lane 0 (i8x16.swizzle ${get("$u")} ${get("$lane")}))`)})
                  (local.set $advance (v128.or ${get("$advance")} (v128.and (i32x4.eq (i32x4.splat ${get("$laneIndex")}) (v128.const i32x4 0 1 2 3))
                    (i32x4.splat (i32.sub (i32.const 0) (i32.eq ${get("$outcome")} (i32.const 1)))))))
                  (local.set $events (i32.or ${get("$events")} (i32.shl (i32.shr_u ${get("$outcome")} (i32.const 1)) (i32.add ${get("$laneIndex")} (i32.const 4)))))
                  (br_if $eachWedge (local.tee $wedgeLanes (i32.and ${get("$wedgeLanes")} (i32.sub ${get("$wedgeLanes")} (i32.const 1))))))))
            ;; A tail draw is an event: the lane writes nothing here, its number is kept for the tail's loop.
            (v128.store offset=${TAIL_NUMBERS} (i32.const 0) ${get("$hz")})
            (local.set $events (i32.or ${get("$events")} (i32x4.bitmask ${get("$tails")})))
            ${masked ? "" : holdBack}))
        ${
          masked
            ? `(local.set $at (i32x4.add ${get("$at")} (v128.and ${get("$advance")} (v128.const i32x4 ${bytes} ${bytes} ${bytes} ${bytes}))))`
            : [...lanes.map((j) => `(local.set $o${j} (i32.add ${get(`$o${j}`)} (i32.const ${bytes})))`), `(local.set $lead (i32.add ${get("$lead")} (i32.const ${bytes})))`].join("\n        ")
        }`;
}

/**
 * One exported kernel: `length` normals of each of four streams, as they are or as shift[i] + scale * z.
 * $steps_* runs the vector steps and makes no call: a call in the loop would make the compiler keep the
 * loop's values in memory rather than in registers. It returns at an event, which the exported function
 * handles (the tail's loop, exp) on the lane's state and position in memory, then resumes the steps.
 */
function kernel(element: Element, shifted: boolean): string {
  const name = `${shifted ? "shifted" : "normals"}_${element}`;
  const bytes = element === "f64" ? 8 : 4;
  const rowBytes = TILE * bytes;
  const v128s = "$s0 $s1 $s2 $s3 $n2 $n3 $m $hz $u $t $layers $kn $advance $slow $tails $wedges $z01 $z23 $at $end $active $storeAt $base01 $base23 $rounded $lane";
  const i32s = "$events $outcome $laneIndex $wedgeLanes $number $record $shapeS $a0 $a1 $a2 $a3 $o0 $o1 $o2 $o3 $lead $unwritten $toShift";
  const max = (a: string, b: string) => `(select ${a} ${b} (i32.gt_u ${a} ${b}))`;
  const endScalar = `(i32x4.extract_lane 0 ${get("$end")})`;
  const params = "(param $state i32) (param $out i32) (param $shift i32) (param $scale f64) (param $length i32)";
  // An event's normal x, for lane j, written at the lane's position (shifted, rounded as the kernel's stores do).
  const write = (j: number, x: string) => {
    const shiftAt = `(i32.add ${get("$position")} (i32.sub ${get("$shift")} ${get("$out")}))`;
    const base = element === "f64" ? `(f64.load ${shiftAt})` : `(f64.promote_f32 (f32.load ${shiftAt}))`;
    const value = shifted ? `(f64.add ${base} (f64.mul ${get("$scale")} ${x}))` : x;
    return `(local.set $position (i32.load offset=${POSITIONS + 4 * j} (i32.const 0)))
            ${element === "f64" ? `(f64.store offset=${j * rowBytes} ${get("$position")} ${value})` : `(f32.store offset=${j * rowBytes} ${get("$position")} (f32.demote_f64 ${value}))`}
            (i32.store offset=${POSITIONS + 4 * j} (i32.const 0) (i32.add ${get("$position")} (i32.const ${bytes})))`;
  };
  const wordAt = (w: number, j: number) => `offset=${16 * w + 4 * j} ${get("$state")}`;
  const events = (j: number) => `(if (i32.and ${get("$events")} (i32.const ${1 << j}))
          (then
            ;; Lane ${j} drew in the tail: its loop, on the lane's state past that number.
            (call $tail (i32.load offset=${TAIL_NUMBERS + 4 * j} (i32.const 0)) ${lanes.map((w) => `(i32.load ${wordAt(w, j)})`).join(" ")})
            ${[3, 2, 1, 0].map((w) => `(local.set $w${w})`).join(" ")} (local.set $x)
            ${lanes.map((w) => `(i32.store ${wordAt(w, j)} ${get(`$w${w}`)})`).join(" ")}
            ${write(j, get("$x"))}))
        (if (i32.and ${get("$events")} (i32.const ${1 << (j + 4)}))
          (then
            ;; Lane ${j}'s wedge test, left to exp as random.ts's underDensity leaves it.
            (local.set $x (f64.load offset=${EVENTS + 16 * j} (i32.const 0)))
            (if (f64.lt (f64.load offset=${EVENTS + 16 * j + 8} (i32.const 0)) (call $exp (f64.mul (f64.mul (f64.const -0.5) ${get("$x")}) ${get("$x")})))
              (then ${write(j, get("$x"))}))))`;
  return `
  (func $steps_${name} ${params} (result i32)
    ${v128s.split(" ").map((l) => `(local ${l} v128)`).join(" ")}
    ${i32s.split(" ").map((l) => `(local ${l} i32)`).join(" ")} (local $margin f64) ${["$wx", "$wy", "$wax", "$wa", "$wb", "$chord", "$tangentA", "$tangentB"].map((l) => `(local ${l}S f64)`).join(" ")}
    (local.set $s0 (v128.load offset=0 ${get("$state")}))
    (local.set $s1 (v128.load offset=16 ${get("$state")}))
    (local.set $s2 (v128.load offset=32 ${get("$state")}))
    (local.set $s3 (v128.load offset=48 ${get("$state")}))
    (local.set $margin (f64.load offset=${CONSTANTS + 8} (i32.const 0)))
    ;; Each lane's position, as the address of its next number in row 0's terms; shift[i] is at position + toShift.
    (local.set $at (v128.load offset=${POSITIONS} (i32.const 0)))
    ${lanes.map((j) => `(local.set $o${j} (i32x4.extract_lane ${j} ${get("$at")}))`).join(" ")}
    (local.set $lead ${max(max(get("$o0"), get("$o1")), max(get("$o2"), get("$o3")))})
    (local.set $end (i32x4.splat (i32.add ${get("$out")} (i32.mul ${get("$length")} (i32.const ${bytes})))))
    (local.set $toShift (i32.sub ${get("$shift")} ${get("$out")}))
    ;; While every lane has numbers left to write: no masks.
    (block $together
      (br_if $together (i32.ge_u ${get("$lead")} ${endScalar}))
      (loop $next
        ${step(element, shifted, false)}
        (br_if $together ${get("$events")})
        (br_if $next (i32.lt_u ${get("$lead")} ${endScalar}))))
    (local.set $at ${lanes.slice(1).reduce((v, j) => `(i32x4.replace_lane ${j} ${v} ${get(`$o${j}`)})`, `(i32x4.splat ${get("$o0")})`)})
    ;; The last steps, lanes finishing one by one.
    (block $done
      (br_if $done ${get("$events")})
      (loop $next
        (local.set $active (i32x4.lt_u ${get("$at")} ${get("$end")}))
        (br_if $done (i32.eqz (v128.any_true ${get("$active")})))
        ${step(element, shifted, true)}
        (br_if $done ${get("$events")})
        (br $next)))
    (v128.store offset=${POSITIONS} (i32.const 0) ${get("$at")})
    (v128.store offset=0 ${get("$state")} ${get("$s0")})
    (v128.store offset=16 ${get("$state")} ${get("$s1")})
    (v128.store offset=32 ${get("$state")} ${get("$s2")})
    (v128.store offset=48 ${get("$state")} ${get("$s3")})
    ${get("$events")})

  (func $${name} (export "${name}") ${params}
    (local $events i32) (local $position i32) (local $x f64) (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (v128.store offset=${POSITIONS} (i32.const 0) (i32x4.splat ${get("$out")}))
    (loop $resume
      (local.set $events (call $steps_${name} ${["$state", "$out", "$shift", "$scale", "$length"].map(get).join(" ")}))
      (if ${get("$events")}
        (then
        ${lanes.map(events).join("\n        ")}
        (br $resume)))))`;
}

/** xoshiro128** on the state in locals $s0..$s3: the next number goes to `result`. */
function scalarStep(result: string): string {
  return `(local.set ${result} (i32.mul (i32.rotl (i32.mul (local.get $s1) (i32.const 5)) (i32.const 7)) (i32.const 9)))
    (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
    (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
    (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
    (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
    (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
    (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
    (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))`;
}

/** Rng.uniform on the state in locals, into `result`: ((next >>> 0) + 0.5) * 2^-32. */
function uniform(result: string): string {
  return `${scalarStep("$u")}
    (local.set ${result} (f64.mul (f64.add (f64.convert_i32_u (local.get $u)) (f64.const 0.5)) (f64.const 0x1p-32)))`;
}

/**
 * The tail layer of Rng.normalTail (iz = 0), line for line, on one lane's
 * state. The state travels in and out as values (multi-value), not through
 * memory: a wide store read back in narrow pieces, or the reverse, would
 * stall on store forwarding.
 */
const tailLayer = `
  ;; The tail beyond R for draw hz, on a lane whose state is s0..s3: the normal and the lane's stepped state.
  (func $tail (param $hz i32) (param $s0 i32) (param $s1 i32) (param $s2 i32) (param $s3 i32) (result f64 i32 i32 i32 i32)
    (local $x f64) (local $y f64) (local $r f64) (local $v f64) (local $t i32) (local $u i32)
    (local.set $r (f64.load offset=${CONSTANTS} (i32.const 0)))
    (loop $tailDraw
      ${uniform("$v")}
      (local.set $x (f64.div (f64.neg (call $log (local.get $v))) (local.get $r)))
      ${uniform("$v")}
      (local.set $y (f64.neg (call $log (local.get $v))))
      (br_if $tailDraw (f64.lt (f64.add (local.get $y) (local.get $y)) (f64.mul (local.get $x) (local.get $x)))))
    (select (f64.add (local.get $r) (local.get $x)) (f64.sub (f64.neg (local.get $r)) (local.get $x)) (i32.gt_s (local.get $hz) (i32.const 0)))
    (local.get $s0) (local.get $s1) (local.get $s2) (local.get $s3))`;

/** The module's text: imports Math.exp, Math.log and its memory; exports the four kernels. */
export function normalsWat(): string {
  return `;; Generated by scripts/kernels/normals-wat.ts: edit that file, then run scripts/build-kernels.ts.
(module
  (import "math" "exp" (func $exp (param f64) (result f64)))
  (import "math" "log" (func $log (param f64) (result f64)))
  (import "env" "memory" (memory 1))
${tailLayer}
${kernel("f64", false)}
${kernel("f32", false)}
${kernel("f64", true)}
${kernel("f32", true)}
)
`;
}
