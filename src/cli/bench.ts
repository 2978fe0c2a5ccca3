// `zoar bench synthetic`: the ZoAR paper's synthetic benchmark from the terminal.
import { Command } from "commander";
import { optimizerNames, syntheticFunctionNames } from "../engine";
import { type BenchmarkResult, iterationReaching, runBenchmark } from "../run/benchmark";
import { addSuiteCommands } from "./bench-suites";
import { addHyperparameterOptions, overridesFrom } from "./hyperparameters";
import { integer, list, oneOf } from "./parse";
import { formatTable } from "./table";

export function benchCommand(): Command {
  const bench = new Command("bench").description("benchmarks of the optimizers");
  const synthetic = new Command("synthetic")
    .description("the ZoAR paper's synthetic benchmark: every optimizer from the same x0 ~ N(0, I)")
    .option("--function <name>", `test function: ${syntheticFunctionNames().join(", ")}`, oneOf(syntheticFunctionNames()), "levy")
    .option("--dimension <d>", "dimension", integer(1), 10000)
    .option("--iterations <T>", "iterations per optimizer", integer(1), 20000)
    .option("--optimizers <list>", "comma-separated optimizer names", list(optimizerNames()), ["vanilla", "zoar-0", "zoar", "zohs"])
    .option("--seed <seed>", "seed of x0 and of the directions", integer(0), 456)
    .option("--seeds <n>", "run seeds seed, seed+1, ..., seed+n-1", integer(1), 1)
    .option("--json", "one JSON object per optimizer and seed per line");
  addHyperparameterOptions(synthetic).action((flags, command: Command) => {
    const overrides = overridesFrom(flags, command);
    const results: BenchmarkResult[] = [];
    for (let s = 0; s < flags.seeds; s++) {
      for (const optimizer of flags.optimizers as string[]) {
        const settings = { function: flags.function, dimension: flags.dimension, iterations: flags.iterations, optimizer, seed: flags.seed + s, overrides };
        if (!flags.json && process.stderr.isTTY) process.stderr.write(`running ${optimizer} (seed ${settings.seed}) ...\r`);
        const result = runBenchmark(settings);
        results.push(result);
        if (flags.json) {
          const { logged: _logged, ...line } = result;
          process.stdout.write(JSON.stringify(line) + "\n");
        }
      }
    }
    if (!flags.json) process.stdout.write(summarise(results) + "\n");
  });
  return addSuiteCommands(bench.addCommand(synthetic));
}

function summarise(results: BenchmarkResult[]): string {
  const first = results[0];
  const header = `${first.function}, d = ${first.dimension}, ${first.iterations} iterations, x0 ~ N(0, I)`;
  const rows = results.map((r) => {
    const vanilla = results.find((v) => v.optimizer === "vanilla" && v.seed === r.seed);
    const reach = vanilla ? iterationReaching(r.logged, vanilla.final) : null;
    return [
      r.optimizer,
      String(r.seed),
      r.initial.toPrecision(5),
      r.final.toPrecision(5),
      r.best.toPrecision(5),
      vanilla ? (reach === null ? "never" : String(reach)) : "-",
      String(r.evaluations),
      r.engineMsPerIteration.toFixed(3),
      r.msPerIteration.toFixed(3),
      r.peakRssMB.toFixed(0),
    ];
  });
  const columns = ["optimizer", "seed", "initial", "final", "best", "reaches vanilla's final at", "evaluations", "engine ms/it", "total ms/it", "peak RSS MB"];
  return `${header}\n${formatTable(columns, rows)}`;
}
