// Records the ZoAR paper's synthetic benchmark (ALGORITHMS.md): for each
// function and seed, vanilla, ZoAR-0, ZoAR and ZoHS from the same x0, d = 10^4,
// 20,000 iterations. Writes bench/results/synthetic/<function>-seed<seed>.jsonl
// (the `zoar bench synthetic --json` format) and a summary table.
//   npx tsx bench/synthetic.ts [--functions levy,ackley] [--seeds 456,457] [--iterations 20000] [--dimension 10000]
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { iterationReaching, runBenchmark } from "../src/run/benchmark";
import { machine } from "./machine";

const { values: args } = parseArgs({
  options: {
    functions: { type: "string", default: "quadratic,levy,rosenbrock,ackley" },
    seeds: { type: "string", default: "456" },
    iterations: { type: "string", default: "20000" },
    dimension: { type: "string", default: "10000" },
    optimizers: { type: "string", default: "vanilla,zoar-0,zoar,zohs" },
  },
});
const outDir = join(__dirname, "results", "synthetic");
mkdirSync(outDir, { recursive: true });

for (const fn of args.functions.split(",")) {
  for (const seed of args.seeds.split(",").map(Number)) {
    const lines: string[] = [];
    let vanillaLogged: Float64Array | null = null;
    let vanillaFinal = NaN;
    for (const optimizer of args.optimizers.split(",")) {
      const r = runBenchmark({ function: fn, dimension: Number(args.dimension), iterations: Number(args.iterations), optimizer, seed, overrides: {} });
      if (optimizer === "vanilla") {
        vanillaLogged = r.logged;
        vanillaFinal = r.final;
      }
      const reach = vanillaLogged ? iterationReaching(r.logged, vanillaFinal) : null;
      const { logged: _logged, ...line } = r;
      lines.push(JSON.stringify({ ...line, reachesVanillaFinalAt: reach, machine: machine(), date: new Date().toISOString() }));
      console.log(`${fn} seed ${seed} ${optimizer}: initial ${r.initial.toPrecision(5)} final ${r.final.toPrecision(5)} reaches vanilla's final at ${reach ?? "never"} engine ${r.engineMsPerIteration.toFixed(3)} ms/it total ${r.msPerIteration.toFixed(3)} ms/it`);
    }
    writeFileSync(join(outDir, `${fn}-seed${seed}.jsonl`), lines.join("\n") + "\n");
  }
}
writeFileSync(join(outDir, "summary.md"), summary());
console.log(summary());

/** Mean over recorded seeds of each function and optimizer. */
function summary(): string {
  const records = readdirSync(outDir)
    .filter((f) => f.endsWith(".jsonl"))
    .flatMap((f) => readFileSync(join(outDir, f), "utf8").trim().split("\n").map((l) => JSON.parse(l)));
  const groups = new Map<string, typeof records>();
  for (const r of records) groups.set(`${r.function}|${r.optimizer}`, [...(groups.get(`${r.function}|${r.optimizer}`) ?? []), r]);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rows = [...groups.entries()].sort().map(([key, rs]) => {
    const [fn, optimizer] = key.split("|");
    const vanilla = groups.get(`${fn}|vanilla`);
    const speedup = vanilla && optimizer !== "vanilla" ? mean(rs.map((r) => (r.reachesVanillaFinalAt === null ? NaN : r.iterations / (r.reachesVanillaFinalAt + 1)))) : NaN;
    return `| ${fn} | ${optimizer} | ${rs.length} | ${mean(rs.map((r) => r.initial)).toPrecision(5)} | ${mean(rs.map((r) => r.final)).toPrecision(4)} | ${vanilla ? (mean(vanilla.map((r) => r.final)) / mean(rs.map((r) => r.final))).toFixed(1) : "-"} | ${Number.isNaN(speedup) ? "-" : speedup.toFixed(1) + "x"} | ${mean(rs.map((r) => r.engineMsPerIteration)).toFixed(3)} | ${mean(rs.map((r) => r.msPerIteration)).toFixed(3)} |`;
  });
  const m = records[0]?.machine ?? machine();
  return [
    `Synthetic benchmark (ZoAR paper protocol: d = ${records[0]?.dimension}, ${records[0]?.iterations} iterations, K = 10, mu = 0.05, lr = 0.001, radazo update, N = 5)`,
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}; recorded ${records[0]?.date?.slice(0, 10)}.`,
    "",
    "| function | optimizer | seeds | initial | final (mean) | vanilla final / final | iterations-to-vanilla's-final speed-up | engine ms/it | total ms/it |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
