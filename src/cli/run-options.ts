// Options shared by the commands that run an objective (run, compare, resume):
// when to stop, and how the objective is evaluated.
import { type Command, InvalidArgumentError } from "commander";
import * as fs from "node:fs";
import * as path from "node:path";
import { type OptimizerConfig, optimizerEntry, type Precision, PRECISIONS } from "../engine";
import { resolveRunConfig } from "../run/lr-horizon";
import type { NonFinitePolicy } from "../objective/protocol";
import type { OnnxProviderPreference } from "../objective/runtime-context";
import type { RunControllerOptions } from "../run/controller";
import { defaultMemoryLimitMB, MIN_MEMORY_LIMIT_MB } from "../run/memory-limit";
import { parseQueueUrl } from "../distributed/redis-url";
import { DEFAULT_RUNS_DIR } from "../run/store";
import type { RunSettings, StopConditions } from "../run/types";
import { UsageError } from "./exit";
import type { overridesFrom } from "./hyperparameters";
import { finiteNumber, integer, oneOf, positiveNumber } from "./parse";

/** Iterations of a run given no iteration, budget or time limit. */
export const DEFAULT_ITERATIONS = 1000;

/** The hyperparameter flags of addHyperparameterOptions. */
export type HyperparameterFlags = Parameters<typeof overridesFrom>[0];

export interface StopFlags {
  iterations?: number;
  budget?: number;
  target?: number;
  time?: number;
}

export interface EvaluationFlags {
  seed: number;
  provider?: OnnxProviderPreference;
  timeout?: number;
  nonFinite: NonFinitePolicy;
  runsDir: string;
  queue?: string;
  metricsEvery?: number;
}

function seconds(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError(`expected a number of seconds >= 0, got "${raw}".`);
  return value;
}

/**
 * A redis:// or rediss:// URL, checked now. A UsageError rather than
 * commander's InvalidArgumentError: commander would repeat the argument, password and all.
 */
export function queueUrl(raw: string): string {
  try {
    parseQueueUrl(raw);
  } catch (error) {
    throw new UsageError(`--queue: ${error instanceof Error ? error.message : String(error)}`);
  }
  return raw;
}

export const QUEUE_OPTION_HELP = "evaluate on zoar workers through this Redis queue: redis://[:password@]host:port or rediss://... (see zoar worker)";

function seed(raw: string): number {
  const value = integer(0)(raw);
  if (value > 0xffffffff) throw new InvalidArgumentError(`expected an integer in [0, 4294967295], got "${raw}".`);
  return value;
}

export function addStopOptions(command: Command, defaultsNote = `default: --iterations ${DEFAULT_ITERATIONS} when no --budget or --time is given`): Command {
  return command
    .option("--iterations <N>", `stop after N iterations in all (${defaultsNote})`, integer(1))
    .option("--budget <evals>", "stop before exceeding this many objective evaluations", integer(1))
    .option("--target <value>", "stop once the best value is <= value", finiteNumber)
    .option("--time <seconds>", "stop after this much running time", positiveNumber);
}

export function addEvaluationOptions(command: Command): Command {
  return command
    .option("--seed <seed>", "seed of the directions", seed, 0)
    .option("--provider <name>", "ONNX execution provider: auto, cpu, cuda", oneOf(["auto", "cpu", "cuda"]))
    .option("--timeout <seconds>", "limit per batch of evaluations, 0 for none (default 60)", seconds)
    .option("--non-finite <policy>", "a NaN or infinite value: fail, or skip the query", oneOf(["fail", "skip"]), "fail")
    .option("--runs-dir <dir>", "where runs are stored", DEFAULT_RUNS_DIR)
    .option("--queue <redis-url>", QUEUE_OPTION_HELP, queueUrl)
    .option("--metrics-every <N>", "compute the objective's metrics() every N iterations (default: its metricsEvery, 10)", integer(1));
}

