// `zoar runs`: the stored runs, oldest first.
import { Command } from "commander";
import { DEFAULT_RUNS_DIR, listRuns } from "../run/store";
import { displayPath, formatValue } from "./format";
import { formatTable } from "./table";

export function runsCommand(): Command {
  return new Command("runs")
    .description("list stored runs: id, objective, optimizer, status, iterations, best value")
    .option("--runs-dir <dir>", "where runs are stored", DEFAULT_RUNS_DIR)
    .option("--json", "one JSON array on stdout")
    .action((flags: { runsDir: string; json?: boolean }) => {
      const runs = listRuns(flags.runsDir);
      if (flags.json) {
        process.stdout.write(JSON.stringify(runs) + "\n");
        return;
      }
      if (runs.length === 0) {
        process.stdout.write(`no runs in ${displayPath(flags.runsDir)}\n`);
        return;
      }
      const rows = runs.map((run) => [run.id, run.objective, run.optimizer, run.status, String(run.iterations), formatValue(run.bestValue)]);
      process.stdout.write(formatTable(["id", "objective", "optimizer", "status", "iterations", "best"], rows) + "\n");
    });
}
