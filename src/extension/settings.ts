// The zoar.* settings: read with defaults and checks (a bad value falls back
// to its default and is reported, never thrown), and turned into the run
// layer's RunSettings. No vscode import: the extension passes a getter over
// its workspace configuration, the tests a plain object.
import * as path from "node:path";
import { ConfigError, type OptimizerConfig, optimizerNames } from "../engine";
import type { NonFinitePolicy } from "../objective/protocol";
import type { OnnxProviderPreference } from "../objective/runtime-context";
import { defaultMemoryLimitMB, MIN_MEMORY_LIMIT_MB } from "../run/memory-limit";
import { resolveRunConfig } from "../run/lr-horizon";
import { parseQueueUrl, redactQueueUrl } from "../distributed/redis-url";
import type { RunSettings, StopConditions } from "../run/types";
import {
  type HyperparameterKey,
  type HyperparameterValue,
  type StopSettings,
  SEED_LIMIT,
  checkHyperparameter,
  checkStopSetting,
  isHyperparameterKey,
} from "../protocol";

export type ParamsLocation = "besideObjective" | "ask";

export type Overrides = Partial<Record<HyperparameterKey, HyperparameterValue>>;

/** The learning rate "auto": picked by short seeded trials before the run. */
export const AUTO_LR = "auto";

/** The request without "lr": "auto", and whether it asked for it. */
export function withoutAutoLr(request: RunRequest): { request: RunRequest; autoLr: boolean } {
  if (request.overrides.lr !== AUTO_LR) return { request, autoLr: false };
  const overrides = { ...request.overrides };
  delete overrides.lr;
  return { request: { ...request, overrides }, autoLr: true };
}

export interface ZoarSettings {
  /** Optimizer of "Optimize Objective". */
  optimizer: string;
  /** Overrides of that optimizer's defaults. */
  hyperparameters: Overrides;
  iterations: number;
  /** Evaluation budget; 0 for none. */
  evaluationBudget: number;
  /** Stop once the best value is <= target; null for none. */
  target: number | null;
  seed: number;
  /** Limit per batch of evaluations in seconds; 0 for none. */
  evaluationTimeout: number;
  onnxProvider: OnnxProviderPreference;
  nonFinite: NonFinitePolicy;
  /** Resident memory one run's process may use, in MB; 0 for the default (defaultMemoryLimitMB). */
  memoryLimitMB: number;
  /** Where runs are stored: absolute, or relative to the objective's workspace folder. */
  runsFolder: string;
  paramsLocation: ParamsLocation;
  /** Optimizers "Compare Optimizers" offers checked. */
  compareOptimizers: string[];
  codeLens: boolean;
  /** redis:// or rediss:// URL of the queue zoar workers serve; "" evaluates locally. */
  queue: string;
}

export const DEFAULT_SETTINGS: Readonly<ZoarSettings> = Object.freeze({
  optimizer: "zoar",
  hyperparameters: {},
  iterations: 1000,
  evaluationBudget: 0,
  target: null,
  seed: 0,
  evaluationTimeout: 60,
  onnxProvider: "auto",
  nonFinite: "fail",
  memoryLimitMB: 0,
  // The command line's default folder (DEFAULT_RUNS_DIR), written the same on every platform.
  runsFolder: ".zoar/runs",
  paramsLocation: "besideObjective",
  compareOptimizers: ["vanilla", "zoar", "radazo"],
  codeLens: true,
  queue: "",
});

/** Setting names under `zoar.`, as the manifest declares them. */
export const SETTING_KEYS: Readonly<Record<keyof ZoarSettings, string>> = Object.freeze({
  optimizer: "optimizer",
  hyperparameters: "hyperparameters",
  iterations: "iterations",
  evaluationBudget: "evaluationBudget",
  target: "target",
  seed: "seed",
  evaluationTimeout: "evaluationTimeout",
  onnxProvider: "onnxProvider",
  nonFinite: "nonFinite",
  memoryLimitMB: "memoryLimitMB",
  runsFolder: "runsFolder",
  paramsLocation: "paramsLocation",
  compareOptimizers: "compare.optimizers",
  codeLens: "codeLens.enabled",
  queue: "queue",
});

export interface SettingsReading {
  settings: ZoarSettings;
  /** One line per value that was not acceptable and was replaced by its default. */
  problems: string[];
}

const isInteger = (min: number) => (x: unknown) => typeof x === "number" && Number.isSafeInteger(x) && x >= min;
const isOneOf = (choices: readonly string[]) => (x: unknown) => typeof x === "string" && choices.includes(x);

