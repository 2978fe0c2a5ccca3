/**
 * Run process entry: runs one run's loop (loop.ts) in a child process of its
 * own (forked by controller.ts), so nothing an objective does - leaking
 * memory, a native fault, a fatal signal - reaches the VS Code extension host
 * or the `zoar` command. The objective itself runs one level further down, in
 * the evaluator's worker thread, so a hung objective is terminated without
 * taking this process along. Bundled to dist/run-worker.js; run from source
 * through tsx in development.
 */
import * as esbuild from "esbuild";
import { coreIsFree, installDrawingThreads } from "./drawing-threads";
import { failureOutcome, type RunLoop, resumeRun, startRun } from "./loop";
import type { RunCommand, RunProcessStart, RunWorkerMessage, RunWorkerStart } from "./messages";
import { failedRunResult, type RunResult } from "./types";

/** How long a run whose host went away may take to write its checkpoint and result. */
const ORPHAN_STOP_MS = 10_000;

let loop: RunLoop | undefined;
let finished = false;
/** Commands that arrived while the objective was loading. */
const early: RunCommand[] = [];

/**
 * Send to the host. A host killed a moment ago can still look connected: the
 * write then fails (EPIPE), and without a callback that failure would be an
 * uncaught 'error' ending this process before its result is written. The
 * disconnect that follows stops the run cleanly (onHostGone).
 */
function post(message: RunWorkerMessage, then?: () => void): void {
  if (!process.connected) return;
  process.send!(message, undefined, undefined, (error) => {
    if (!error) then?.();
  });
}

function apply(command: RunCommand): void {
  if (!loop) {
    early.push(command);
    return;
  }
  switch (command.type) {
    case "pause":
      return loop.pause();
    case "resume":
      return loop.resume();
    case "step":
      return loop.step();
    case "stop":
      return loop.stop();
  }
}

/** The result of a run that ended before its loop existed (the objective did not load, the folder was unusable). */
function notStarted(start: RunWorkerStart, error: unknown): RunResult {
  const { reason, error: record } = failureOutcome(error);
  return failedRunResult(record, { reason, runDir: start.mode === "resume" ? start.runDir : undefined });
}

/** The host is gone (killed, or it closed the channel): end the run cleanly, or at once while nothing is running yet. */
function onHostGone(): void {
  if (finished) return;
  if (!loop) process.exit(1);
  setTimeout(() => process.exit(1), ORPHAN_STOP_MS).unref();
  loop.stop();
}

/** The last message: once it is sent, the channel closes and nothing keeps this process alive. */
function finish(result: RunResult): void {
  finished = true;
  post({ type: "finished", result }, () => process.disconnect());
}

async function run(message: RunProcessStart): Promise<void> {
  const { start, reportMemoryMs } = message;
  if (reportMemoryMs) {
    setInterval(() => post({ type: "memory", residentBytes: process.memoryUsage.rss() }), reportMemoryMs).unref();
  }
  // Large optimizers draw half of their query rows on a helper thread (started only for them), when a core is free for it.
  if (coreIsFree()) installDrawingThreads();
  try {
    loop =
      start.mode === "start"
        ? await startRun(start.settings, start.options)
        : await resumeRun(start.runDir, { ...start.options, stop: start.stop, queue: start.queue });
  } catch (error) {
    finish(notStarted(start, error));
    return;
  }
  // The objective is compiled: esbuild's service process (about 25 MB) is not needed again in this run.
  void esbuild.stop();
  loop.onProgress((progress) => post({ type: "progress", progress }));
  post({ type: "started", started: loop.started });
  for (const command of early.splice(0)) apply(command);
  finish(await loop.run());
}

process.on("disconnect", onHostGone);
// Ctrl-C in a terminal reaches the whole process group: the host decides (it sends "stop").
process.on("SIGINT", () => undefined);
// Asked to end by someone else: stop cleanly, as the host's stop button does.
process.on("SIGTERM", () => (loop ? loop.stop() : process.exit(1)));
process.once("message", (first: RunProcessStart) => {
  process.on("message", apply);
  void run(first);
});
