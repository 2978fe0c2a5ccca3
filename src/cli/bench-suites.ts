// `zoar bench noise|drift|peers`: when to reach for which optimizer, measured.
// Each prints a table (mean ± sd over seeds) and, with --out, writes
// <bench>.jsonl (the `bench synthetic --json` line format plus the bench's
// fields), <bench>.md and <bench>.svg.
import { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { optimizerNames } from "../engine";
import { type BenchName, type BenchRecord, runBench } from "../run/bench/suites";
import { integer, list } from "./parse";

const DESCRIPTIONS: Record<BenchName, string> = {
  noise: "the synthetic functions with Gaussian and heavy-tailed evaluation noise: true final values of vanilla, ZoAR-0, ZoAR and sep-CMA-ES",
  drift: "a quadratic whose optimum moves: ZoAR over a grid of N and learning rates against vanilla and ZoAR-0",
  peers: "ZO methods against CMA-ES and sep-CMA-ES at d = 10, 100, 1,000, 10,000 with equal evaluation budgets",
};

function suiteCommand(bench: BenchName): Command {
  return new Command(bench)
    .description(DESCRIPTIONS[bench])
    .option("--quick", "small settings that finish in seconds (the default is the recorded protocol, minutes)")
    .option("--seeds <n>", "number of seeds (default: 5 for peers, 3 for noise and drift; 2 with --quick)", integer(1))
    .option("--seed <seed>", "first seed", integer(0), 456)
    .option("--optimizers <list>", "comma-separated optimizer names instead of the bench's own (noise, peers)", list(optimizerNames()))
    .option("--out <dir>", `write ${bench}.jsonl, ${bench}.md and ${bench}.svg into this folder`)
    .option("--json", "one JSON object per run per line on stdout instead of the table")
    .action((flags: { quick?: boolean; seeds?: number; seed: number; optimizers?: string[]; out?: string; json?: boolean }) => {
      const progress = (record: BenchRecord, index: number, total: number) => {
        if (flags.json) process.stdout.write(JSON.stringify(record) + "\n");
        if (process.stderr.isTTY) process.stderr.write(`\r${bench}: ${index + 1}/${total} ${record.group}, ${record.label}, seed ${record.seed}`.padEnd(100).slice(0, 100));
      };
      if (flags.optimizers && bench === "drift") throw new Error("--optimizers does not apply to the drift bench: it compares ZoAR's N against vanilla and ZoAR-0");
      const report = runBench(bench, { quick: flags.quick ?? false, seeds: flags.seeds, firstSeed: flags.seed, optimizers: flags.optimizers }, progress);
      if (process.stderr.isTTY) process.stderr.write("\n");
      if (flags.out) {
        mkdirSync(flags.out, { recursive: true });
        writeFileSync(join(flags.out, `${bench}.jsonl`), report.records.map((r) => JSON.stringify(r)).join("\n") + "\n");
        writeFileSync(join(flags.out, `${bench}.md`), report.table + "\n");
        writeFileSync(join(flags.out, `${bench}.svg`), report.svg);
      }
      if (!flags.json) process.stdout.write(report.table + "\n");
    });
}

export function addSuiteCommands(bench: Command): Command {
  for (const name of ["noise", "drift", "peers"] as const) bench.addCommand(suiteCommand(name));
  return bench;
}
