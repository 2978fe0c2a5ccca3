// Gaussian directions drawn four streams at a time by a WebAssembly SIMD
// kernel (built from scripts/kernels/normals-wat.ts). Lane j of a group is
// stream j's own xoshiro128** state with its own position in its row (the
// lanes go out of step at the ziggurat's slow draws: none waits for the
// others), so every stream gets exactly the numbers Rng.fillNormal draws for
// it, in float64 or rounded to float32 as a Float32Array store rounds: the
// kernel is a faster way to the same bits, never another generator. Where WebAssembly (or its SIMD) is missing, or
// kernels are switched off, callers draw with Rng as before.
//
// The kernel works on its own memory: a tile of TILE coordinates per stream
// (rows TILE numbers apart, the layout of TiledDirections' scratch) and, for
// query points theta + mu u, a tile of theta. Callers copy tiles in and out
// with TypedArray.set, or read the rows where they lie.
import type { Precision } from "../precision";
import { Rng, seedState, zigguratTables } from "../random";
import { NORMALS_WASM_BASE64 } from "./normals-wasm";
import { compileKernel } from "./compile";

/** Coordinates per tile (the kernel's row stride). */
export const KERNEL_TILE = 2048;
/** Memory layout of the kernel (scripts/kernels/normals-wat.ts): a 64-byte record per ziggurat layer, then constants. */
const LAYERS = 0;
const LAYER_BYTES = 64;
const CONSTANTS = LAYERS + 128 * LAYER_BYTES;
const FREE = 16384;
const PAGE = 65536;
/** Memory of a new instance: room for 16 rows of a tile (K = 16 directions). */
const DEFAULT_PAGES = Math.ceil((FREE + KERNEL_TILE * 8 + 4 * 64 + 16 * KERNEL_TILE * 8) / PAGE);
const LANES = 4;

type Kernel = (state: number, out: number, shift: number, scale: number, length: number) => void;
interface NormalsExports {
  normals_f64: Kernel;
  normals_f32: Kernel;
  shifted_f64: Kernel;
  shifted_f32: Kernel;
}

let enabled = true;
/** undefined: not compiled yet; null: this platform cannot run it. */
let compiled: WebAssembly.Module | null | undefined;

/** Switch the kernels off (or back on) for lanes created from now on: the draws are the same either way. */
export function useNormalKernels(on: boolean): void {
  enabled = on;
}

function normalsModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileKernel(NORMALS_WASM_BASE64);
  return compiled;
}

/** Several Gaussian streams drawn side by side, a tile at a time. */
export class GaussianLanes {
  private memory!: WebAssembly.Memory;
  private kernels!: NormalsExports;
  private count = 0;
  /** Streams [count - leftOver, count) are drawn by rngs (fillNormal), into their rows of the same tile. */
  private leftOver = 0;
  private readonly rngs: Rng[] = [];
  private groups = 0;
  private readonly shiftOffset = FREE;
  private statesOffset = 0;
  private rowsOffset = 0;
  private float64Rows = new Float64Array(0);
  private float32Rows = new Float32Array(0);
  private float64Shift = new Float64Array(0);
  private float32Shift = new Float32Array(0);

  /** Lanes on the kernel, or null where it cannot run (or kernels are switched off). */
  static create(): GaussianLanes | null {
    if (!enabled) return null;
    const module = normalsModule();
    if (module === null) return null;
    try {
      return new GaussianLanes(module);
    } catch {
      return null;
    }
  }

  private constructor(private readonly module: WebAssembly.Module) {
    this.instantiate(DEFAULT_PAGES);
    this.layout(0, 0);
  }

  /**
   * A fresh instance on a memory of `pages` pages, its tables written. The
   * memory never grows: growing detaches its ArrayBuffer, and V8 then checks
   * for detached buffers at every typed-array access in the process (the
   * engine's loops would all slow down). More room means a new memory.
   */
  private instantiate(pages: number): void {
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(this.module, { math: { exp: Math.exp, log: Math.log }, env: { memory: this.memory } });
    this.kernels = instance.exports as unknown as NormalsExports;
    const t = zigguratTables;
    const memory = this.memory.buffer;
    const layers = new DataView(memory, LAYERS, 128 * LAYER_BYTES);
    for (let iz = 0; iz < 128; iz++) {
      const at = iz * LAYER_BYTES;
      layers.setFloat64(at, t.wn[iz], true);
      layers.setInt32(at + 8, t.kn[iz], true);
      // The wedge of layer iz (none in the tail layer 0): its shape, then fn[iz - 1], fn[iz] and its bounds' left, right, slope.
      layers.setInt32(at + 12, t.wedgeShape[iz], true);
      const wedge = iz === 0 ? [0, 0, 0, 0, 0] : [t.fn[iz - 1], t.fn[iz], t.wedgeLeft[iz], t.wedgeRight[iz], t.wedgeSlope[iz]];
      wedge.forEach((value, field) => layers.setFloat64(at + 16 + 8 * field, value, true));
    }
    new Float64Array(memory, CONSTANTS, 2).set([t.r, t.margin]);
  }

