// Engine time per iteration (ask + tell, objective excluded) and peak memory
// of `zoar` against d, K = 10, N = 5. Each d runs in its own process so its
// memory figure is its own. Writes bench/results/engine-speed.json.
//   npx tsx bench/engine-speed.ts [--dimensions 10000,100000,1000000] [--optimizer zoar] [--storage auto]
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { parseArgs } from "node:util";
import { createOptimizer, evaluateRows, standardNormalStart, syntheticFunction } from "../src/engine";
import { machine } from "./machine";

const { values: args } = parseArgs({
  options: {
    dimensions: { type: "string", default: "10000,100000,1000000" },
    optimizer: { type: "string", default: "zoar" },
    storage: { type: "string", default: "auto" },
    child: { type: "string" },
  },
});

interface Measurement {
  optimizer: string;
  dimension: number;
  bufferStorage: string;
  iterations: number;
  engineMsPerIteration: number;
  peakRssMB: number;
}

function measure(d: number): Measurement {
  const optimizer = createOptimizer(args.optimizer, { bufferStorage: args.storage as "auto" }, { initial: standardNormalStart(d, 1), seed: 1 });
  const f = syntheticFunction("quadratic");
  // Five chunks of about 1 s of work after a warm-up; the median chunk is
  // reported, so a burst of load from elsewhere on the machine does not count.
  const perChunk = Math.max(4, Math.round(1e8 / (d * 100)));
  let values = new Float64Array(0);
  let peakRss = 0;
  const chunkMs: number[] = [];
  for (let chunk = -1; chunk < 5; chunk++) {
    let engineMs = 0;
    for (let t = 0; t < perChunk; t++) {
      const started = performance.now();
      const batch = optimizer.ask();
      const asked = performance.now();
      if (values.length !== batch.rows) values = new Float64Array(batch.rows);
      evaluateRows(f, batch.points, batch.rows, d, values);
      const evaluated = performance.now();
      optimizer.tell(values);
      engineMs += asked - started + (performance.now() - evaluated);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }
    if (chunk >= 0) chunkMs.push(engineMs / perChunk);
  }
  chunkMs.sort((a, b) => a - b);
  return { optimizer: args.optimizer, dimension: d, bufferStorage: args.storage, iterations: 5 * perChunk, engineMsPerIteration: chunkMs[2], peakRssMB: peakRss / 2 ** 20 };
}

if (args.child) {
  process.stdout.write(JSON.stringify(measure(Number(args.child))));
} else {
  // Measure in plain Node running a bundle, as `zoar` runs, not under a TypeScript loader.
  const bundle = join(__dirname, "..", ".tmp", "engine-speed.js");
  buildSync({ entryPoints: [__filename], bundle: true, platform: "node", target: "node20", outfile: bundle, external: ["esbuild"], logLevel: "warning" });
  const results: Measurement[] = [];
  for (const d of args.dimensions.split(",").map(Number)) {
    const output = execFileSync(process.execPath, [bundle, "--child", String(d), "--optimizer", args.optimizer, "--storage", args.storage], { encoding: "utf8" });
    const m = JSON.parse(output) as Measurement;
    results.push(m);
    console.log(`${m.optimizer} d=${d} (${m.bufferStorage} storage): ${m.engineMsPerIteration.toFixed(3)} ms/iteration, ${(m.engineMsPerIteration / (d / 1e4)).toFixed(3)} ms per 10^4 coordinates, peak RSS ${m.peakRssMB.toFixed(0)} MB`);
  }
  const file = join(__dirname, "results", `engine-speed-${args.optimizer}-${args.storage}.json`);
  writeFileSync(file, JSON.stringify({ machine: machine(), date: new Date().toISOString(), results }, null, 2) + "\n");
}
