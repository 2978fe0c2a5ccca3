// `zoar sweep <objective.ts> --optimizer zoar --lr 0.001,0.01,0.1 [--mu 0.01,0.05] [--seeds 3]`:
// every combination of the listed hyperparameter values, each with the same
// seeds, one stored run each; then a table of combinations sorted by their
// mean best value (with --json: one line per run, then a summary line).
import { type Command, InvalidArgumentError, Command as NewCommand } from "commander";
import { type OptimizerConfig, optimizerNames } from "../engine";
import type { RunResult } from "../run/types";
import { EXIT_DONE, EXIT_FAILED, EXIT_INTERRUPTED, type ExitStatus, UsageError } from "./exit";
import { startAndFollow } from "./follow";
import { describeFailure, formatValue } from "./format";
import { integer, oneOf, positiveNumber, unitInterval } from "./parse";
import { jsonSummary } from "./report";
import { addEvaluationOptions, addStopOptions, checkOptimizerSettings, type EvaluationFlags, objectiveFileFrom, type StopFlags, stopConditionsFrom, evaluationSettingsFrom } from "./run-options";
import { formatTable } from "./table";

/** The hyperparameters a sweep can list values of, with the parser of one value. */
export const SWEEPABLE = {
  lr: { flag: "--lr", what: "learning rates", parse: positiveNumber },
  mu: { flag: "--mu", what: "smoothing radii", parse: positiveNumber },
  queries: { flag: "--queries", what: "directions per iteration (K)", parse: integer(1) },
  histories: { flag: "--histories", what: "past iterations kept (N)", parse: integer(0) },
  beta1: { flag: "--beta1", what: "first-moment factors", parse: unitInterval },
  beta2: { flag: "--beta2", what: "second-moment factors", parse: unitInterval },
  eps: { flag: "--eps", what: "denominator epsilons", parse: positiveNumber },
} as const satisfies Record<string, { flag: string; what: string; parse: (raw: string) => number }>;

export type SweepKey = keyof typeof SWEEPABLE;

export const SWEEP_KEYS = Object.keys(SWEEPABLE) as SweepKey[];

/** One point of the grid: a value for each swept hyperparameter. */
export type GridPoint = Partial<Record<SweepKey, number>>;

/** A comma-separated list of values, each checked by `parse`; repeated values are refused. */
export function valueList(parse: (raw: string) => number) {
  return (raw: string): number[] => {
    const parts = raw.split(",").map((part) => part.trim());
    if (parts.some((part) => part === "")) throw new InvalidArgumentError(`expected comma-separated values, got "${raw}".`);
    const values = parts.map((part) => parse(part));
    if (new Set(values).size !== values.length) throw new InvalidArgumentError(`a value is listed twice in "${raw}".`);
    return values;
  };
}

/** Every combination of the listed values, the first hyperparameter varying slowest. */
export function gridOf(lists: Partial<Record<SweepKey, number[]>>): GridPoint[] {
  let grid: GridPoint[] = [{}];
  for (const key of SWEEP_KEYS) {
    const values = lists[key];
    if (!values) continue;
    grid = grid.flatMap((point) => values.map((value) => ({ ...point, [key]: value })));
  }
  return grid;
}

/** "lr=0.01 mu=0.05" */
export function pointLabel(point: GridPoint): string {
  return Object.entries(point)
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");
}

export interface SweptRun {
  point: GridPoint;
  seed: number;
  result: RunResult;
}

export interface PointSummary {
  point: GridPoint;
  runs: number;
  failed: number;
  /** Over the runs that did not fail; NaN when all failed. */
  bestMean: number;
  bestMin: number;
  bestMax: number;
  finalMean: number;
}

