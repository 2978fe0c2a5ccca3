// The Gaussian generator side by side in one process: Rng.fillNormal (one
// stream at a time, JavaScript) against the WebAssembly kernel (four streams
// in the lanes of a v128, kernels/normals.ts), drawing the same numbers.
// Raw normals in float64 and float32, and an iteration's query rows
// theta + mu u (drawQueryRows against QueryRowWriter), rounds alternating,
// medians of 21. Writes bench/results/normals.json.
//   flock /tmp/zoar-heavy.lock npx tsx bench/normals.ts [--note ...]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { drawQueryRows, GaussianLanes, KERNEL_TILE, makeDirectionSource, type Precision, type QueryRows, QueryRowWriter, Rng, zeros } from "../src/engine";
import { machine } from "./machine";

const { values: args } = parseArgs({ options: { note: { type: "string", default: "" }, rounds: { type: "string", default: "21" } } });
const rounds = Number(args.rounds);
const lanes = GaussianLanes.create();
if (lanes === null) throw new Error("this platform cannot run the WebAssembly kernel");

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** ns per normal of `draw` (which draws `normals` numbers), median over rounds, interleaved with `other`. */
function sideBySide(normals: number, js: () => void, kernel: () => void): { jsNs: number; kernelNs: number; speedup: number } {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [f, into] of [
      [js, a],
      [kernel, b],
    ] as const) {
      const started = performance.now();
      let reps = 0;
      do {
        f();
        reps++;
      } while (performance.now() - started < 40);
      into.push(((performance.now() - started) * 1e6) / (reps * normals));
    }
  }
  const jsNs = median(a);
  const kernelNs = median(b);
  return { jsNs, kernelNs, speedup: jsNs / kernelNs };
}

const results: Record<string, ReturnType<typeof sideBySide>> = {};
const d = 10_000;
for (const precision of ["float64", "float32"] as Precision[]) {
  for (const streams of [1, 4, 10]) {
    const seeds = Array.from({ length: streams }, (_, j) => 7 * j + 1);
    const rng = new Rng(0);
    const row = zeros(precision, d);
    const name = `raw ${precision}, ${streams} stream${streams > 1 ? "s" : ""} of d = ${d}`;
    results[name] = sideBySide(
      streams * d,
      () => {
        for (const seed of seeds) {
          rng.reseed(seed);
          rng.fillNormal(row, 0, d);
        }
      },
      () => {
        lanes.start(seeds);
        for (let from = 0; from < d; from += KERNEL_TILE) lanes.draw(Math.min(KERNEL_TILE, d - from), precision);
      },
    );
    console.log(`${name}: JS ${results[name].jsNs.toFixed(2)} ns/normal, kernel ${results[name].kernelNs.toFixed(2)} ns/normal, ${results[name].speedup.toFixed(2)}x`);
  }
}
for (const dimension of [1e4, 1e6]) {
  for (const precision of ["float64", "float32"] as Precision[]) {
    const queries = 10;
    const theta = zeros(precision, dimension).fill(0.25);
    const points = zeros(precision, (queries + 1) * dimension);
    const rows: QueryRows = { sampler: "gaussian", dimension, points, theta, mu: 0.005, antithetic: false, firstRow: 1, seeds: Uint32Array.from({ length: queries }, (_, k) => 99 + k), from: 0, to: queries };
    const source = makeDirectionSource("gaussian", dimension);
    const writer = new QueryRowWriter("gaussian", dimension);
    const name = `query rows ${precision}, K = ${queries}, d = ${dimension}`;
    results[name] = sideBySide(
      queries * dimension,
      () => drawQueryRows(source, rows),
      () => writer.write(rows),
    );
    console.log(`${name}: JS ${results[name].jsNs.toFixed(2)} ns/normal, kernel ${results[name].kernelNs.toFixed(2)} ns/normal, ${results[name].speedup.toFixed(2)}x`);
  }
}
writeFileSync(join(__dirname, "results", "normals.json"), JSON.stringify({ machine: machine(), date: new Date().toISOString(), note: args.note, rounds, results }, null, 2) + "\n");
