// Starts each run in a process of its own (forked with the extension host's
// Node runtime) from the bundled scripts that lie beside the extension in
// dist/: the extension host only forwards commands and events, it never
// evaluates an objective or steps an optimizer itself, and an objective that
// leaks memory or crashes takes only its run process down. What an objective
// prints reaches the caller line by line (the "zoar" output channel).
import * as path from "node:path";
import { type OutputStream, RunController } from "../run/controller";
import type { RunLauncher } from "./objectiveRunner";
import { MEMORY_LIMIT_SETTING } from "./settings";

export interface BundledScripts {
  runWorker: string;
  objectiveWorker: string;
}

/** The worker bundles in `distDir` (the extension's dist/ folder). */
export function bundledScripts(distDir: string): BundledScripts {
  return { runWorker: path.join(distDir, "run-worker.js"), objectiveWorker: path.join(distDir, "objective-worker.js") };
}

/** Where an objective's console output goes: one line at a time, with the objective file it came from. */
export type ObjectiveOutput = (objectiveFile: string, line: string, stream: OutputStream) => void;

/** `memoryLimitMB` gives the limit of a run of an objective file, as its settings say when the run starts. */
export function createRunLauncher(scripts: BundledScripts, output: ObjectiveOutput, memoryLimitMB: (objectiveFile: string) => number): RunLauncher {
  return (settings) =>
    RunController.start(settings, {
      workerScript: scripts.runWorker,
      objectiveWorkerScript: scripts.objectiveWorker,
      memoryLimitMB: memoryLimitMB(settings.objectiveFile),
      memoryLimitSetting: MEMORY_LIMIT_SETTING,
      output: (line, stream) => output(settings.objectiveFile, line, stream),
    });
}
