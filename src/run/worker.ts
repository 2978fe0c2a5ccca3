/**
 * Run worker entry: runs one run's loop (loop.ts) off the host's thread, so
 * the VS Code extension host never blocks on the engine. The objective itself
 * runs one level further down, in the evaluator's own worker, so a hung
 * objective is terminated without taking this worker along. Bundled to
 * dist/run-worker.js; run from source through tsx in development.
 */
import { parentPort, workerData } from "node:worker_threads";
import { failureOutcome, type RunLoop, resumeRun, startRun } from "./loop";
import type { RunCommand, RunWorkerMessage, RunWorkerStart } from "./messages";
import { failedRunResult, type RunResult } from "./types";

const start = workerData as RunWorkerStart;
const port = parentPort!;
let loop: RunLoop | undefined;
/** Commands that arrived while the objective was loading. */
const early: RunCommand[] = [];

function post(message: RunWorkerMessage): void {
  port.postMessage(message);
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
function notStarted(error: unknown): RunResult {
  const { reason, error: record } = failureOutcome(error);
  return failedRunResult(record, { reason, runDir: start.mode === "resume" ? start.runDir : undefined });
}

async function main(): Promise<void> {
  port.on("message", apply);
  try {
    loop =
      start.mode === "start"
        ? await startRun(start.settings, start.options)
        : await resumeRun(start.runDir, { ...start.options, stop: start.stop, queue: start.queue });
  } catch (error) {
    post({ type: "finished", result: notStarted(error) });
    return;
  }
  loop.onProgress((progress) => post({ type: "progress", progress }));
  post({ type: "started", started: loop.started });
  for (const command of early.splice(0)) apply(command);
  const result = await loop.run();
  post({ type: "finished", result });
}

// Once the result is posted nothing keeps this thread alive, so it ends by itself.
void main().finally(() => port.unref());
