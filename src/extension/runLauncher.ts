// Starts runs in worker threads with the bundled scripts that lie beside the
// extension in dist/: the extension host only forwards commands and events,
// it never evaluates an objective or steps an optimizer itself.
import * as path from "node:path";
import { RunController } from "../run/controller";
import type { RunLauncher } from "./objectiveRunner";

export interface BundledScripts {
  runWorker: string;
  objectiveWorker: string;
}

/** The worker bundles in `distDir` (the extension's dist/ folder). */
export function bundledScripts(distDir: string): BundledScripts {
  return { runWorker: path.join(distDir, "run-worker.js"), objectiveWorker: path.join(distDir, "objective-worker.js") };
}

export function createRunLauncher(scripts: BundledScripts): RunLauncher {
  return (settings) => RunController.start(settings, { workerScript: scripts.runWorker, objectiveWorkerScript: scripts.objectiveWorker });
}
