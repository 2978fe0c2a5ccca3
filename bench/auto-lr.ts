// Should `lr: auto` be the editor's default? For each function, dimension and
// seed, the default optimizer with its papers' learning rate for the whole
// budget, against the same budget spent as `--lr auto` spends it (the trials
// of src/run/autoLr.ts, then the rest of the iterations with the rate picked).
// Values, not times, are compared: they are deterministic for a seed, so the
// figures do not depend on the (shared, noisy) machine.
//   npx tsx bench/auto-lr.ts [--functions quadratic,ellipsoid,...] [--dimensions 64,1000] [--seeds 1,2,3] [--iterations 1000] [--optimizer zoar] [--out auto-lr-zoar.json]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { optimizerEntry } from "../src/engine";
import { chooseLearningRate } from "../src/run/autoLr";
import { runBenchmark } from "../src/run/benchmark";
import { machine } from "./machine";

const { values: args } = parseArgs({
  options: {
    functions: { type: "string", default: "quadratic,ellipsoid,rosenbrock,levy,ackley,rastrigin" },
    dimensions: { type: "string", default: "64,1000" },
    seeds: { type: "string", default: "1,2,3" },
    iterations: { type: "string", default: "1000" },
    optimizer: { type: "string", default: "zoar" },
    out: { type: "string" },
  },
});
const iterations = Number(args.iterations);
const optimizer = args.optimizer;
const defaultLr = optimizerEntry(optimizer).config.lr;

interface Row {
  function: string;
  dimension: number;
  seed: number;
  defaultLr: number;
  defaultBest: number;
  autoLr: number | undefined;
  autoBest: number;
  /** auto's best / default's best: below 1, auto did better. */
  ratio: number;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const fn of args.functions.split(",")) {
    for (const dimension of args.dimensions.split(",").map(Number)) {
      for (const seed of args.seeds.split(",").map(Number)) {
        const run = (lr: number, n: number) => runBenchmark({ function: fn, dimension, iterations: n, optimizer, seed, overrides: { lr } });
        const defaultBest = run(defaultLr, iterations).best;
        const choice = await chooseLearningRate(async (lr, n) => run(lr, n).best, { iterations });
        const rest = iterations - choice.spentIterations;
        // The trials' own best values count too: the run keeps the best point it ever evaluated.
        const trialsBest = Math.min(...choice.trials.map((trial) => (Number.isFinite(trial.best) ? trial.best : Infinity)));
        const autoBest = Math.min(trialsBest, run(choice.lr ?? defaultLr, rest).best);
        const row = { function: fn, dimension, seed, defaultLr, defaultBest, autoLr: choice.lr, autoBest, ratio: autoBest / defaultBest };
        rows.push(row);
        console.log(`${fn} d=${dimension} seed ${seed}: default lr ${defaultLr} best ${defaultBest.toPrecision(4)}; auto picked ${choice.lr} best ${autoBest.toPrecision(4)}; ratio ${row.ratio.toPrecision(3)}`);
      }
    }
  }

  function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  const groups = [...new Set(rows.map((row) => `${row.function} d=${row.dimension}`))].map((key) => {
    const mine = rows.filter((row) => `${row.function} d=${row.dimension}` === key);
    return { case: key, medianRatio: median(mine.map((row) => row.ratio)), autoWins: mine.filter((row) => row.ratio < 1).length, runs: mine.length, picked: mine.map((row) => row.autoLr) };
  });
  const summary = {
    question: `Is ${optimizer} with lr auto better than with the papers' lr ${defaultLr} at the same budget of ${iterations} iterations?`,
    medianRatioOverall: median(rows.map((row) => row.ratio)),
    casesWhereAutoWinsByMedian: groups.filter((g) => g.medianRatio < 1).length,
    cases: groups.length,
    groups,
    rows,
    machine: machine(),
    date: new Date().toISOString(),
    note: "Best values are deterministic per seed, so these figures do not depend on the machine; it was shared with other work and noisy, which affects only how long this took.",
  };
  console.table(groups.map((g) => ({ case: g.case, "median auto/default": g.medianRatio.toPrecision(3), "auto wins": `${g.autoWins}/${g.runs}`, picked: g.picked.join(",") })));
  console.log(`median ratio overall ${summary.medianRatioOverall.toPrecision(3)}; auto better by median in ${summary.casesWhereAutoWinsByMedian} of ${summary.cases} cases`);
  writeFileSync(join(__dirname, "results", args.out ?? `auto-lr-${optimizer}.json`), JSON.stringify(summary, null, 2) + "\n");
  }

  void main();
