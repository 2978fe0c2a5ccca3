// The bench's trigonometric functions (levy, ackley, rastrigin) summed by a
// WebAssembly SIMD kernel (built from scripts/kernels/functions-wat.ts), two
// f64x2 pairs a step: the same terms, the same lane order and so the same
// bits as the JavaScript sums of src/engine/function-sums.ts, only faster.
// A row is copied into the kernel's memory a tile at a time (a tile stays in
// the first-level cache), float32 rows as they are (the kernel promotes
// them). Where WebAssembly SIMD cannot run, or kernels are switched off,
// callers sum in JavaScript.
import { type Coordinates, type SummedFunction } from "../function-sums";
import { FUNCTIONS_WASM_BASE64 } from "./functions-wasm";
import { compileKernel } from "./compile";

/** Memory layout of the kernel (scripts/kernels/functions-wat.ts). */
const SUMS = 0;
const TILE_AT = 64;
const TILE = 4096;

type Kernel = (at: number, length: number) => void;
type Exports = Record<`${SummedFunction}_${"f64" | "f32"}`, Kernel>;

let enabled = true;
/** undefined: not tried yet; null: this platform cannot run it. */
let instance: FunctionKernels | null | undefined;

/** Switch the kernel off (or back on): the values are the same either way. */
export function useFunctionKernels(on: boolean): void {
  enabled = on;
}

/** The kernel, or null where it cannot run or is switched off. */
export function functionKernels(): FunctionKernels | null {
  if (!enabled) return null;
  if (instance === undefined) instance = FunctionKernels.create();
  return instance;
}

export class FunctionKernels {
  private readonly kernels: Exports;
  private readonly sums: Float64Array;
  private readonly float64Tile: Float64Array;
  private readonly float32Tile: Float32Array;

  static create(): FunctionKernels | null {
    const module = compileKernel(FUNCTIONS_WASM_BASE64);
    return module === null ? null : new FunctionKernels(module);
  }

  private constructor(module: WebAssembly.Module) {
    // The tile plus one block of padding, read (and masked) after a row's last coordinates.
    const memory = new WebAssembly.Memory({ initial: Math.ceil((TILE_AT + (TILE + 4) * 8) / 65536) });
    this.kernels = new WebAssembly.Instance(module, { math: { sin: Math.sin, cos: Math.cos }, env: { memory } }).exports as unknown as Exports;
    this.sums = new Float64Array(memory.buffer, SUMS, 8);
    this.float64Tile = new Float64Array(memory.buffer, TILE_AT, TILE + 4);
    this.float32Tile = new Float32Array(memory.buffer, TILE_AT, TILE + 4);
  }

  /** As scalarSums (src/engine/function-sums.ts): the sums of `name` over x[from, to) into out, the same bits. */
  sum(name: SummedFunction, x: Coordinates, from: number, to: number, out: Float64Array): void {
    const wide = x instanceof Float64Array;
    const kernel = this.kernels[`${name}_${wide ? "f64" : "f32"}`];
    const tile = wide ? this.float64Tile : this.float32Tile;
    const sums = this.sums;
    sums.fill(0);
    for (let at = from; at < to; at += TILE) {
      const end = Math.min(at + TILE, to);
      tile.set(x.subarray(at, end));
      kernel(TILE_AT, end - at);
    }
    out[0] = sums[0] + sums[2] + (sums[1] + sums[3]);
    out[1] = sums[4] + sums[6] + (sums[5] + sums[7]);
  }
}
