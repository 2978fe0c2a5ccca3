// zoar against a PyTorch reference of ZoAR, side by side in one run: the
// whole iteration of `zoar bench synthetic` (ask + evaluate the K+1 rows +
// tell, bench/engine-scale-child.ts, the loop of src/run/benchmark.ts)
// alternating with bench/reference/zoar_torch.py (the same iteration in
// torch, float32), each in its own process, several rounds; medians, and
// speed = reference ms / zoar ms (the median of the rounds' ratios). Two
// references: the functions written as the papers' code writes them, and
// "lean" torch (the quadratic as a norm, without the (K+1) x d temporary
// that costs page faults at d = 10^6).
// Also levy on the (K+1) x 10^4 rows alone, both sides.
//   flock /tmp/zoar-heavy.lock npx tsx bench/reference-compare.ts [--rounds 3] [--threads] [--cases levy-1e4,...]
// Writes bench/results/reference-compare.json (or --out <name>).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildSync } from "esbuild";
import { evaluateRows, syntheticFunction } from "../src/engine";
import { machine } from "./machine";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    cases: { type: "string" },
    // zoar with its helper thread for query rows (src/run/drawing-threads.ts), as the CLI installs it.
    threads: { type: "boolean", default: false },
    python: { type: "string", default: "/usr/bin/python3" },
    out: { type: "string", default: "reference-compare.json" },
    note: { type: "string", default: "" },
  },
});

interface Case {
  name: string;
  function: "levy" | "quadratic";
  dimension: number;
  seconds: number;
}
const CASES: Case[] = [
  { name: "levy-1e4", function: "levy", dimension: 1e4, seconds: 1 },
  { name: "quadratic-1e4", function: "quadratic", dimension: 1e4, seconds: 1 },
  { name: "quadratic-1e6", function: "quadratic", dimension: 1e6, seconds: 2 },
];
/** The sides of each case: zoar in both precisions, the reference in both forms. */
const SIDES = ["zoar", "zoar-float32", "reference", "reference-lean"] as const;
type Side = (typeof SIDES)[number];

const root = join(__dirname, "..");
const tmp = join(root, ".tmp");
const options = { bundle: true, platform: "node", target: "node20", format: "cjs", logLevel: "warning" } as const;
const child = join(tmp, "reference-compare-child.js");
buildSync({ ...options, entryPoints: [join(__dirname, "engine-scale-child.ts")], outfile: child });
const threadFlags: string[] = [];
if (args.threads) {
  const pool = join(tmp, "reference-compare-drawing-threads.js");
  const worker = join(tmp, "reference-compare-drawing-worker.js");
  buildSync({ ...options, entryPoints: [join(root, "src", "run", "drawing-threads.ts")], outfile: pool });
  buildSync({ ...options, entryPoints: [join(root, "src", "run", "drawing-worker.ts")], outfile: worker });
  threadFlags.push("--pool", pool, "--drawing-worker", worker);
}

// glibc returns every freed block above 128 KB to the system by default, so
// each of torch's per-call temporaries costs fresh page faults: 10 ms per
// levy iteration at d = 10^4 on this machine instead of 1. The reference runs
// with the thresholds raised (up to glibc's 32 MB ceiling), as a tuned
// deployment would.
const torchEnvironment = { ...process.env, GLIBC_TUNABLES: "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824" };

interface Measurement {
  msPerIteration: number;
  threads?: number;
  torch?: string;
}

function measure(c: Case, side: Side): Measurement {
  const chunks = c.dimension >= 1e6 ? 3 : 5;
  if (side.startsWith("zoar")) {
    const overrides = side === "zoar-float32" ? { precision: "float32" } : {};
    const flags = [...threadFlags, "--optimizer", "zoar", "--function", c.function, "--dimension", String(c.dimension), "--overrides", JSON.stringify(overrides)];
    flags.push("--seconds", String(c.seconds), "--chunks", String(chunks));
    const output = execFileSync(process.execPath, ["--expose-gc", "--max-old-space-size=4096", child, ...flags], { encoding: "utf8" });
    return JSON.parse(output) as Measurement;
  }
  const script = join(__dirname, "reference", "zoar_torch.py");
  const flags = [script, "--function", c.function, "--dimension", String(c.dimension), "--seconds", String(c.seconds), "--chunks", String(chunks)];
  if (side === "reference-lean") flags.push("--lean");
  const output = execFileSync(args.python!, flags, { encoding: "utf8", env: torchEnvironment });
  return JSON.parse(output) as Measurement;
}

