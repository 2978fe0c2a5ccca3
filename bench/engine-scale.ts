// The engine at scale, this tree against a baseline engine side by side in
// one run: whole-iteration ms/iter (ask + evaluate the rows + tell) for the
// paper protocol's functions at d = 10^4 and the quadratic at d = 10^6, ZoAR
// with N = 15 against N = 5 at d = 10^6, zoar-pairs' peak memory at
// d = 10^7, and the normal generator's throughput. Every case runs in its own
// process (its memory figure is its own), baseline and current alternating,
// each the median of 5 chunks of about 1 s. Writes bench/results/engine-scale.json
// (or --out <name> there).
//   mkdir /tmp/zoar-baseline && git archive <commit> src/engine | tar -x -C /tmp/zoar-baseline
//   flock /tmp/zoar-heavy.lock npx tsx bench/engine-scale.ts --baseline /tmp/zoar-baseline [--cases levy-1e4,...] [--rounds 3]
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildSync } from "esbuild";
import { GaussianLanes, KERNEL_TILE, Rng } from "../src/engine";
import { machine } from "./machine";

const { values: args } = parseArgs({
  options: {
    baseline: { type: "string" },
    cases: { type: "string" },
    rounds: { type: "string", default: "1" },
    note: { type: "string", default: "" },
    out: { type: "string", default: "engine-scale.json" },
  },
});

interface Case {
  name: string;
  optimizer: string;
  function: string;
  dimension: number;
  histories?: number;
  overrides?: Record<string, unknown>;
  /** Seconds per chunk (fewer, longer iterations at large d). */
  seconds?: number;
  chunks?: number;
  /** Skip the baseline (its figure is quoted from the issue instead: too slow or too big to repeat; or a setting it lacks). */
  currentOnly?: boolean;
  /** Run this precision first in the same process, so the kernels have seen both array types when the case is measured. */
  warmPrecision?: "float32";
  /** The current engine with its helper thread for query rows (the baseline runs on one thread). */
  threads?: boolean;
}

const CASES: Case[] = [
  { name: "levy-1e4", optimizer: "zoar", function: "levy", dimension: 1e4 },
  { name: "quadratic-1e4", optimizer: "zoar", function: "quadratic", dimension: 1e4 },
  { name: "quadratic-1e6", optimizer: "zoar", function: "quadratic", dimension: 1e6, seconds: 2 },
  { name: "zoar-1e6-N5", optimizer: "zoar", function: "quadratic", dimension: 1e6, histories: 5, seconds: 2 },
  { name: "zoar-1e6-N15", optimizer: "zoar", function: "quadratic", dimension: 1e6, histories: 15, seconds: 2 },
  { name: "zoar-1e6-N5-seeds", optimizer: "zoar", function: "quadratic", dimension: 1e6, histories: 5, overrides: { bufferStorage: "seeds" }, seconds: 2 },
  { name: "zoar-pairs-1e7-N15", optimizer: "zoar-pairs", function: "quadratic", dimension: 1e7, seconds: 3, chunks: 3 },
  // precision: "float32" (the baseline engine has none).
  { name: "zoar-pairs-1e7-N15-float32", optimizer: "zoar-pairs", function: "quadratic", dimension: 1e7, overrides: { precision: "float32" }, seconds: 3, chunks: 3, currentOnly: true },
  { name: "quadratic-1e6-float32", optimizer: "zoar", function: "quadratic", dimension: 1e6, overrides: { precision: "float32" }, seconds: 2, currentOnly: true },
  { name: "levy-1e4-float32", optimizer: "zoar", function: "levy", dimension: 1e4, overrides: { precision: "float32" }, currentOnly: true },
  // float64 measured after the same process ran float32: the kernels have seen both array types.
  { name: "quadratic-1e6-after-float32", optimizer: "zoar", function: "quadratic", dimension: 1e6, warmPrecision: "float32", seconds: 2, currentOnly: true },
  { name: "levy-1e4-after-float32", optimizer: "zoar", function: "levy", dimension: 1e4, warmPrecision: "float32", currentOnly: true },
  // Two threads, against the baseline's one; the vectors cases keep the vector storage "auto" used to choose at d = 10^6.
  { name: "levy-1e4-threads", optimizer: "zoar", function: "levy", dimension: 1e4, threads: true },
  { name: "zoar-1e5-threads", optimizer: "zoar", function: "quadratic", dimension: 1e5, threads: true },
  { name: "quadratic-1e6-threads", optimizer: "zoar", function: "quadratic", dimension: 1e6, seconds: 2, threads: true },
  { name: "zoar-1e6-N15-threads", optimizer: "zoar", function: "quadratic", dimension: 1e6, histories: 15, seconds: 2, threads: true },
  { name: "zoar-1e6-N5-vectors", optimizer: "zoar", function: "quadratic", dimension: 1e6, histories: 5, overrides: { bufferStorage: "vectors" }, seconds: 2 },
  { name: "zoar-1e6-N5-vectors-threads", optimizer: "zoar", function: "quadratic", dimension: 1e6, histories: 5, overrides: { bufferStorage: "vectors" }, seconds: 2, threads: true },
  { name: "zoar-pairs-1e7-N15-threads", optimizer: "zoar-pairs", function: "quadratic", dimension: 1e7, seconds: 3, chunks: 3, threads: true },
];

interface Measurement {
  msPerIteration: number;
  engineMsPerIteration: number;
  iterations: number;
  peakRssMB: number;
}

