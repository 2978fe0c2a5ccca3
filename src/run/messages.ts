// Messages between the host (controller.ts) and the run worker (worker.ts).
import type { LoopOptions } from "./loop";
import type { RunProgress, RunResult, RunSettings, RunStarted, StopConditions } from "./types";

/** workerData of the run worker: start a new run, or resume one from its folder. */
export type RunWorkerStart =
  | { mode: "start"; settings: RunSettings; options: LoopOptions }
  | { mode: "resume"; runDir: string; stop: StopConditions | undefined; queue?: string; options: LoopOptions };

/** Host -> worker. */
export type RunCommand = { type: "pause" } | { type: "resume" } | { type: "step" } | { type: "stop" };

/** Worker -> host. "finished" is the last message; a run that could not start sends only that. */
export type RunWorkerMessage =
  | { type: "started"; started: RunStarted }
  | { type: "progress"; progress: RunProgress }
  | { type: "finished"; result: RunResult };