function mean(values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** One summary per grid point, best mean first (points whose runs all failed last). */
export function summarizeSweep(grid: GridPoint[], runs: SweptRun[]): PointSummary[] {
  const summaries = grid.map((point) => {
    const label = pointLabel(point);
    const mine = runs.filter((run) => pointLabel(run.point) === label);
    const usable = mine.filter((run) => run.result.status !== "failed").map((run) => run.result);
    const bests = usable.map((result) => result.bestValue).filter(Number.isFinite);
    return {
      point,
      runs: mine.length,
      failed: mine.length - usable.length,
      bestMean: mean(bests),
      bestMin: bests.length > 0 ? Math.min(...bests) : NaN,
      bestMax: bests.length > 0 ? Math.max(...bests) : NaN,
      finalMean: mean(usable.map((result) => result.finalValue)),
    };
  });
  const key = (summary: PointSummary) => (Number.isNaN(summary.bestMean) ? Infinity : summary.bestMean);
  return summaries.sort((a, b) => key(a) - key(b));
}

function formatSweep(keys: SweepKey[], summaries: PointSummary[], seeds: number): string {
  const spread = seeds > 1 ? ["best (min)", "best (max)"] : [];
  const columns = [...keys, "runs", "failed", seeds > 1 ? "best (mean)" : "best", ...spread, seeds > 1 ? "final (mean)" : "final"];
  const rows = summaries.map((s) => [
    ...keys.map((key) => String(s.point[key])),
    String(s.runs),
    String(s.failed),
    formatValue(s.bestMean),
    ...(seeds > 1 ? [formatValue(s.bestMin), formatValue(s.bestMax)] : []),
    formatValue(s.finalMean),
  ]);
  return formatTable(columns, rows);
}

type SweepFlags = StopFlags &
  EvaluationFlags &
  Partial<Record<SweepKey, number[]>> & {
    optimizer: string;
    seeds: number;
    update?: OptimizerConfig["update"];
    sampler?: OptimizerConfig["sampler"];
    json?: boolean;
  };

export function sweepCommand(exit: ExitStatus): Command {
  const command = new NewCommand("sweep")
    .description("run an optimizer on every combination of the listed hyperparameter values, with the same seeds, and rank them by best value")
    .argument("<objective>", "TypeScript objective file")
    .option("--optimizer <name>", "optimizer to tune", oneOf(optimizerNames()), "zoar");
  for (const key of SWEEP_KEYS) {
    const { flag, what, parse } = SWEEPABLE[key];
    command.option(`${flag} <values>`, `comma-separated ${what}`, valueList(parse));
  }
  command
    .option("--update <rule>", "update rule for every run: sgd, adam, radazo", oneOf(["sgd", "adam", "radazo"]))
    .option("--sampler <kind>", "directions for every run: gaussian, sphere", oneOf(["gaussian", "sphere"]))
    .option("--seeds <n>", "runs per combination, with seeds seed, seed+1, ..., seed+n-1", integer(1), 1);
  addStopOptions(command);
  addEvaluationOptions(command);
  command.option("--json", "one JSON line per run (with its hyperparameters), then a summary line naming the best");
  return command.action(async (objective: string, flags: SweepFlags) => {
    const objectiveFile = objectiveFileFrom(objective);
    const keys = SWEEP_KEYS.filter((key) => flags[key] !== undefined);
    if (keys.length === 0) throw new UsageError(`sweep needs values of at least one hyperparameter: ${SWEEP_KEYS.map((key) => SWEEPABLE[key].flag).join(", ")} (e.g. --lr 0.001,0.01,0.1)`);
    const grid = gridOf(flags);
    const fixed: Partial<OptimizerConfig> = {};
    if (flags.update !== undefined) fixed.update = flags.update;
    if (flags.sampler !== undefined) fixed.sampler = flags.sampler;
    // A value the optimizer refuses (beta1 for an sgd update, ...) is a usage error before anything runs.
    for (const point of grid) checkOptimizerSettings(flags.optimizer, { ...fixed, ...point });
    const stop = stopConditionsFrom(flags, true);
    const seeds = Array.from({ length: flags.seeds }, (_, s) => flags.seed + s);

    const runs: SweptRun[] = [];
    let interrupted = false;
    sweep: for (const point of grid) {
      for (const seed of seeds) {
        const label = pointLabel(point);
        const followed = await startAndFollow({ objectiveFile, optimizer: flags.optimizer, overrides: { ...fixed, ...point }, seed, stop, ...evaluationSettingsFrom(flags) }, `[${label} seed ${seed}] `);
        const { result } = followed;
        runs.push({ point, seed, result });
        if (flags.json) process.stdout.write(JSON.stringify({ ...jsonSummary(result, undefined, undefined), optimizer: flags.optimizer, seed, hyperparameters: point }) + "\n");
        if (result.error) process.stderr.write(`zoar: ${label} (seed ${seed}) failed: ${describeFailure(result.error)}\n`);
        if (followed.interrupted) {
          interrupted = true;
          break sweep;
        }
        // An objective that cannot even load fails the same way for every combination.
        if (result.status === "failed" && result.runDir === undefined) break sweep;
      }
    }

    const summaries = summarizeSweep(grid, runs);
    const best = summaries.find((summary) => !Number.isNaN(summary.bestMean));
    if (flags.json) {
      const line = { summary: true, objective: objectiveFile, optimizer: flags.optimizer, seeds, best: best ? { hyperparameters: best.point, bestMean: best.bestMean } : null, points: summaries.map(({ point, ...figures }) => ({ hyperparameters: point, ...figures })) };
      process.stdout.write(JSON.stringify(line) + "\n");
    } else {
      process.stdout.write(formatSweep(keys, summaries, seeds.length) + "\n");
      if (best) process.stdout.write(`best: ${pointLabel(best.point)} (${seeds.length > 1 ? "mean best" : "best"} ${formatValue(best.bestMean)})\n`);
    }
    if (interrupted) process.stderr.write("interrupted; each run so far is stored and resumable (zoar runs lists them)\n");
    exit.code = interrupted ? EXIT_INTERRUPTED : runs.some((run) => run.result.status === "failed") ? EXIT_FAILED : EXIT_DONE;
  });
}
