/**
 * Host side of a run: starts the run worker (worker.ts), forwards pause,
 * resume, step and stop, passes on its throttled progress events and its
 * result. If the worker dies without a result (a crash, running out of
 * memory), the run is reported failed and its folder gets a result.json
 * saying so; its checkpoint still allows a resume.
 */
import * as path from "node:path";
import * as readline from "node:readline";
import type { Readable } from "node:stream";
import { findWorkerEntry, workerExecArgv } from "../objective/workerEntry";
import { type ResourceLimits, Worker } from "node:worker_threads";
import type { LoopOptions, ResumeOptions } from "./loop";
import type { RunCommand, RunWorkerMessage, RunWorkerStart } from "./messages";
import { DEFAULT_RUNS_DIR, newRunId, RunStore } from "./store";
import { failedRunResult, type RunProgress, type RunResult, type RunSettings, type RunStarted, type RunState, type StopConditions } from "./types";

export interface RunControllerOptions extends LoopOptions {
  /** The run worker's entry; see defaultRunWorkerScript. */
  workerScript?: string;
  /** Node options of the worker; default: what a .ts entry needs (tsx), else none. */
  execArgv?: string[];
  /** Memory limits of the run worker (the objective's own worker is not affected). */
  resourceLimits?: ResourceLimits;
  /**
   * Receives what the objective prints (console.log to stdout, console.error
   * to stderr), line by line; by default the lines go to this process's
   * stderr, so stdout keeps only the caller's own output (--json results).
   */
  output?: (line: string, stream: OutputStream) => void;
}

export type OutputStream = "stdout" | "stderr";

/** How long a finished run waits for the rest of its worker's output. */
const OUTPUT_DRAIN_MS = 1000;

function writeToStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** File names of the run worker beside this module: the bundle (dist/) first, then the source (tsx). */
export const RUN_WORKER_FILE_NAMES = ["run-worker.js", "worker.ts"] as const;

/**
 * dist/run-worker.js when this module is bundled into dist/ (esbuild.config.mjs
 * bundles src/run/worker.ts there), else worker.ts beside this file.
 */
export function defaultRunWorkerScript(baseDir: string = __dirname): string {
  return findWorkerEntry(baseDir, RUN_WORKER_FILE_NAMES, "run worker");
}

export class RunController {
  /** Resolves with the result however the run ends: done, stopped, failed, or its worker crashed. */
  readonly finished: Promise<RunResult>;
  /** The run's folder, known before the worker starts. */
  readonly runDir: string;
  private readonly worker: Worker;
  /** Settles once the objective's output has all been passed on. */
  private readonly outputDone: Promise<unknown>;
  private state: RunState | "starting" = "starting";
  private startedInfo: RunStarted | undefined;
  private latest: RunProgress | undefined;
  private result: RunResult | undefined;
  private workerError: Error | undefined;
  private settle!: (result: RunResult) => void;
  private readonly progressListeners = new Set<(progress: RunProgress) => void>();
  private readonly startedListeners = new Set<(started: RunStarted) => void>();

  /** Starts a new run in a worker. */
  static start(settings: RunSettings, options: RunControllerOptions = {}): RunController {
    const runDir = path.resolve(settings.runDir ?? path.join(settings.runsDir ?? DEFAULT_RUNS_DIR, newRunId()));
    return new RunController({ mode: "start", settings: { ...settings, runDir }, options: loopOptions(options) }, runDir, options);
  }

  /** Resumes the run in `runDir` from its checkpoint; `stop` replaces its stop conditions one by one; `queue` as in RunSettings. */
  static resume(runDir: string, stop?: StopConditions, options: RunControllerOptions & Pick<ResumeOptions, "queue"> = {}): RunController {
    const dir = path.resolve(runDir);
    return new RunController({ mode: "resume", runDir: dir, stop, queue: options.queue, options: loopOptions(options) }, dir, options);
  }