/** The settings through `get` (undefined: not set), each checked on its own. */
export function readSettings(get: (key: string) => unknown): SettingsReading {
  const problems: string[] = [];
  const settings = { ...DEFAULT_SETTINGS, hyperparameters: {}, compareOptimizers: [...DEFAULT_SETTINGS.compareOptimizers] } as ZoarSettings;
  function take<K extends keyof ZoarSettings>(key: K, accept: (x: unknown) => boolean, expected: string): void {
    const value = get(SETTING_KEYS[key]);
    if (value === undefined) return;
    if (accept(value)) settings[key] = value as ZoarSettings[K];
    else problems.push(`zoar.${SETTING_KEYS[key]} must be ${expected} (got ${JSON.stringify(value)}); using ${JSON.stringify(DEFAULT_SETTINGS[key])}`);
  }
  const names = optimizerNames();
  take("optimizer", isOneOf(names), `one of ${names.join(", ")}`);
  take("iterations", isInteger(1), "an integer >= 1");
  take("evaluationBudget", isInteger(0), "an integer >= 0");
  take("target", (x) => x === null || (typeof x === "number" && Number.isFinite(x)), "a number or null");
  take("seed", (x) => isInteger(0)(x) && (x as number) < SEED_LIMIT, "an integer in [0, 2^32)");
  take("evaluationTimeout", (x) => typeof x === "number" && Number.isFinite(x) && x >= 0, "a number of seconds >= 0");
  take("onnxProvider", isOneOf(["auto", "cpu", "cuda"]), "auto, cpu or cuda");
  take("nonFinite", isOneOf(["fail", "skip"]), "fail or skip");
  take("memoryLimitMB", (x) => x === 0 || isInteger(MIN_MEMORY_LIMIT_MB)(x), `0 (the default) or an integer >= ${MIN_MEMORY_LIMIT_MB}`);
  take("runsFolder", (x) => typeof x === "string" && x.trim() !== "", "a folder path");
  take("paramsLocation", isOneOf(["besideObjective", "ask"]), "besideObjective or ask");
  take("compareOptimizers", (x) => Array.isArray(x) && x.every((name) => names.includes(name as string)), `a list of ${names.join(", ")}`);
  take("codeLens", (x) => typeof x === "boolean", "true or false");
  settings.hyperparameters = readHyperparameters(get(SETTING_KEYS.hyperparameters), problems);
  settings.queue = readQueue(get(SETTING_KEYS.queue), problems);
  return { settings, problems };
}

/** The queue URL, checked; the report of a bad one never repeats its password. */
function readQueue(raw: unknown, problems: string[]): string {
  if (raw === undefined || raw === null || raw === "") return "";
  if (typeof raw !== "string") {
    problems.push(`zoar.queue must be a redis:// or rediss:// URL, or empty (got ${typeof raw}); evaluating locally`);
    return "";
  }
  try {
    parseQueueUrl(raw);
    return raw.trim();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    problems.push(`zoar.queue ${JSON.stringify(redactQueueUrl(raw))}: ${why}; evaluating locally`);
    return "";
  }
}

/** The hyperparameter overrides that pass the form's own checks; the others are reported and left out. */
function readHyperparameters(raw: unknown, problems: string[]): Overrides {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    problems.push(`zoar.hyperparameters must be an object such as {"lr": 0.01}; ignored`);
    return {};
  }
  const overrides: Overrides = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!isHyperparameterKey(key)) {
      problems.push(`zoar.hyperparameters.${key} is not a hyperparameter; ignored`);
      continue;
    }
    // "lr": "auto" picks the learning rate by short trials before each run (src/run/autoLr.ts).
    if (key === "lr" && value === AUTO_LR) {
      overrides.lr = AUTO_LR;
      continue;
    }
    const problem = checkHyperparameter(key, value);
    if (problem) problems.push(`zoar.hyperparameters.${key} ${problem}${key === "lr" ? ' (or "auto")' : ""}; ignored`);
    else overrides[key] = value as HyperparameterValue;
  }
  return overrides;
}

/**
 * The overrides as the engine types them. Their values passed the protocol's
 * checkHyperparameter (webview validation or readHyperparameters), and
 * resolveConfig checks them again before a run starts.
 */
function configOverrides(overrides: Overrides): Partial<OptimizerConfig> {
  return { ...overrides } as Partial<OptimizerConfig>;
}

/** What to run: an optimizer with its overrides, a seed and when to stop. */
export interface RunRequest {
  optimizer: string;
  overrides: Overrides;
  seed: number;
  stop: StopSettings;
  /** A saved parameters file to start from instead of the objective's initial point. */
  initialFile?: string;
  /** The swept value of a sweep's run ("lr=0.01"), for its legend. */
  variant?: string;
  /** Shared by requests that differ only by seed (a compare or sweep with several seeds). */
  seedGroup?: string;
}

/** The stop conditions of the settings: iterations, plus the budget and target when set. */
export function stopFromSettings(settings: ZoarSettings): StopSettings {
  const stop: StopSettings = { iterations: settings.iterations };
  if (settings.evaluationBudget > 0) stop.evaluations = settings.evaluationBudget;
  if (settings.target !== null) stop.target = settings.target;
  return stop;
}

