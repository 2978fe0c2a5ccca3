// The bench functions' evaluation of a batch of rows (evaluateRows), three
// ways side by side in one process: the baseline engine's scalar loop (a
// tree given by --baseline), this engine's four-lane JavaScript sums (kernel
// switched off) and its WebAssembly SIMD kernel; K + 1 = 11 rows of
// d = 10^4 and 10^6 coordinates, float64 and float32 rows. Each figure is
// the median of rounds that alternate the three. Writes
// bench/results/function-kernels.json (or --out <name> there). Both engines
// are bundled by esbuild, as the extension and the CLI ship them.
//   mkdir -p /tmp/zoar-base-eval && git -C <repo> archive 40ef975 src/engine | tar -x -C /tmp/zoar-base-eval
//   flock /tmp/zoar-heavy.lock npx tsx bench/function-kernels.ts --baseline /tmp/zoar-base-eval
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { buildSync } from "esbuild";
import { Rng } from "../src/engine";
import { machine } from "./machine";

const { values: args } = parseArgs({
  options: {
    baseline: { type: "string" },
    functions: { type: "string", default: "levy,ackley,rastrigin,quadratic,sphere,rosenbrock" },
    dimensions: { type: "string", default: "10000,1000000" },
    rounds: { type: "string", default: "15" },
    out: { type: "string", default: "function-kernels.json" },
  },
});

type Evaluate = (f: string, points: Float64Array | Float32Array, rows: number, d: number, out: Float64Array) => void;

type Engine = typeof import("../src/engine");

/** The engine of the tree at `root`, bundled. */
async function bundledEngine(root: string, label: string): Promise<Engine> {
  const outfile = join(tmpdir(), `function-kernels-${label}-${process.pid}.js`);
  buildSync({ entryPoints: [join(root, "src", "engine", "index.ts")], bundle: true, platform: "node", target: "node20", format: "cjs", outfile, logLevel: "warning" });
  const engine = (await import(pathToFileURL(outfile).href)) as Engine;
  rmSync(outfile);
  return engine;
}

function evaluator(engine: Engine): Evaluate {
  return (name, points, rows, d, out) => engine.evaluateRows(engine.syntheticFunction(name), points, rows, d, out);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** ms per call of evaluate, repeated for at least 20 ms. */
function time(evaluate: () => void): number {
  let calls = 0;
  const start = performance.now();
  for (;;) {
    evaluate();
    calls++;
    const elapsed = performance.now() - start;
    if (elapsed >= 20) return elapsed / calls;
  }
}

async function main(): Promise<void> {
  const engine = await bundledEngine(resolve(__dirname, ".."), "current");
  const current = evaluator(engine);
  const baseline = args.baseline ? evaluator(await bundledEngine(resolve(args.baseline), "baseline")) : null;
  const rows = 11;
  const rounds = Number(args.rounds);
  const results = [];
  for (const d of args.dimensions.split(",").map(Number)) {
    for (const precision of ["float64", "float32"] as const) {
      const points = precision === "float64" ? new Float64Array(rows * d) : new Float32Array(rows * d);
      new Rng(7).fillNormal(points, 0, points.length);
      for (const name of args.functions.split(",")) {
        const out = new Float64Array(rows);
        const ways: [string, () => void][] = [
          ["kernel", () => current(name, points, rows, d, out)],
          [
            "javascript",
            () => {
              engine.useFunctionKernels(false);
              current(name, points, rows, d, out);
              engine.useFunctionKernels(true);
            },
          ],
        ];
        if (baseline) ways.push(["baseline", () => baseline(name, points, rows, d, out)]);
        const samples: Record<string, number[]> = Object.fromEntries(ways.map(([way]) => [way, []]));
        for (let round = 0; round < rounds; round++) for (const [way, run] of ways) samples[way].push(time(run));
        const ms = Object.fromEntries(ways.map(([way]) => [way, median(samples[way])]));
        const row = { function: name, dimension: d, rows, precision, msPerCall: ms, nsPerCoordinate: Object.fromEntries(Object.entries(ms).map(([way, v]) => [way, (v * 1e6) / (rows * d)])) };
        results.push(row);
        console.log(`${name} d=${d} ${precision}: ${ways.map(([way]) => `${way} ${ms[way].toFixed(3)} ms`).join(", ")}`);
      }
    }
  }
  const path = resolve(join(__dirname, "results"), args.out);
  writeFileSync(path, JSON.stringify({ date: new Date().toISOString(), machine: machine(), note: "machine shared with other jobs and noisy; medians of alternating rounds", results }, null, 2) + "\n");
  console.log(`wrote ${path}`);
}

void main();
