// `zoar compare <objective.ts> --optimizers a,b,c`: the same objective, budget
// and seeds for every optimizer, one stored run each, then a table of means.
import { Command } from "commander";
import { optimizerNames } from "../engine";
import type { RunResult } from "../run/types";
import { EXIT_DONE, EXIT_FAILED, EXIT_INTERRUPTED, type ExitStatus } from "./exit";
import { startAndFollow } from "./follow";
import { describeFailure, formatDuration, formatValue } from "./format";
import { addHyperparameterOptions, overridesFrom } from "./hyperparameters";
import { integer, list } from "./parse";
import { bestParametersOf, jsonSummary } from "./report";
import {
  addEvaluationOptions,
  addMemoryLimitOption,
  addStopOptions,
  checkOptimizerSettings,
  type EvaluationFlags,
  type HyperparameterFlags,
  type MemoryLimitFlags,
  memoryLimitFrom,
  objectiveFileFrom,
  addPrecisionOption,
  type PrecisionFlags,
  precisionOverride,
  type StopFlags,
  stopConditionsFrom,
  evaluationSettingsFrom,
} from "./run-options";
import { formatTable } from "./table";

interface CompareFlags extends StopFlags, EvaluationFlags, HyperparameterFlags, MemoryLimitFlags, PrecisionFlags {
  optimizers: string[];
  seeds: number;
  json?: boolean;
}

interface ComparedRun {
  optimizer: string;
  seed: number;
  result: RunResult;
}

export interface OptimizerSummary {
  optimizer: string;
  runs: number;
  failed: number;
  /** Means over the runs that did not fail (NaN when all failed). */
  final: number;
  best: number;
  /** Spread of the best values over the seeds. */
  bestMin: number;
  bestMax: number;
  evaluations: number;
  elapsedMs: number;
}

export function compareCommand(exit: ExitStatus): Command {
  const command = new Command("compare")
    .description("run several optimizers on one objective with the same budget and seeds, and compare their values")
    .argument("<objective>", "TypeScript objective file")
    .option("--optimizers <list>", "comma-separated optimizer names", list(optimizerNames()), ["vanilla", "zoar", "radazo"])
    .option("--seeds <n>", "runs per optimizer, with seeds seed, seed+1, ..., seed+n-1", integer(1), 1);
  addStopOptions(command);
  addHyperparameterOptions(command);
  addEvaluationOptions(command);
  addPrecisionOption(command);
  addMemoryLimitOption(command);
  command.option("--json", "print runs and summary as one JSON object on stdout");
  return command.action(async (objective: string, flags: CompareFlags, self: Command) => {
    const objectiveFile = objectiveFileFrom(objective);
    const overrides = { ...overridesFrom(flags, self), ...precisionOverride(flags, flags.optimizers) };
    const stop = stopConditionsFrom(flags, true);
    for (const optimizer of flags.optimizers) checkOptimizerSettings(optimizer, overrides, stop.iterations);

    const runs: ComparedRun[] = [];
    let interrupted = false;
    plan: for (let s = 0; s < flags.seeds; s++) {
      for (const optimizer of flags.optimizers) {
        const seed = flags.seed + s;
        const settings = { objectiveFile, optimizer, overrides, seed, stop, ...evaluationSettingsFrom(flags) };
        const followed = await startAndFollow(settings, `[${optimizer} seed ${seed}] `, memoryLimitFrom(flags));
        runs.push({ optimizer, seed, result: followed.result });
        const { result } = followed;
        if (result.error) process.stderr.write(`zoar: ${optimizer} (seed ${seed}) failed: ${describeFailure(result.error)}\n`);
        if (followed.interrupted) {
          interrupted = true;
          break plan;
        }
        // An objective that cannot even load fails the same way for every optimizer.
        if (result.status === "failed" && result.runDir === undefined) break plan;
      }
    }

    const summaries = summarize(runs, flags.optimizers);
    if (flags.json) {
      const json = {
        objective: objectiveFile,
        seeds: Array.from({ length: flags.seeds }, (_, s) => flags.seed + s),
        runs: runs.map(({ optimizer, seed, result }) => ({ ...jsonSummary(result, undefined, undefined, bestParametersOf(result)), optimizer, seed })),
        summary: summaries,
      };
      process.stdout.write(JSON.stringify(json) + "\n");
    } else {
      process.stdout.write(formatSummaries(summaries, flags.seeds) + "\n");
    }
    if (interrupted) process.stderr.write("interrupted; each run so far is stored and resumable (zoar runs lists them)\n");
    exit.code = interrupted ? EXIT_INTERRUPTED : runs.some((run) => run.result.status === "failed") ? EXIT_FAILED : EXIT_DONE;
  });
}

function mean(values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function summarize(runs: ComparedRun[], optimizers: string[]): OptimizerSummary[] {
  return optimizers.map((optimizer) => {
    const mine = runs.filter((run) => run.optimizer === optimizer);
    const usable = mine.filter((run) => run.result.status !== "failed").map((run) => run.result);
    return {
      optimizer,
      runs: mine.length,
      failed: mine.length - usable.length,
      final: mean(usable.map((r) => r.finalValue)),
      best: mean(usable.map((r) => r.bestValue)),
      bestMin: usable.length > 0 ? Math.min(...usable.map((r) => r.bestValue)) : NaN,
      bestMax: usable.length > 0 ? Math.max(...usable.map((r) => r.bestValue)) : NaN,
      evaluations: mean(usable.map((r) => r.evaluations)),
      elapsedMs: mean(usable.map((r) => r.elapsedMs)),
    };
  });
}

function formatSummaries(summaries: OptimizerSummary[], seeds: number): string {
  // With several seeds, the spread of the best values beside their mean.
  const spread = seeds > 1;
  const columns = ["optimizer", "runs", "failed", "final (mean)", "best (mean)", ...(spread ? ["best (min)", "best (max)"] : []), "evaluations", "time"];
  const rows = summaries.map((s) => [
    s.optimizer,
    String(s.runs),
    String(s.failed),
    formatValue(s.final),
    formatValue(s.best),
    ...(spread ? [formatValue(s.bestMin), formatValue(s.bestMax)] : []),
    Number.isNaN(s.evaluations) ? "-" : String(Math.round(s.evaluations)),
    Number.isNaN(s.elapsedMs) ? "-" : formatDuration(s.elapsedMs),
  ]);
  return formatTable(columns, rows);
}
