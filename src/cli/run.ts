// `zoar run <objective.ts>`: optimize an objective file in a stored, resumable run.
import { Command } from "commander";
import { optimizerNames } from "../engine";
import { EXIT_INTERRUPTED, type ExitStatus } from "./exit";
import { startAndFollow } from "./follow";
import { addHyperparameterOptions, overridesFrom } from "./hyperparameters";
import { oneOf } from "./parse";
import { reportRun } from "./report";
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
import { addSaveOptions, type SaveFlags, saveRequestFrom } from "./save-option";
import { initialFileFrom } from "./initial-option";
import { pickLearningRate } from "./auto-lr";
import type { RunSettings } from "../run/types";

interface RunFlags extends StopFlags, EvaluationFlags, HyperparameterFlags, SaveFlags, MemoryLimitFlags, PrecisionFlags {
  optimizer: string;
  initial?: string;
  json?: boolean;
}

export function runCommand(exit: ExitStatus): Command {
  const command = new Command("run")
    .description("optimize an objective file; the run is stored (config, trace, checkpoints, result) and can be resumed")
    .argument("<objective>", "TypeScript objective file (export default defineObjective({...}))")
    .option("--optimizer <name>", `optimizer: ${optimizerNames().join(", ")}`, oneOf(optimizerNames()), "zoar");
  addStopOptions(command);
  addHyperparameterOptions(command);
  addEvaluationOptions(command);
  addPrecisionOption(command);
  addMemoryLimitOption(command);
  addSaveOptions(command);
  command.option("--initial <params.json>", "start from saved parameters (a file --save wrote) instead of the objective's initial point");
  command.option("--json", "print the result as one JSON object on stdout");
  return command.action(async (objective: string, flags: RunFlags, self: Command) => {
    const objectiveFile = objectiveFileFrom(objective);
    const autoLr = flags.lr === "auto";
    const overrides = { ...overridesFrom({ ...flags, lr: autoLr ? undefined : flags.lr }, self), ...precisionOverride(flags, [flags.optimizer]) };
    const stop = stopConditionsFrom(flags, true);
    checkOptimizerSettings(flags.optimizer, overrides, stop.iterations);
    const save = saveRequestFrom(flags, objectiveFile);
    const initialFile = flags.initial === undefined ? undefined : initialFileFrom(flags.initial);
    const settings: RunSettings = {
      objectiveFile,
      optimizer: flags.optimizer,
      overrides,
      seed: flags.seed,
      ...(initialFile ? { initialFile } : {}),
      stop,
      ...evaluationSettingsFrom(flags),
    };
    if (autoLr) {
      const picked = await pickLearningRate(settings);
      if (picked === "interrupted") {
        exit.code = EXIT_INTERRUPTED;
        return;
      }
      Object.assign(settings, picked);
    }
    const { controller, ...followed } = await startAndFollow(settings, "", memoryLimitFrom(flags));
    exit.code = reportRun(followed, { json: flags.json === true, save, started: controller.started });
  });
}