/** The stop conditions given; with `withDefault`, iterations default to DEFAULT_ITERATIONS when nothing bounds the run. */
export function stopConditionsFrom(flags: StopFlags, withDefault: boolean): StopConditions {
  const stop: StopConditions = {};
  if (flags.iterations !== undefined) stop.iterations = flags.iterations;
  if (flags.budget !== undefined) stop.evaluations = flags.budget;
  if (flags.target !== undefined) stop.target = flags.target;
  if (flags.time !== undefined) stop.timeMs = flags.time * 1000;
  if (withDefault && stop.iterations === undefined && stop.evaluations === undefined && stop.timeMs === undefined) {
    stop.iterations = DEFAULT_ITERATIONS;
  }
  return stop;
}

function timeoutMsFrom(flags: EvaluationFlags): number | undefined {
  return flags.timeout === undefined ? undefined : flags.timeout * 1000;
}

/** How a run evaluates and where it is stored, from the flags every running command shares. */
export function evaluationSettingsFrom(flags: EvaluationFlags): Pick<RunSettings, "timeoutMs" | "nonFinite" | "provider" | "runsDir" | "queue" | "metricsEvery"> {
  return {
    timeoutMs: timeoutMsFrom(flags),
    nonFinite: flags.nonFinite,
    provider: flags.provider,
    runsDir: flags.runsDir,
    ...(flags.queue ? { queue: flags.queue } : {}),
    metricsEvery: flags.metricsEvery,
  };
}

/** The objective file, absolute; a usage error when it does not exist. */
export function objectiveFileFrom(argument: string): string {
  const file = path.resolve(argument);
  if (!fs.existsSync(file)) throw new UsageError(`objective file not found: ${argument}`);
  if (!fs.statSync(file).isFile()) throw new UsageError(`not a file: ${argument}`);
  return file;
}

/**
 * Checks the optimizer's settings now, so a bad combination is a usage error
 * rather than a failed run; `iterations` is the horizon of a decaying lr
 * schedule given without one.
 */
export function checkOptimizerSettings(optimizer: string, overrides: Partial<OptimizerConfig>, iterations?: number): void {
  try {
    resolveRunConfig(optimizer, overrides, iterations);
  } catch (error) {
    throw new UsageError(`${optimizer}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface MemoryLimitFlags {
  memoryLimit?: number;
}

/** The flag that names it in messages. */
const MEMORY_LIMIT_FLAG = "--memory-limit";

export function addMemoryLimitOption(command: Command): Command {
  return command.option(
    `${MEMORY_LIMIT_FLAG} <MB>`,
    `resident memory the run's process may use, objective included (default: a quarter of this machine's memory, at most 8 GB; here ${defaultMemoryLimitMB()})`,
    integer(MIN_MEMORY_LIMIT_MB),
  );
}

/** The run process's memory limit, and the flag its message names. */
export function memoryLimitFrom(flags: MemoryLimitFlags): Pick<RunControllerOptions, "memoryLimitMB" | "memoryLimitSetting"> {
  return { memoryLimitMB: flags.memoryLimit, memoryLimitSetting: MEMORY_LIMIT_FLAG };
}

export interface PrecisionFlags {
  precision?: Precision;
}

/** The flag that names the precision in messages. */
const PRECISION_FLAG = "--precision";

const PRECISION_HELP = "keep parameters, query rows, moments and window sums in float64 or float32 (float32 halves memory and bandwidth; default: the objective's precision, else float64)";

export function addPrecisionOption(command: Command, help = PRECISION_HELP): Command {
  return command.option(`${PRECISION_FLAG} <kind>`, help, oneOf(PRECISIONS));
}

/** The precision override of run and compare; float32 is refused for the CMA-ES optimizers, which keep float64. */
export function precisionOverride(flags: PrecisionFlags, optimizers: readonly string[]): Partial<OptimizerConfig> {
  if (flags.precision === undefined) return {};
  if (flags.precision === "float32") {
    const cma = optimizers.find((name) => optimizerEntry(name).cma !== undefined);
    if (cma) throw new UsageError(`${PRECISION_FLAG} float32: ${cma} keeps its state in float64 only`);
  }
  return { precision: flags.precision };
}

/** A resume keeps the run's precision (that is what makes it bit-identical); a different --precision is refused. */
export function checkResumePrecision(flags: PrecisionFlags, run: string, precision: Precision): void {
  if (flags.precision !== undefined && flags.precision !== precision) {
    throw new UsageError(`${PRECISION_FLAG} ${flags.precision}: ${run} runs in ${precision}, and a resume continues in the run's own precision`);
  }
}
