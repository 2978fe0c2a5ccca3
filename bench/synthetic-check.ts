// Re-runs part of the recorded synthetic benchmark (bench/results/synthetic)
// with this tree's engine and sets the finals side by side with the recorded
// ones: a change that only moves rounding must keep the same law. Appends
// its table to bench/results/synthetic-check.md.
//   flock /tmp/zoar-heavy.lock npx tsx bench/synthetic-check.ts [--functions levy,quadratic] [--optimizers zoar,zohs] [--seeds 456]
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runBenchmark } from "../src/run/benchmark";
import { machine } from "./machine";

const { values: args } = parseArgs({
  options: {
    functions: { type: "string", default: "levy,quadratic" },
    optimizers: { type: "string", default: "zoar,zohs" },
    seeds: { type: "string", default: "456" },
    note: { type: "string", default: "" },
  },
});

const dir = join(__dirname, "results", "synthetic");
const rows: string[] = [];
for (const fn of args.functions.split(",")) {
  for (const seed of args.seeds.split(",").map(Number)) {
    const recorded = readFileSync(join(dir, `${fn}-seed${seed}.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { optimizer: string; final: number; iterations: number; dimension: number });
    for (const optimizer of args.optimizers.split(",")) {
      const before = recorded.find((r) => r.optimizer === optimizer);
      if (!before) throw new Error(`${fn}-seed${seed}.jsonl has no ${optimizer} line`);
      const now = runBenchmark({ function: fn, dimension: before.dimension, iterations: before.iterations, optimizer, seed, overrides: {} });
      const row = `| ${fn} | ${seed} | ${optimizer} | ${before.final.toPrecision(6)} | ${now.final.toPrecision(6)} | ${((now.final / before.final - 1) * 100).toFixed(2)}% | ${now.msPerIteration.toFixed(3)} |`;
      console.log(row);
      rows.push(row);
    }
  }
}
const m = machine();
appendFileSync(
  join(__dirname, "results", "synthetic-check.md"),
  [
    `Recorded finals against this tree's engine (${new Date().toISOString().slice(0, 10)}, ${m.cpu}, ${m.cores} cores, Node ${m.node}). ${args.note}`,
    "",
    "| function | seed | optimizer | recorded final | final now | change | total ms/it now |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n") + "\n",
);
