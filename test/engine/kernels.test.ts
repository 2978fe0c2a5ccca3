// The WebAssembly Gaussian kernel draws exactly what Rng.fillNormal draws:
// every stream, every length, both precisions, shifted or not, continued
// across tiles, on the slow path and in the tail, whatever the lanes' slow
// draws do to their order (rejected wedges, tail draws and exp at a call's
// first and last positions and while lanes finish apart). And everything built on it
// (query rows, regenerated tiles, whole runs) is bit for bit the same with
// the kernel switched off.
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { NORMALS_KERNEL, assembleKernel, kernelModulePath, kernelModuleSource } from "../../scripts/build-kernels";
import {
  createOptimizer,
  directionSeed,
  drawQueryRows,
  GaussianLanes,
  KERNEL_TILE,
  makeDirectionSource,
  type Precision,
  type QueryRows,
  QueryRowWriter,
  Rng,
  useNormalKernels,
  type Vector,
  zeros,
} from "../../src/engine";
import { zigguratTables } from "../../src/engine/random";
import { TiledDirections } from "../../src/engine/tiles";

function bytes(values: Vector): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** Stream `seed`'s first `length` numbers as Rng.fillNormal writes them (shifted by shift[i] + scale z when given). */
function reference(seed: number, length: number, precision: Precision, shift: Vector | null = null, scale = 1): Vector {
  const out = zeros(precision, length);
  new Rng(seed).fillNormal(out, 0, length, shift, scale);
  return out;
}

/** With the kernel switched off for what `build` creates. */
function withoutKernels<T>(build: () => T): T {
  useNormalKernels(false);
  try {
    return build();
  } finally {
    useNormalKernels(true);
  }
}

/** How a stream's draws went, replayed on its raw numbers as Rng.normal consumes them. */
interface SlowDraws {
  /** Output indices whose draw left the fast path (a wedge candidate or a tail draw, possibly after rejections). */
  slow: Set<number>;
  rejected: number;
  /** A rejected wedge whose next number is itself slow, and the case where that number is a tail draw. */
  rejectedThenSlow: number;
  rejectedThenTail: number;
  tails: number;
  /** Wedge tests on the layer whose piece holds 1, where exp decides. */
  expDecided: number;
}

function slowDraws(seed: number, length: number): SlowDraws {
  const { kn, wn, fn, wedgeShape, r } = zigguratTables;
  const rng = new Rng(seed);
  const result: SlowDraws = { slow: new Set(), rejected: 0, rejectedThenSlow: 0, rejectedThenTail: 0, tails: 0, expDecided: 0 };
  for (let i = 0; i < length; i++) {
    let hz = rng.nextInt32();
    let iz = hz & 127;
    if (Math.abs(hz) < kn[iz]) continue;
    result.slow.add(i);
    for (let afterReject = false; ; afterReject = true) {
      if (afterReject) result.rejectedThenSlow++;
      if (iz === 0) {
        result.tails++;
        if (afterReject) result.rejectedThenTail++;
        for (;;) {
          const x = -Math.log(rng.uniform()) / r;
          const y = -Math.log(rng.uniform());
          if (y + y >= x * x) break;
        }
        break;
      }
      const x = hz * wn[iz];
      if (wedgeShape[iz] === 0) result.expDecided++;
      if (fn[iz] + rng.uniform() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) break;
      result.rejected++;
      hz = rng.nextInt32();
      iz = hz & 127;
      if (Math.abs(hz) < kn[iz]) break;
    }
  }
  return result;
}

function lanes(): GaussianLanes {
  const created = GaussianLanes.create();
  assert.ok(created !== null, "Node 20 runs WebAssembly SIMD: the kernel must be available");
  return created;
}

