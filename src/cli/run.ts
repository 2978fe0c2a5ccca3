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
  addStopOptions,
  checkOptimizerSettings,
  type EvaluationFlags,
  type HyperparameterFlags,
  objectiveFileFrom,
  type StopFlags,
  stopConditionsFrom,
  evaluationSettingsFrom,
} from "./run-options";
import { addSaveOptions, type SaveFlags, saveRequestFrom } from "./save-option";
import { pickLearningRate } from "./auto-lr";
import type { RunSettings } from "../run/types";

interface RunFlags extends StopFlags, EvaluationFlags, HyperparameterFlags, SaveFlags {
  optimizer: string;
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
  addSaveOptions(command);
  command.option("--json", "print the result as one JSON object on stdout");
  return command.action(async (objective: string, flags: RunFlags, self: Command) => {
    const objectiveFile = objectiveFileFrom(objective);
    const autoLr = flags.lr === "auto";
    const overrides = overridesFrom({ ...flags, lr: autoLr ? undefined : flags.lr }, self);
    checkOptimizerSettings(flags.optimizer, overrides);
    const save = saveRequestFrom(flags, objectiveFile);
    const settings: RunSettings = { objectiveFile, optimizer: flags.optimizer, overrides, seed: flags.seed, stop: stopConditionsFrom(flags, true), ...evaluationSettingsFrom(flags) };
    if (autoLr) {
      const picked = await pickLearningRate(settings);
      if (picked === "interrupted") {
        exit.code = EXIT_INTERRUPTED;
        return;
      }
      Object.assign(settings, picked);
    }
    const { controller, ...followed } = await startAndFollow(settings);
    exit.code = reportRun(followed, { json: flags.json === true, save, started: controller.started });
  });
}