  /**
   * Restart on the streams seeds[0 .. count) (count defaults to all), with
   * room for at least `rows` rows in the tile (rows a caller fills itself).
   * Views from earlier calls may be stale after this: take them again.
   */
  start(seeds: ArrayLike<number>, count = seeds.length, rows = count): void {
    // A single stream left over after the groups of four draws faster on Rng than in a group of its own
    // (three idle lanes); two or three draw faster in a group (bench/normals.ts).
    const leftOver = count % LANES === 1 ? 1 : 0;
    this.count = count;
    this.groups = Math.ceil((count - leftOver) / LANES);
    this.layout(this.groups, Math.max(rows, count, this.groups * LANES));
    for (let j = 0; j < leftOver; j++) (this.rngs[j] ??= new Rng(0)).reseed(seeds[count - leftOver + j]);
    this.leftOver = leftOver;
    const states = new Int32Array(this.memory.buffer, this.statesOffset, this.groups * 16);
    states.fill(0);
    for (let g = 0; g < this.groups; g++) {
      for (let lane = 0; lane < LANES; lane++) {
        const stream = g * LANES + lane;
        // A group's unused lanes draw a stream of their own, into rows nobody reads.
        seedState(stream < count ? seeds[stream] : 0, states, g * 16 + lane, LANES);
      }
    }
  }

  /** Draw the next `length` (at most KERNEL_TILE) normals of every started stream into its row of rows(precision). */
  draw(length: number, precision: Precision): void {
    this.run(precision === "float64" ? this.kernels.normals_f64 : this.kernels.normals_f32, precision, length, 1, false);
  }

  /** As draw, but row j gets shift[i] + scale * z_i, with shift the tile in shift(precision). */
  drawShifted(length: number, scale: number, precision: Precision): void {
    this.run(precision === "float64" ? this.kernels.shifted_f64 : this.kernels.shifted_f32, precision, length, scale, true);
  }

  /** The tile: stream j's coordinates at [j * KERNEL_TILE, j * KERNEL_TILE + length). */
  rows(precision: "float64"): Float64Array;
  rows(precision: "float32"): Float32Array;
  rows(precision: Precision): Float64Array | Float32Array;
  rows(precision: Precision): Float64Array | Float32Array {
    return precision === "float64" ? this.float64Rows : this.float32Rows;
  }

  /** The shift tile read by drawShifted (KERNEL_TILE numbers). */
  shift(precision: Precision): Float64Array | Float32Array {
    return precision === "float64" ? this.float64Shift : this.float32Shift;
  }

  private run(kernel: Kernel, precision: Precision, length: number, scale: number, shifted: boolean): void {
    if (!(length >= 0 && length <= KERNEL_TILE)) throw new RangeError(`a tile holds at most ${KERNEL_TILE} coordinates (asked for ${length})`);
    const rowBytes = KERNEL_TILE * (precision === "float64" ? 8 : 4);
    for (let g = 0; g < this.groups; g++) kernel(this.statesOffset + g * 64, this.rowsOffset + g * LANES * rowBytes, this.shiftOffset, scale, length);
    if (this.leftOver === 0) return;
    const rows = this.rows(precision);
    const shift = shifted ? this.shift(precision) : null;
    for (let j = 0; j < this.leftOver; j++) this.rngs[j].fillNormal(rows, (this.count - this.leftOver + j) * KERNEL_TILE, length, shift, scale);
  }

  /** Place the states after the shift tile and the rows after the states, on a larger memory if needed. */
  private layout(groups: number, rows: number): void {
    this.statesOffset = this.shiftOffset + KERNEL_TILE * 8;
    this.rowsOffset = this.statesOffset + groups * 64;
    const end = this.rowsOffset + rows * KERNEL_TILE * 8;
    const pages = Math.ceil(end / PAGE);
    if (pages > this.memory.buffer.byteLength / PAGE) this.instantiate(pages);
    const buffer = this.memory.buffer;
    this.float64Shift = new Float64Array(buffer, this.shiftOffset, KERNEL_TILE);
    this.float32Shift = new Float32Array(buffer, this.shiftOffset, KERNEL_TILE);
    this.float64Rows = new Float64Array(buffer, this.rowsOffset, rows * KERNEL_TILE);
    this.float32Rows = new Float32Array(buffer, this.rowsOffset, rows * KERNEL_TILE);
  }
}
