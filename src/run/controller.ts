/**
 * Host side of a run: forks the run process (worker.ts) with an IPC channel,
 * forwards pause, resume, step and stop, passes on its throttled progress
 * events and its result, and watches its resident memory against the run's
 * limit. If the process dies without a result (a fatal signal, an abort, the
 * OS killing it, or this controller killing it over its memory limit), the
 * run is reported failed, saying why and at which iteration, and its folder
 * gets a result.json saying so; its checkpoint still allows a resume.
 */
import { type ChildProcess, fork } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import type { Readable } from "node:stream";
import { findWorkerEntry, workerExecArgv } from "../objective/workerEntry";
import type { LoopOptions, ResumeOptions } from "./loop";
import { canReadResidentMemory, defaultMemoryLimitMB, formatMegabytes, MEMORY_POLL_MS, MemoryWatch } from "./memory-limit";
import type { RunCommand, RunProcessStart, RunWorkerMessage, RunWorkerStart } from "./messages";
import { DEFAULT_RUNS_DIR, newRunId, RunStore } from "./store";
import {
  failedRunResult,
  type RunErrorRecord,
  type RunProgress,
  type RunResult,
  type RunSettings,
  type RunStarted,
  type RunState,
  type StopConditions,
} from "./types";

export interface RunControllerOptions extends LoopOptions {
  /** The run process's entry; see defaultRunWorkerScript. */
  workerScript?: string;
  /** Node options of the run process; default: what a .ts entry needs (tsx), else none. The heap limit is added. */
  execArgv?: string[];
  /** Resident memory the run process may use, in MB (1 MB = 2^20 bytes); default defaultMemoryLimitMB(). */
  memoryLimitMB?: number;
  /** How the user sets the limit, named at the end of the memory message: "--memory-limit", "setting zoar.memoryLimitMB". */
  memoryLimitSetting?: string;
  /**
   * Receives what the objective prints (console.log to stdout, console.error
   * to stderr), line by line; by default the lines go to this process's
   * stderr, so stdout keeps only the caller's own output (--json results).
   */
  output?: (line: string, stream: OutputStream) => void;
}

export type OutputStream = "stdout" | "stderr";

/** How long a finished run waits for the rest of its process's output. */
const OUTPUT_DRAIN_MS = 1000;

function writeToStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** File names of the run process's entry beside this module: the bundle (dist/) first, then the source (tsx). */
export const RUN_WORKER_FILE_NAMES = ["run-worker.js", "worker.ts"] as const;

/**
 * dist/run-worker.js when this module is bundled into dist/ (esbuild.config.mjs
 * bundles src/run/worker.ts there), else worker.ts beside this file.
 */
export function defaultRunWorkerScript(baseDir: string = __dirname): string {
  return findWorkerEntry(baseDir, RUN_WORKER_FILE_NAMES, "run worker");
}

/** The memory limit was crossed: the figure read, and the run process was killed for it. */
interface MemoryBreach {
  residentBytes: number;
}

export class RunController {
  /** Resolves with the result however the run ends: done, stopped, failed, or its process crashed. */
  readonly finished: Promise<RunResult>;
  /** The run's folder, known before the process starts. */
  readonly runDir: string;
  /** The run process's limit on resident memory, in MB. */
  readonly memoryLimitMB: number;
  private readonly child: ChildProcess;
  private readonly memoryWatch: MemoryWatch | undefined;
  private readonly memoryLimitSetting: string | undefined;
  /** The objective file, when known before the run starts (a new run); a resumed run learns it from "started". */
  private readonly objectiveFile: string | undefined;
  /** Settles once the objective's output has all been passed on. */
  private readonly outputDone: Promise<unknown>;
  private state: RunState | "starting" = "starting";
  private startedInfo: RunStarted | undefined;
  private latest: RunProgress | undefined;
  private result: RunResult | undefined;
  private breach: MemoryBreach | undefined;
  private ended = false;
  private settle!: (result: RunResult) => void;
  private readonly progressListeners = new Set<(progress: RunProgress) => void>();
  private readonly startedListeners = new Set<(started: RunStarted) => void>();

  /** Starts a new run in a process of its own. */
  static start(settings: RunSettings, options: RunControllerOptions = {}): RunController {
    const runDir = path.resolve(settings.runDir ?? path.join(settings.runsDir ?? DEFAULT_RUNS_DIR, newRunId()));
    const start: RunWorkerStart = { mode: "start", settings: { ...settings, runDir }, options: loopOptions(options) };
    return new RunController(start, runDir, path.resolve(settings.objectiveFile), options);
  }

  /** Resumes the run in `runDir` from its checkpoint; `stop` replaces its stop conditions one by one; `queue` as in RunSettings. */
  static resume(runDir: string, stop?: StopConditions, options: RunControllerOptions & Pick<ResumeOptions, "queue"> = {}): RunController {
    const dir = path.resolve(runDir);
    return new RunController({ mode: "resume", runDir: dir, stop, queue: options.queue, options: loopOptions(options) }, dir, undefined, options);
  }