describe("Gaussian kernel", () => {
  it("the committed module is the build script's output, byte for byte", async () => {
    const rebuilt = kernelModuleSource(NORMALS_KERNEL, await assembleKernel(NORMALS_KERNEL));
    assert.equal(readFileSync(kernelModulePath(NORMALS_KERNEL), "utf8"), rebuilt, "run `npx tsx scripts/build-kernels.ts` and commit the result");
  });

  it("draws each stream's numbers as Rng.fillNormal does, for 1 to 12 streams, both precisions, shifted or not", () => {
    const kernel = lanes();
    const lengths = [0, 1, 3, 7, 2047, 2048, 2049, 5000];
    for (const precision of ["float64", "float32"] as const) {
      for (let count = 1; count <= 12; count++) {
        for (const length of lengths) {
          for (const shifted of [false, true]) {
            const seeds = Array.from({ length: count }, (_, j) => directionSeed(count * 7 + length, shifted ? 1 : 0, j));
            const theta = zeros(precision, length);
            for (let i = 0; i < length; i++) theta[i] = Math.sin(i * 0.37) * 3;
            const scale = 0.0123;
            const expected = seeds.map((seed) => reference(seed, length, precision, shifted ? theta : null, scale));
            const got = seeds.map(() => zeros(precision, length));
            kernel.start(seeds);
            for (let from = 0; from < length; from += KERNEL_TILE) {
              const n = Math.min(KERNEL_TILE, length - from);
              if (shifted) {
                kernel.shift(precision).set(theta.subarray(from, from + n));
                kernel.drawShifted(n, scale, precision);
              } else {
                kernel.draw(n, precision);
              }
              const tile = kernel.rows(precision);
              got.forEach((row, j) => row.set(tile.subarray(j * KERNEL_TILE, j * KERNEL_TILE + n), from));
            }
            got.forEach((row, j) => assert.ok(bytes(row).equals(bytes(expected[j])), `${precision}, ${count} streams, length ${length}, shifted ${shifted}, stream ${j}`));
          }
        }
      }
    }
  });

  it("continues streams across calls of any length, as one fillNormal would draw them", () => {
    const kernel = lanes();
    const chunks = [1, 5, 2048, 0, 333, 2047, 2, 1000, 17];
    const total = chunks.reduce((a, b) => a + b, 0);
    for (const count of [1, 4, 6, 9]) {
      const seeds = Array.from({ length: count }, (_, j) => 1000 + 31 * j + count);
      const expected = seeds.map((seed) => reference(seed, total, "float64"));
      kernel.start(seeds);
      let at = 0;
      for (const n of chunks) {
        kernel.draw(n, "float64");
        const tile = kernel.rows("float64");
        for (let j = 0; j < count; j++) {
          assert.ok(bytes(tile.subarray(j * KERNEL_TILE, j * KERNEL_TILE + n)).equals(bytes(expected[j].subarray(at, at + n))), `${count} streams, chunk at ${at}, stream ${j}`);
        }
        at += n;
      }
    }
  });

  it("matches through every kind of slow draw, lanes finishing apart, on calls of odd lengths", () => {
    // Each slow draw moves its lane out of step with the others; events (tail draws, exp) end the kernel's
    // step loop and resume it. Calls of 1, 2, 3 ... numbers put slow draws at a call's first and last
    // positions and in the steps where some lanes have finished.
    const kernel = lanes();
    const chunks = [1, 2, 3, 5, 2048, 7, 1000, 2047, 13, 64, 1, 1, 4, 999];
    const total = 120_000;
    for (const count of [3, 7, 12]) {
      const seeds = Array.from({ length: count }, (_, j) => directionSeed(77, count, j));
      for (const precision of ["float64", "float32"] as const) {
        for (const shifted of [false, true]) {
          const theta = zeros(precision, total);
          for (let i = 0; i < total; i++) theta[i] = Math.cos(i * 0.11) - 0.5;
          const scale = 0.37;
          const expected = seeds.map((seed) => reference(seed, total, precision, shifted ? theta : null, scale));
          kernel.start(seeds);
          for (let at = 0, c = 0; at < total; c++) {
            const n = Math.min(chunks[c % chunks.length], total - at);
            if (shifted) {
              kernel.shift(precision).set(theta.subarray(at, at + n));
              kernel.drawShifted(n, scale, precision);
            } else {
              kernel.draw(n, precision);
            }
            const tile = kernel.rows(precision);
            for (let j = 0; j < count; j++) {
              const got = tile.subarray(j * KERNEL_TILE, j * KERNEL_TILE + n);
              assert.ok(bytes(got).equals(bytes(expected[j].subarray(at, at + n))), `${count} streams, ${precision}, shifted ${shifted}, call at ${at} (${n} numbers), stream ${j}`);
            }
            at += n;
          }
        }
      }
      if (count !== 12) continue;
      // What the streams went through, so that a change of seeds cannot quietly skip a path.
      const draws = seeds.map((seed) => slowDraws(seed, total));
      const sum = (f: (d: SlowDraws) => number) => draws.reduce((n, d) => n + f(d), 0);
      const firsts: number[] = [];
      const lasts: number[] = [];
      for (let at = 0, c = 0; at < total; c++) {
        const n = Math.min(chunks[c % chunks.length], total - at);
        firsts.push(at);
        lasts.push(at + n - 1);
        at += n;
      }
      const at = (positions: number[]) => sum((d) => positions.filter((i) => d.slow.has(i)).length);
      assert.ok(sum((d) => d.rejected) > 10_000, `${sum((d) => d.rejected)} rejected wedges`);
      assert.ok(sum((d) => d.rejectedThenSlow) > 300, `${sum((d) => d.rejectedThenSlow)} rejected wedges followed by a slow number`);
      assert.ok(sum((d) => d.rejectedThenTail) >= 1, "a rejected wedge followed by a tail draw");
      assert.ok(sum((d) => d.tails) > 500, `${sum((d) => d.tails)} tail draws`);
      assert.ok(sum((d) => d.expDecided) > 100, `${sum((d) => d.expDecided)} wedge tests left to exp`);
      assert.ok(at(firsts) > 50 && at(lasts) > 50, `slow draws at a call's first (${at(firsts)}) and last (${at(lasts)}) positions`);
    }
  });

  it("takes a new memory for more streams, never detaching the old one (V8 slows every typed-array access after a detach)", () => {
    const kernel = lanes();
    kernel.start([1, 2, 3]);
    const before = kernel.rows("float64");
    const seeds = Array.from({ length: 40 }, (_, j) => 500 + j);
    kernel.start(seeds);
    assert.ok(before.byteLength > 0, "the earlier memory is still attached");
    kernel.draw(100, "float64");
    const tile = kernel.rows("float64");
    seeds.forEach((seed, j) => assert.ok(bytes(tile.subarray(j * KERNEL_TILE, j * KERNEL_TILE + 100)).equals(bytes(reference(seed, 100, "float64"))), `stream ${j}`));
  });

  it("matches on long streams that take the slow path and the tail thousands of times", () => {
    const kernel = lanes();
    const length = 100_000;
    const seeds = Array.from({ length: 12 }, (_, j) => directionSeed(2024, 99, j));
    const expected = seeds.map((seed) => reference(seed, length, "float64"));
    // The tail (layer 0 beyond R = 3.4426) draws every |z| above R: make sure the test exercises it.
    const tailDraws = expected.reduce((n, row) => n + row.filter((z) => Math.abs(z) > 3.442619855899).length, 0);
    assert.ok(tailDraws > 300, `only ${tailDraws} tail draws`);
    kernel.start(seeds);
    for (let from = 0; from < length; from += KERNEL_TILE) {
      const n = Math.min(KERNEL_TILE, length - from);
      kernel.draw(n, "float64");
      const tile = kernel.rows("float64");
      seeds.forEach((_, j) => assert.ok(bytes(tile.subarray(j * KERNEL_TILE, j * KERNEL_TILE + n)).equals(bytes(expected[j].subarray(from, from + n))), `stream ${j} at ${from}`));
    }
  });

  it("writes query rows as drawQueryRows does: forward and antithetic, any row range, both precisions", () => {
    for (const precision of ["float64", "float32"] as const) {
      for (const d of [1, 5, 2049, 4500]) {
        for (const antithetic of [false, true]) {
          for (const [from, to] of [
            [0, 10],
            [3, 7],
            [5, 5],
            [0, 1],
          ]) {
            const queries = 10;
            const firstRow = antithetic ? 0 : 1;
            const rowCount = firstRow + queries * (antithetic ? 2 : 1);
            const theta = zeros(precision, d);
            for (let i = 0; i < d; i++) theta[i] = Math.cos(i) * 2;
            const seeds = Uint32Array.from({ length: queries }, (_, k) => directionSeed(d, from, k));
            const rows = (points: Vector): QueryRows => ({ sampler: "gaussian", dimension: d, points, theta, mu: 0.01, antithetic, firstRow, seeds, from, to });
            const expected = zeros(precision, rowCount * d).fill(7);
            drawQueryRows(makeDirectionSource("gaussian", d), rows(expected));
            const got = zeros(precision, rowCount * d).fill(7);
            new QueryRowWriter("gaussian", d).write(rows(got));
            assert.ok(bytes(got).equals(bytes(expected)), `${precision}, d ${d}, antithetic ${antithetic}, rows [${from}, ${to})`);
          }
        }
      }
    }
  });

  it("regenerates tiles of directions as the JavaScript streams do", () => {
    const d = 7000;
    for (const count of [1, 3, 10]) {
      const seeds = Uint32Array.from({ length: count }, (_, k) => directionSeed(5, count, k));
      const withKernel = new TiledDirections("gaussian", d);
      const withoutKernel = withoutKernels(() => new TiledDirections("gaussian", d));
      const a = withKernel.start(seeds);
      const b = withoutKernel.start(seeds);
      for (let from = 0; from < d; from += KERNEL_TILE) {
        const n = Math.min(KERNEL_TILE, d - from);
        withKernel.draw(count, n);
        withoutKernel.draw(count, n);
        for (let j = 0; j < count; j++) assert.ok(bytes(a.subarray(j * KERNEL_TILE, j * KERNEL_TILE + n)).equals(bytes(b.subarray(j * KERNEL_TILE, j * KERNEL_TILE + n))), `${count} directions, tile at ${from}, direction ${j}`);
      }
    }
  });

  it("runs the same trajectories with and without the kernel (query rows and seeds storage)", () => {
    const d = 3000;
    const bowl = (x: ArrayLike<number>, from: number) => {
      let sum = 0;
      for (let i = 0; i < d; i++) sum += (x[from + i] - 0.5) ** 2;
      return sum;
    };
    const cases: [string, Record<string, unknown>][] = [
      ["zoar", { bufferStorage: "seeds" }],
      ["zoar", { bufferStorage: "seeds", precision: "float32" }],
      ["zohs", { bufferStorage: "seeds" }],
      ["spsa", {}],
      ["vanilla", { sampler: "sphere" }],
    ];
    for (const [name, overrides] of cases) {
      const run = () => {
        const optimizer = createOptimizer(name, overrides, { initial: new Float64Array(d).fill(0.1), seed: 42 });
        for (let t = 0; t < 12; t++) {
          const batch = optimizer.ask();
          optimizer.tell(Array.from({ length: batch.rows }, (_, row) => bowl(batch.points, row * d)));
        }
        return optimizer.ask().points.slice();
      };
      const expected = withoutKernels(run);
      assert.ok(bytes(run()).equals(bytes(expected)), `${name} ${JSON.stringify(overrides)}`);
    }
  });
});
