// The bench functions' WebAssembly kernel sums exactly what the JavaScript
// sums of src/engine/function-sums.ts sum: every function, every length and
// offset, both precisions, across tiles, with arguments beyond the kernel's
// reduction (where Math.sin / Math.cos decide) and NaN. And evaluateRows
// gives the same bits with the kernel switched off.
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FUNCTIONS_KERNEL, assembleKernel, kernelModulePath, kernelModuleSource } from "../../scripts/build-kernels";
import { evaluateRows, Rng, syntheticFunction, syntheticFunctionNames, useFunctionKernels } from "../../src/engine";
import { type SummedFunction, scalarSums } from "../../src/engine/function-sums";
import { FunctionKernels } from "../../src/engine/kernels/functions";

const SUMMED: SummedFunction[] = ["levy", "ackley", "rastrigin"];

function kernels(): FunctionKernels {
  const created = FunctionKernels.create();
  assert.ok(created !== null, "Node 20 runs WebAssembly SIMD: the kernel must be available");
  return created;
}

/** Gaussian coordinates times `spread`, with a few placed where the reduction changes quadrant or gives way to Math. */
function coordinates(length: number, spread: number, seed: number, precision: "float64" | "float32", special: number[] = []): Float64Array | Float32Array {
  const x = precision === "float64" ? new Float64Array(length) : new Float32Array(length);
  new Rng(seed).fillNormal(x, 0, length);
  for (let i = 0; i < length; i++) x[i] *= spread;
  // Multiples of 1/4 and 1/8: 2 pi x and pi w + 1 near multiples of pi/2.
  for (let i = 3; i < length; i += 17) x[i] = Math.round(x[i] * 8) / 8;
  special.forEach((value, k) => {
    if (length > 0) x[(k * 997 + 11) % length] = value;
  });
  return x;
}

function same(a: number, b: number): boolean {
  return Object.is(a, b);
}

describe("bench functions' kernel", () => {
  it("the committed module is the build script's output, byte for byte", async () => {
    const rebuilt = kernelModuleSource(FUNCTIONS_KERNEL, await assembleKernel(FUNCTIONS_KERNEL));
    assert.equal(readFileSync(kernelModulePath(FUNCTIONS_KERNEL), "utf8"), rebuilt, "run `npx tsx scripts/build-kernels.ts` and commit the result");
  });

  it("sums levy, ackley and rastrigin as the JavaScript sums do, bit for bit: any length and offset, both precisions, across tiles", () => {
    const kernel = kernels();
    const lengths = [0, 1, 2, 3, 4, 5, 7, 31, 4095, 4096, 4097, 4099, 8195, 10001];
    for (const name of SUMMED) {
      for (const precision of ["float64", "float32"] as const) {
        for (const length of lengths) {
          for (const spread of [1, 30]) {
            for (const from of [0, 3]) {
              const x = coordinates(from + length + 2, spread, length * 31 + spread + from, precision);
              const expected = new Float64Array(2);
              const got = new Float64Array(2);
              scalarSums(name, x, from, from + length, expected);
              kernel.sum(name, x, from, from + length, got);
              const where = `${name}, ${precision}, length ${length}, spread ${spread}, from ${from}`;
              assert.ok(same(got[0], expected[0]), `${where}: ${got[0]} vs ${expected[0]}`);
              if (name === "ackley") assert.ok(same(got[1], expected[1]), `${where}, cosines: ${got[1]} vs ${expected[1]}`);
            }
          }
        }
      }
    }
  });

  it("hands arguments beyond the reduction to Math.sin / Math.cos in any lane, and carries NaN and infinities through", () => {
    const kernel = kernels();
    const cases: [string, number[]][] = [
      ["beyond the reduction", [3e6, -3e6, 2.6e5, -7.5e8, 1e30]],
      ["infinite", [Infinity]],
      ["NaN", [NaN]],
    ];
    for (const name of SUMMED) {
      for (const precision of ["float64", "float32"] as const) {
        for (const [label, special] of cases) {
          for (const length of [1, 2, 3, 4, 5, 6, 7, 8, 9000]) {
            // Every lane position: the special values at each of the first four coordinates in turn.
            for (let lane = 0; lane < Math.min(4, length); lane++) {
              const x = coordinates(length, 2, lane + length, precision, special);
              x[lane] = special[0];
              const expected = new Float64Array(2);
              const got = new Float64Array(2);
              scalarSums(name, x, 0, length, expected);
              kernel.sum(name, x, 0, length, got);
              const where = `${name}, ${precision}, ${label}, length ${length}, lane ${lane}`;
              assert.ok(same(got[0], expected[0]), `${where}: ${got[0]} vs ${expected[0]}`);
              if (name === "ackley") assert.ok(same(got[1], expected[1]), `${where}, cosines: ${got[1]} vs ${expected[1]}`);
              if (label === "beyond the reduction") assert.ok(Number.isFinite(got[0]), `${where}: ${got[0]}`);
            }
          }
        }
      }
    }
  });

  it("evaluateRows gives the same bits with the kernel switched off, for every function, both precisions", () => {
    for (const name of syntheticFunctionNames()) {
      const f = syntheticFunction(name);
      for (const precision of ["float64", "float32"] as const) {
        for (const d of [1, 2, 5, 31, 32, 33, 4100, 10000]) {
          const rows = 11;
          const points = coordinates(rows * d, 3, d, precision);
          const withKernel = evaluateRows(f, points, rows, d, new Float64Array(rows));
          useFunctionKernels(false);
          let without: Float64Array;
          try {
            without = evaluateRows(f, points, rows, d, new Float64Array(rows));
          } finally {
            useFunctionKernels(true);
          }
          for (let r = 0; r < rows; r++) assert.ok(same(withKernel[r], without[r]), `${name}, ${precision}, d = ${d}, row ${r}: ${withKernel[r]} vs ${without[r]}`);
        }
      }
    }
  });
});