  private constructor(start: RunWorkerStart, runDir: string, options: RunControllerOptions) {
    this.runDir = runDir;
    this.finished = new Promise((resolve) => (this.settle = resolve));
    const workerScript = path.resolve(options.workerScript ?? defaultRunWorkerScript());
    this.worker = new Worker(workerScript, {
      workerData: start,
      execArgv: options.execArgv ?? workerExecArgv(workerScript),
      resourceLimits: options.resourceLimits,
      stdout: true,
      stderr: true,
    });
    const output = options.output ?? writeToStderr;
    this.outputDone = Promise.all([forwardLines(this.worker.stdout, (line) => output(line, "stdout")), forwardLines(this.worker.stderr, (line) => output(line, "stderr"))]);
    this.worker.on("message", (message: RunWorkerMessage) => this.onMessage(message));
    this.worker.on("error", (error) => (this.workerError ??= error));
    this.worker.on("exit", (code) => this.onExit(code));
  }

  /** "starting" until the objective is loaded; then running, paused, finished. */
  get currentState(): RunState | "starting" {
    return this.state;
  }

  get started(): RunStarted | undefined {
    return this.startedInfo;
  }

  /** The last progress event received. */
  get lastProgress(): RunProgress | undefined {
    return this.latest;
  }

  onStarted(listener: (started: RunStarted) => void): () => void {
    this.startedListeners.add(listener);
    return () => this.startedListeners.delete(listener);
  }

  onProgress(listener: (progress: RunProgress) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  pause(): void {
    this.send({ type: "pause" });
  }

  resume(): void {
    this.send({ type: "resume" });
  }

  step(): void {
    this.send({ type: "step" });
  }

  stop(): void {
    this.send({ type: "stop" });
  }

  private send(command: RunCommand): void {
    if (this.result === undefined && this.state !== "finished") this.worker.postMessage(command);
  }

  private onMessage(message: RunWorkerMessage): void {
    switch (message.type) {
      case "started":
        this.startedInfo = message.started;
        this.state = "running";
        for (const listener of this.startedListeners) listener(message.started);
        break;
      case "progress":
        this.latest = message.progress;
        this.state = message.progress.state;
        for (const listener of this.progressListeners) listener(message.progress);
        break;
      case "finished":
        this.result = message.result;
        this.state = "finished";
        break;
    }
  }

  private onExit(code: number): void {
    this.state = "finished";
    const result = this.result ?? this.recordCrash(code);
    // The result comes after the last line the objective printed.
    const drained = new Promise((resolve) => setTimeout(resolve, OUTPUT_DRAIN_MS).unref());
    void Promise.race([this.outputDone, drained]).then(() => this.settle(result));
  }

  /** The worker ended without a result: record the run as failed, from what its folder holds. */
  private recordCrash(code: number): RunResult {
    const cause = this.workerError ? this.workerError.message : `it exited with code ${code}`;
    const result = failedRunResult({ message: `the run worker crashed: ${cause}` }, { provider: this.startedInfo?.provider });
    let store: RunStore;
    try {
      store = RunStore.open(this.runDir);
    } catch {
      return result; // it died before the run folder existed
    }
    result.runDir = store.dir;
    try {
      const lines = store.readTrace().lines;
      const last = lines[lines.length - 1];
      if (last) {
        Object.assign(result, { iterations: lines.length, evaluations: last.evaluations, bestValue: last.best, finalValue: last.value, elapsedMs: last.elapsedMs });
        result.bestIteration = lines.findIndex((line) => line.best === last.best);
      }
      if (!store.hasResult()) store.writeResult(result);
      store.releaseLock();
    } catch (error) {
      result.error!.message += ` (and its folder could not be updated: ${error instanceof Error ? error.message : String(error)})`;
    }
    return result;
  }
}

function loopOptions(options: RunControllerOptions): LoopOptions {
  const { progressIntervalMs, objectiveWorkerScript, traceBatching } = options;
  return { progressIntervalMs, objectiveWorkerScript, traceBatching };
}

/** Calls `onLine` with each line `stream` carries, the last one even without its newline; resolves at its end. */
function forwardLines(stream: Readable, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve) => readline.createInterface({ input: stream, crlfDelay: Infinity }).on("line", onLine).on("close", resolve));
}