const child = join(__dirname, "engine-scale-child.ts");
const tmp = join(__dirname, "..", ".tmp");
/** Bundle the child against the engine of `root` (a tree holding src/engine): a copy of the child placed in it resolves ../src/engine there. */
function bundle(root: string, out: string): string {
  let entry = child;
  if (root !== resolve(__dirname, "..")) {
    mkdirSync(join(root, "bench"), { recursive: true });
    entry = join(root, "bench", "engine-scale-child.ts");
    copyFileSync(child, entry);
  }
  const outfile = join(tmp, out);
  buildSync({ entryPoints: [entry], bundle: true, platform: "node", target: "node20", outfile, logLevel: "warning" });
  return outfile;
}
/** The helper thread's pool and worker, bundled from this tree for the current engine. */
function bundleThreads(): string[] {
  const pool = join(tmp, "engine-scale-drawing-threads.js");
  const worker = join(tmp, "engine-scale-drawing-worker.js");
  const options = { bundle: true, platform: "node", target: "node20", format: "cjs", logLevel: "warning" } as const;
  buildSync({ ...options, entryPoints: [join(__dirname, "..", "src", "run", "drawing-threads.ts")], outfile: pool });
  buildSync({ ...options, entryPoints: [join(__dirname, "..", "src", "run", "drawing-worker.ts")], outfile: worker });
  return ["--pool", pool, "--drawing-worker", worker];
}
const threadFlags = bundleThreads();
const builds: { label: string; file: string }[] = [];
if (args.baseline) builds.push({ label: "baseline", file: bundle(resolve(args.baseline), "engine-scale-baseline.js") });
builds.push({ label: "current", file: bundle(resolve(__dirname, ".."), "engine-scale-current.js") });

function run(file: string, c: Case, withThreads: boolean): Measurement {
  const flags = [...(withThreads ? threadFlags : []), "--optimizer", c.optimizer, "--function", c.function, "--dimension", String(c.dimension), "--overrides", JSON.stringify(c.overrides ?? {})];
  if (c.histories !== undefined) flags.push("--histories", String(c.histories));
  if (c.warmPrecision) flags.push("--warm-precision", c.warmPrecision);
  flags.push("--seconds", String(c.seconds ?? 1), "--chunks", String(c.chunks ?? 5));
  const output = execFileSync(process.execPath, ["--expose-gc", "--max-old-space-size=4096", file, ...flags], { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(output) as Measurement;
}

const selected = args.cases ? CASES.filter((c) => args.cases!.split(",").includes(c.name)) : CASES;
const results: Record<string, Record<string, Measurement[]>> = {};
for (let round = 0; round < Number(args.rounds); round++) {
  for (const c of selected) {
    for (const build of builds) {
      if (build.label === "baseline" && c.currentOnly) continue;
      const m = run(build.file, c, c.threads === true && build.label === "current");
      ((results[c.name] ??= {})[build.label] ??= []).push(m);
      console.log(`${c.name} ${build.label}: ${m.msPerIteration.toFixed(3)} ms/iter (engine ${m.engineMsPerIteration.toFixed(3)}), peak RSS ${m.peakRssMB.toFixed(0)} MB, ${m.iterations} iterations`);
    }
  }
}

// Throughput of the direction generator alone: normals per second and bytes
// written per second, one core. Rng.fillNormal one stream at a time, and the
// WebAssembly kernel on 10 streams a tile at a time (the same numbers), rounds alternating.
const rng = new Rng(1);
const out = new Float64Array(1 << 20);
const lanes = GaussianLanes.create();
const streams = Array.from({ length: 10 }, (_, j) => j + 1);
const generator: number[] = [];
const kernelGenerator: number[] = [];
for (let r = 0; r < 7; r++) {
  let started = performance.now();
  for (let j = 0; j < 10; j++) rng.fillNormal(out, 0, out.length);
  generator.push((10 * out.length) / ((performance.now() - started) / 1000));
  if (lanes === null) continue;
  started = performance.now();
  lanes.start(streams);
  for (let from = 0; from < out.length; from += KERNEL_TILE) lanes.draw(KERNEL_TILE, "float64");
  kernelGenerator.push((10 * out.length) / ((performance.now() - started) / 1000));
}
generator.sort((a, b) => a - b);
kernelGenerator.sort((a, b) => a - b);
const normalsPerSecond = generator[3];
const kernelNormalsPerSecond = kernelGenerator[3] ?? null;
console.log(`generator: ${(normalsPerSecond / 1e6).toFixed(0)} M normals/s, ${((normalsPerSecond * 8) / 1e9).toFixed(2)} GB/s written (one core)`);
if (kernelNormalsPerSecond !== null) console.log(`generator, WebAssembly kernel (10 streams): ${(kernelNormalsPerSecond / 1e6).toFixed(0)} M normals/s, ${((kernelNormalsPerSecond * 8) / 1e9).toFixed(2)} GB/s written (one core)`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = Object.fromEntries(
  Object.entries(results).map(([name, byBuild]) => [
    name,
    Object.fromEntries(
      Object.entries(byBuild).map(([label, ms]) => [
        label,
        { msPerIteration: median(ms.map((m) => m.msPerIteration)), engineMsPerIteration: median(ms.map((m) => m.engineMsPerIteration)), peakRssMB: Math.max(...ms.map((m) => m.peakRssMB)), runs: ms },
      ]),
    ),
  ]),
);
writeFileSync(
  join(__dirname, "results", args.out!),
  JSON.stringify({ machine: machine(), date: new Date().toISOString(), note: args.note, normalsPerSecond, kernelNormalsPerSecond, cases: CASES.filter((c) => selected.includes(c)), results: summary }, null, 2) + "\n",
);