  private constructor(start: RunWorkerStart, runDir: string, objectiveFile: string | undefined, options: RunControllerOptions) {
    this.runDir = runDir;
    this.objectiveFile = objectiveFile;
    this.memoryLimitMB = options.memoryLimitMB ?? defaultMemoryLimitMB();
    this.memoryLimitSetting = options.memoryLimitSetting;
    this.finished = new Promise((resolve) => (this.settle = resolve));
    const workerScript = path.resolve(options.workerScript ?? defaultRunWorkerScript());
    this.child = fork(workerScript, [], {
      // Not the host's own options (an inspector port, the test runner's loaders): only what the entry needs.
      execArgv: [...(options.execArgv ?? workerExecArgv(workerScript)), `--max-old-space-size=${this.memoryLimitMB}`],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      // In VS Code process.execPath is the editor's runtime: run it as plain Node, as language clients do.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
      // Structured clone: NaN, the infinities and typed arrays arrive as they were sent.
      serialization: "advanced",
    });
    const output = options.output ?? writeToStderr;
    this.outputDone = Promise.all([forwardLines(this.child.stdout!, (line) => output(line, "stdout")), forwardLines(this.child.stderr!, (line) => output(line, "stderr"))]);
    this.child.on("message", (message: RunWorkerMessage) => this.onMessage(message));
    this.child.on("error", (error) => this.onSpawnError(error));
    this.child.on("exit", (code, signal) => this.onExit(code, signal));
    const pollable = canReadResidentMemory();
    if (this.child.pid !== undefined) {
      this.memoryWatch = new MemoryWatch(this.child.pid, this.memoryLimitMB, (residentBytes) => this.onMemoryBreach(residentBytes), pollable);
    }
    const first: RunProcessStart = { type: "start", start, ...(pollable ? {} : { reportMemoryMs: MEMORY_POLL_MS }) };
    this.sendToChild(first);
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

  /** The run process's id (undefined when it could not be started). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The highest resident memory of the run process seen so far, in bytes. */
  get peakMemoryBytes(): number {
    return this.memoryWatch?.peakBytes ?? 0;
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
    if (this.result === undefined && this.state !== "finished") this.sendToChild(command);
  }

  private sendToChild(message: RunProcessStart | RunCommand): void {
    // A process that is gone reports through "exit"; a failed send has nothing to add.
    if (this.child.connected) this.child.send(message, (error) => void error);
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
      case "memory":
        this.memoryWatch?.report(message.residentBytes);
        break;
      case "finished":
        this.result = message.result;
        this.state = "finished";
        break;
    }
  }

  private onMemoryBreach(residentBytes: number): void {
    if (this.result !== undefined) return;
    this.breach = { residentBytes };
    this.child.kill("SIGKILL");
  }

  private onSpawnError(error: Error): void {
    // A process that never started has no exit to wait for; later errors (a failed send) end in "exit".
    if (this.child.pid === undefined) this.end(() => failedRunResult({ message: `the run process could not start: ${error.message}` }));
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    // The result may still be on its way through the channel: decide once the output is drained.
    this.end(() => this.result ?? this.recordFailure(this.failureOf(code, signal)));
  }

  private end(resultOf: () => RunResult): void {
    if (this.ended) return;
    this.ended = true;
    this.memoryWatch?.stop();
    // The result comes after the last line the objective printed.
    const drained = new Promise((resolve) => setTimeout(resolve, OUTPUT_DRAIN_MS).unref());
    void Promise.race([this.outputDone, drained]).then(() => {
      this.state = "finished";
      this.settle(resultOf());
    });
  }

  /** Why the process ended without a result: over its memory limit, a signal, or an exit code. */
  private failureOf(code: number | null, signal: NodeJS.Signals | null): RunErrorRecord {
    const file = this.startedInfo?.config.objective.file ?? this.objectiveFile;
    const iteration = this.startedInfo ? this.iterationInProgress() : undefined;
    const place = file === undefined ? "" : `${path.basename(file)}: `;
    const at = iteration === undefined ? " while the objective was loading" : ` at iteration ${iteration}`;
    if (this.breach) {
      const used = `the run used ${formatMegabytes(this.breach.residentBytes)}, over its ${this.memoryLimitMB.toLocaleString("en-US")} MB memory limit`;
      const setting = this.memoryLimitSetting ? ` (${this.memoryLimitSetting})` : "";
      return { message: `${place}${used},${at}${setting}`, kind: "memory", file, iteration };
    }
    const how = signal ? `crashed (${signal})` : `exited with code ${code}`;
    return { message: `${place}the run process ${how}${at}`, kind: "crash", file, iteration };
  }

  /** The iteration a started run was in: the later of the last one reported and the trace on disk (each at most 50 ms old). */
  private iterationInProgress(): number {
    const reported = this.latest?.iteration ?? this.startedInfo!.iteration;
    try {
      return Math.max(reported, RunStore.open(this.runDir).readTrace().lines.length);
    } catch {
      return reported; // the trace is unreadable: recordFailure says so
    }
  }

  /** The process ended without a result: record the run as failed, from what its folder holds. */
  private recordFailure(error: RunErrorRecord): RunResult {
    const result = failedRunResult(error, { reason: "objective", provider: this.startedInfo?.provider });
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
      if (store.lockHolder() === undefined) store.releaseLock();
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
