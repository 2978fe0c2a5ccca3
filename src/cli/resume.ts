// `zoar resume <run>`: continue a stopped, failed or killed run from its last checkpoint.
import { Command } from "commander";
import { DEFAULT_RUNS_DIR, resolveRunDir, RunStore } from "../run/store";
import { EXIT_FAILED, type ExitStatus, UsageError } from "./exit";
import { resumeAndFollow } from "./follow";
import { reportRun } from "./report";
import {
  addMemoryLimitOption,
  addPrecisionOption,
  addStopOptions,
  checkResumePrecision,
  type MemoryLimitFlags,
  memoryLimitFrom,
  type PrecisionFlags,
  QUEUE_OPTION_HELP,
  queueUrl,
  type StopFlags,
  stopConditionsFrom,
} from "./run-options";
import { addSaveOptions, type SaveFlags, saveRequestFrom } from "./save-option";

interface ResumeFlags extends StopFlags, SaveFlags, MemoryLimitFlags, PrecisionFlags {
  runsDir: string;
  queue?: string;
  json?: boolean;
}

export function resumeCommand(exit: ExitStatus): Command {
  const command = new Command("resume")
    .description("continue a run from its last checkpoint, exactly as if it had not been interrupted")
    .argument("<run>", "run folder, or run id under --runs-dir");
  addStopOptions(command, "default: the run's own stop conditions; those given replace them");
  command.option("--runs-dir <dir>", "where runs are stored", DEFAULT_RUNS_DIR);
  addMemoryLimitOption(command);
  addPrecisionOption(command, "float64 or float32: must be the run's own precision, which a resume keeps");
  command.option("--queue <redis-url>", QUEUE_OPTION_HELP, queueUrl);
  addSaveOptions(command);
  command.option("--json", "print the result as one JSON object on stdout");
  return command.action(async (run: string, flags: ResumeFlags) => {
    let runDir: string;
    try {
      runDir = resolveRunDir(run, flags.runsDir);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const store = RunStore.open(runDir);
    if (!store.hasCheckpoint()) throw new UsageError(`${run} has no checkpoint to resume from`);
    const holder = store.lockHolder();
    if (holder !== undefined) throw new UsageError(`${run} is being run by process ${holder}; stop it there first (or wait for it to end)`);
    try {
      store.loadCheckpoint(); // neither generation readable: say what is left, not to resume again
    } catch (error) {
      process.stderr.write(`zoar: ${error instanceof Error ? error.message : String(error)}\n`);
      exit.code = EXIT_FAILED;
      return;
    }
    const config = store.readConfig();
    checkResumePrecision(flags, run, config.config.precision ?? "float64");
    const save = saveRequestFrom(flags, config.objective.file);
    const stop = stopConditionsFrom(flags, false);
    const stopConditions = Object.keys(stop).length > 0 ? stop : undefined;
    const { controller, ...followed } = await resumeAndFollow(runDir, stopConditions, { ...memoryLimitFrom(flags), queue: flags.queue });
    exit.code = reportRun(followed, { json: flags.json === true, save, started: controller.started });
  });
}
