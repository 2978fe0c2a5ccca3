// Messages between the host (controller.ts) and the run process (worker.ts), over the fork's IPC channel.
import type { LoopOptions } from "./loop";
import type { RunProgress, RunResult, RunSettings, RunStarted, StopConditions } from "./types";

/** What the run process is asked to do: start a new run, or resume one from its folder. */
export type RunWorkerStart =
  | { mode: "start"; settings: RunSettings; options: LoopOptions }
  | { mode: "resume"; runDir: string; stop: StopConditions | undefined; queue?: string; options: LoopOptions };

/** Host -> run process, first: the run, and how often to report its own memory (where the host cannot read it). */
export interface RunProcessStart {
  type: "start";
  start: RunWorkerStart;
  reportMemoryMs?: number;
}

/** Host -> run process, any time after the start. */
export type RunCommand = { type: "pause" } | { type: "resume" } | { type: "step" } | { type: "stop" };

/** Run process -> host. "finished" is the last message; a run that could not start sends only that. */
export type RunWorkerMessage =
  | { type: "started"; started: RunStarted }
  | { type: "progress"; progress: RunProgress }
  | { type: "memory"; residentBytes: number }
  | { type: "finished"; result: RunResult };