/** "Optimize Objective": the default optimizer with the settings' hyperparameters. */
export function defaultRequest(settings: ZoarSettings): RunRequest {
  return { optimizer: settings.optimizer, overrides: { ...settings.hyperparameters }, seed: settings.seed, stop: stopFromSettings(settings) };
}

/** "Compare Optimizers": each optimizer with its own defaults, the same seed and stop conditions. */
export function compareRequests(optimizers: readonly string[], settings: ZoarSettings, seed = settings.seed, stop = stopFromSettings(settings)): RunRequest[] {
  return optimizers.map((optimizer) => ({ optimizer, overrides: {}, seed, stop: { ...stop } }));
}

/** A sweep: each value of `key` with each seed (seed, seed + 1, ...), the other settings the same. */
export function sweepRequests(sweep: { optimizer: string; overrides: Overrides; key: HyperparameterKey; values: readonly number[]; seeds: number; seed: number; stop: StopSettings }, batch = ""): RunRequest[] {
  return sweep.values.flatMap((value) =>
    Array.from({ length: sweep.seeds }, (_, s) => {
      const variant = `${sweep.key}=${value}`;
      const request: RunRequest = { optimizer: sweep.optimizer, overrides: { ...sweep.overrides, [sweep.key]: value }, seed: sweep.seed + s, stop: { ...sweep.stop }, variant };
      if (sweep.seeds > 1) request.seedGroup = `${batch}${sweep.optimizer} ${variant}`;
      return request;
    }),
  );
}

/** A comparison with `seeds` runs per optimizer: every optimizer with one seed, then the next seed, as zoar compare runs them. */
export function seededCompareRequests(optimizers: readonly string[], settings: ZoarSettings, seeds: number, seed = settings.seed, stop = stopFromSettings(settings), batch = ""): RunRequest[] {
  if (seeds <= 1) return compareRequests(optimizers, settings, seed, stop);
  return Array.from({ length: seeds }, (_, s) => compareRequests(optimizers, settings, seed + s, stop).map((request) => ({ ...request, seedGroup: `${batch}${request.optimizer}` }))).flat();
}

/**
 * The stop conditions a run gets: those asked for, with the settings'
 * iterations when nothing else would end it (a target alone may never be met).
 */
export function boundedStop(stop: StopSettings, settings: ZoarSettings): StopConditions {
  const bounded: StopConditions = { ...stop };
  if (bounded.iterations === undefined && bounded.evaluations === undefined) bounded.iterations = settings.iterations;
  return bounded;
}

/** Why a request cannot run, naming the form field at fault, or null when it can. */
export function checkRunRequest(request: RunRequest): { field: string; message: string } | null {
  if (!optimizerNames().includes(request.optimizer)) {
    return { field: "optimizer", message: `unknown optimizer "${request.optimizer}" (known: ${optimizerNames().join(", ")})` };
  }
  for (const [key, value] of Object.entries(request.stop)) {
    const problem = value === undefined ? null : checkStopSetting(key as keyof StopSettings, value);
    if (problem) return { field: key, message: `${key} ${problem}` };
  }
  if (!Number.isInteger(request.seed) || request.seed < 0 || request.seed >= SEED_LIMIT) return { field: "seed", message: "seed must be an integer in [0, 2^32)" };
  try {
    resolveRunConfig(request.optimizer, configOverrides(request.overrides), request.stop.iterations);
  } catch (error) {
    if (error instanceof ConfigError) return { field: error.parameter, message: error.message };
    throw error;
  }
  return null;
}

/** The runs folder of an objective: the setting, relative to the objective's workspace folder (or its own folder outside a workspace). */
export function runsFolderFor(objectiveFile: string, workspaceFolder: string | undefined, runsFolder: string): string {
  if (path.isAbsolute(runsFolder)) return path.normalize(runsFolder);
  return path.resolve(workspaceFolder ?? path.dirname(objectiveFile), runsFolder);
}

/** The run layer's settings for one request. */
export function runSettingsFor(request: RunRequest, context: { objectiveFile: string; runDir: string; settings: ZoarSettings }): RunSettings {
  const { objectiveFile, runDir, settings } = context;
  return {
    objectiveFile,
    optimizer: request.optimizer,
    overrides: configOverrides(request.overrides),
    seed: request.seed,
    stop: boundedStop(request.stop, settings),
    timeoutMs: Math.round(settings.evaluationTimeout * 1000),
    nonFinite: settings.nonFinite,
    provider: settings.onnxProvider,
    runsDir: path.dirname(runDir),
    runDir,
    ...(settings.queue ? { queue: settings.queue } : {}),
    ...(request.initialFile ? { initialFile: request.initialFile } : {}),
  };
}

/** The memory limit of a run's process, in MB: the setting, or the default for 0. */
export function memoryLimitOf(settings: ZoarSettings): number {
  return settings.memoryLimitMB > 0 ? settings.memoryLimitMB : defaultMemoryLimitMB();
}

/** How the memory message names the setting. */
export const MEMORY_LIMIT_SETTING = `setting zoar.${SETTING_KEYS.memoryLimitMB}`;