/** levy on the K+1 = 11 rows of d = 10^4 alone: zoar's evaluateRows in both precisions, ms per batch. */
function zoarLevyRows(precision: "float64" | "float32"): number {
  const d = 1e4;
  const rows = 11;
  const points = precision === "float32" ? new Float32Array(rows * d) : new Float64Array(rows * d);
  for (let i = 0; i < points.length; i++) points[i] = Math.sin(i) * 2;
  const f = syntheticFunction("levy");
  const out = new Float64Array(rows);
  const chunks: number[] = [];
  for (let chunk = 0; chunk < 8; chunk++) {
    const started = performance.now();
    for (let t = 0; t < 200; t++) evaluateRows(f, points, rows, d, out);
    chunks.push((performance.now() - started) / 200);
  }
  return median(chunks.slice(2));
}
function torchLevyRows(): number {
  const script = join(__dirname, "reference", "zoar_torch.py");
  const output = execFileSync(args.python!, [script, "--function", "levy", "--dimension", "10000", "--evaluate-only"], { encoding: "utf8", env: torchEnvironment });
  return (JSON.parse(output) as Measurement).msPerIteration;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const selected = args.cases ? CASES.filter((c) => args.cases!.split(",").includes(c.name)) : CASES;
const runs: Record<string, Record<Side, number[]>> = {};
const levyRows: Record<string, number[]> = { zoar: [], "zoar-float32": [], reference: [] };
let torchInfo: Measurement = { msPerIteration: NaN };
for (let round = 0; round < Number(args.rounds); round++) {
  for (const c of selected) {
    for (const side of SIDES) {
      const m = measure(c, side);
      if (m.torch) torchInfo = m;
      ((runs[c.name] ??= {} as Record<Side, number[]>)[side] ??= []).push(m.msPerIteration);
      console.log(`round ${round + 1} ${c.name} ${side}: ${m.msPerIteration.toFixed(3)} ms/iter`);
    }
  }
  levyRows.zoar.push(zoarLevyRows("float64"));
  levyRows["zoar-float32"].push(zoarLevyRows("float32"));
  levyRows.reference.push(torchLevyRows());
  console.log(`round ${round + 1} levy rows (11 x 10^4): zoar ${levyRows.zoar.at(-1)!.toFixed(3)}, zoar float32 ${levyRows["zoar-float32"].at(-1)!.toFixed(3)}, torch ${levyRows.reference.at(-1)!.toFixed(3)} ms`);
}

const results = Object.fromEntries(
  Object.entries(runs).map(([name, bySide]) => {
    const ms = Object.fromEntries(SIDES.map((side) => [side, median(bySide[side])])) as Record<Side, number>;
    // Speed = reference / zoar within each round (measured minutes apart at most), the median over rounds.
    const ratio = (reference: Side, side: Side) => median(bySide[side].map((zoar, round) => bySide[reference][round] / zoar));
    const speed = {
      zoar: ratio("reference", "zoar"),
      "zoar-float32": ratio("reference", "zoar-float32"),
      "zoar-vs-lean": ratio("reference-lean", "zoar"),
      "zoar-float32-vs-lean": ratio("reference-lean", "zoar-float32"),
    };
    return [name, { msPerIteration: ms, speed, runs: bySide }];
  }),
);
const levyRowsMs = Object.fromEntries(Object.entries(levyRows).map(([side, xs]) => [side, median(xs)]));
for (const [name, r] of Object.entries(results)) {
  const ms = r.msPerIteration;
  console.log(
    `${name}: zoar ${ms.zoar.toFixed(3)}, zoar float32 ${ms["zoar-float32"].toFixed(3)}, reference ${ms.reference.toFixed(3)}, lean ${ms["reference-lean"].toFixed(3)} ms; speed ${r.speed.zoar.toFixed(2)}x (float32 ${r.speed["zoar-float32"].toFixed(2)}x)`,
  );
}
writeFileSync(
  join(__dirname, "results", args.out!),
  JSON.stringify(
    {
      machine: machine(),
      date: new Date().toISOString(),
      note: args.note,
      zoarThreads: args.threads ? 2 : 1,
      torch: torchInfo.torch,
      torchThreads: torchInfo.threads,
      torchEnvironment: { GLIBC_TUNABLES: torchEnvironment.GLIBC_TUNABLES },
      rounds: Number(args.rounds),
      cases: selected,
      results,
      levyRowsMs,
    },
    null,
    2,
  ) + "\n",
);
