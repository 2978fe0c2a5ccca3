// Following a run from the terminal: progress on stderr, and Ctrl-C (or a
// SIGTERM) stops it cleanly: the run writes its checkpoint and result and
// stays resumable. A second Ctrl-C quits at once; the last checkpoint still holds.
import { RunController, type RunControllerOptions } from "../run/controller";
import type { RunResult, RunSettings, StopConditions } from "../run/types";
import { EXIT_INTERRUPTED } from "./exit";
import { createProgressView, type ProgressView } from "./progress-view";

export interface Followed {
  result: RunResult;
  /** Whether a signal asked the run to stop. */
  interrupted: boolean;
}

export async function followRun(controller: RunController, view: ProgressView): Promise<Followed> {
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      view.finish();
      process.stderr.write(`zoar: ${signal} again, quitting without waiting; resume from the last checkpoint: zoar resume ${controller.runDir}\n`);
      process.exit(EXIT_INTERRUPTED);
    }
    interrupted = true;
    view.note("stopping: writing a checkpoint and the result (press Ctrl-C again to quit at once)");
    controller.stop();
  };
  controller.onStarted((info) => {
    view.started(info);
    if (info.checkpointFallback) view.note(`zoar: ${info.checkpointFallback}`);
  });
  controller.onProgress((progress) => view.update(progress));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const result = await controller.finished;
    return { result, interrupted };
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    view.finish();
  }
}

export interface FollowedRun extends Followed {
  controller: RunController;
}

/** Launches a run with its objective's output routed above the progress view, and follows it. */
async function launchAndFollow(launch: (options: RunControllerOptions) => RunController, label: string, host: RunControllerOptions): Promise<FollowedRun> {
  const view = createProgressView(process.stderr, label);
  const controller = launch({ ...host, output: (line) => view.note(line) });
  return { ...(await followRun(controller, view)), controller };
}

/**
 * Starts a run in a process of its own and follows it on stderr; what the
 * objective prints appears above the progress. `host` sets the run process
 * (its memory limit).
 */
export function startAndFollow(settings: RunSettings, label = "", host: RunControllerOptions = {}): Promise<FollowedRun> {
  return launchAndFollow((options) => RunController.start(settings, options), label, host);
}

/** Resumes the run in `runDir` and follows it like startAndFollow. */
export function resumeAndFollow(runDir: string, stop: StopConditions | undefined, host: RunControllerOptions & { queue?: string } = {}): Promise<FollowedRun> {
  return launchAndFollow((options) => RunController.resume(runDir, stop, options), "", host);
}
