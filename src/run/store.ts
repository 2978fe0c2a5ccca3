/**
 * The run store: one folder per run under `.zoar/runs/` (the root is
 * configurable), named by a sortable id such as 20261122-045501-ab12.
 *
 *   config.json      what was asked: objective, optimizer and its resolved
 *                    configuration, seed, stop conditions, timeout, policies
 *   trace.jsonl      one line per iteration, appended in small batches
 *   checkpoint.json  engine snapshot, best and last measured points, trace
 *                    line count; replaced atomically every so often
 *   checkpoint.previous.json
 *                    the checkpoint before it, read when checkpoint.json
 *                    cannot be (a damaged disk, a file copied half-way)
 *   result.json      how the run ended; written once, at the end
 *   run.lock         the run process (its pid), while it runs
 *
 * Files that are replaced are written to a temporary file and renamed, so a
 * run killed at any moment leaves a readable trace and a checkpoint to resume from.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { EngineSnapshot, Vector } from "../engine";
import { CheckpointFormatError, parseExact, stringifyExact } from "./checkpoint";
import { numberOrNaN, readJsonFile, toJsonText, writeFileAtomic } from "./files";
import { readTrace, readTraceTail, type TraceBatching, TraceWriter, truncateTrace } from "./trace";
import type { MeasuredPoint, RunConfig, RunErrorRecord, RunResult, RunStatus, StopReason, TraceLine } from "./types";

export const RUN_FILES = {
  config: "config.json",
  trace: "trace.jsonl",
  checkpoint: "checkpoint.json",
  previousCheckpoint: "checkpoint.previous.json",
  result: "result.json",
  lock: "run.lock",
} as const;

export const DEFAULT_RUNS_DIR = path.join(".zoar", "runs");

/** checkpoint.json after decoding. */
export interface Checkpoint {
  format: "zoar-checkpoint/1";
  /** Completed iterations; the engine continues at this iteration. */
  iteration: number;
  /** Lines of trace.jsonl that belong to the checkpointed state (one per completed iteration). */
  traceLines: number;
  evaluations: number;
  /** Active time of the run so far. */
  elapsedMs: number;
  written: string;
  best: MeasuredPoint;
  /** The last iterate whose value was logged, or null before the first iteration. */
  lastMeasured: MeasuredPoint | null;
  /** The optimizer's state, its vectors in the run's precision. */
  snapshot: EngineSnapshot<Vector>;
}

export class RunStoreError extends Error {
  override readonly name = "RunStoreError";
}

/** The checkpoint a run continues from, and which file it came from. */
export interface LoadedCheckpoint {
  checkpoint: Checkpoint;
  file: string;
  /** Set when checkpoint.json could not be used and the previous generation was: what was wrong with it. */
  fallback?: string;
}

/** A new sortable id: local date and time to the second, then 4 random hex digits. */
const PROCESS_TAG = randomBytes(2).toString("hex");
let runCounter = randomBytes(2).readUInt16BE(0);

export function newRunId(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  // Runs started in the same second (a compare, a script) must not collide:
  // a per-process random prefix keeps processes apart, a counter keeps this one's runs apart.
  runCounter = (runCounter + 1) & 0xffff;
  return `${date}-${time}-${PROCESS_TAG}${runCounter.toString(16).padStart(4, "0")}`;
}

/** The files of one run folder. */
export class RunStore {
  private folder: string;
  private traceWriter: TraceWriter | undefined;

  private constructor(dir: string) {
    this.folder = dir;
  }

  /** The run folder (absolute). */
  get dir(): string {
    return this.folder;
  }

  /** Creates the folder (it must not exist yet) and writes config.json. */
  /**
   * Creates the run folder with config.json, and lets `prepare` write its
   * first files (lock, trace, checkpoint) before the folder appears under its
   * name: a run folder exists only once it can be resumed.
   */
  static create(dir: string, config: RunConfig, prepare: (store: RunStore) => void = () => undefined): RunStore {
    const target = path.resolve(dir);
    if (fs.existsSync(target)) throw new RunStoreError(`run folder ${target} already exists`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const staging = path.join(path.dirname(target), `.${path.basename(target)}.creating`);
    fs.mkdirSync(staging);
    const store = new RunStore(staging);
    try {
      store.writeConfig(config);
      prepare(store);
      // Open files (the trace) stay valid across the rename.
      fs.renameSync(staging, target);
    } catch (error) {
      store.closeTrace();
      fs.rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    store.folder = target;
    return store;
  }

  /** An existing run folder; throws unless it holds config.json. */
  static open(dir: string): RunStore {
    const store = new RunStore(path.resolve(dir));
    if (!fs.existsSync(store.file("config"))) throw new RunStoreError(`${dir} is not a run folder (no ${RUN_FILES.config})`);
    return store;
  }

  file(name: keyof typeof RUN_FILES): string {
    return path.join(this.dir, RUN_FILES[name]);
  }

  get id(): string {
    return path.basename(this.dir);
  }

  writeConfig(config: RunConfig): void {
    writeFileAtomic(this.file("config"), toJsonText(config));
  }

  readConfig(): RunConfig {
    return readJsonFile(this.file("config")) as RunConfig;
  }

  /** Starts appending to the trace after its first `lines` lines; later lines and a torn tail are cut off. */
  openTrace(lines: number, batching?: TraceBatching): void {
    truncateTrace(this.file("trace"), lines);
    this.traceWriter = new TraceWriter(this.file("trace"), lines, batching);
  }

  appendTrace(line: TraceLine): void {
    this.requireTrace().append(line);
  }

  flushTrace(): void {
    this.traceWriter?.flush();
  }

  closeTrace(): void {
    this.traceWriter?.close();
    this.traceWriter = undefined;
  }

  private requireTrace(): TraceWriter {
    if (!this.traceWriter) throw new RunStoreError("the trace is not open");
    return this.traceWriter;
  }

  readTrace(): { lines: TraceLine[]; torn: boolean } {
    return readTrace(this.file("trace"));
  }

  readTraceTail(count: number): TraceLine[] {
    return readTraceTail(this.file("trace"), count);
  }

  /** Writes the checkpoint after the trace lines it counts are on disk. */
  writeCheckpoint(checkpoint: Checkpoint): void {
    if (this.traceWriter) {
      if (this.traceWriter.lines !== checkpoint.traceLines) {
        throw new RunStoreError(`checkpoint counts ${checkpoint.traceLines} trace lines, the trace has ${this.traceWriter.lines}`);
      }
      this.traceWriter.sync();
    }
    writeFileAtomic(this.file("checkpoint"), stringifyExact(checkpoint) + "\n", this.file("previousCheckpoint"));
  }

  hasCheckpoint(): boolean {
    return fs.existsSync(this.file("checkpoint")) || fs.existsSync(this.file("previousCheckpoint"));
  }

  /** The latest checkpoint that can be read; see loadCheckpoint. */
  readCheckpoint(): Checkpoint {
    return this.loadCheckpoint().checkpoint;
  }

  /**
   * checkpoint.json, or the generation before it when checkpoint.json is
   * missing, truncated or corrupt (`fallback` says what was wrong). Throws a
   * CheckpointFormatError naming both files when neither can be read.
   */
  loadCheckpoint(): LoadedCheckpoint {
    const latest = this.file("checkpoint");
    const previous = this.file("previousCheckpoint");
    let latestProblem: string;
    try {
      return { checkpoint: readCheckpointFile(latest), file: latest };
    } catch (error) {
      latestProblem = problemOf(error);
    }
    try {
      return { checkpoint: readCheckpointFile(previous), file: previous, fallback: `${RUN_FILES.checkpoint} ${latestProblem}` };
    } catch (error) {
      const traceLines = this.readTrace().lines.length;
      throw new CheckpointFormatError(
        `run ${this.id} has no readable checkpoint: ${latest} ${latestProblem}, and ${RUN_FILES.previousCheckpoint} ${problemOf(error)}. ` +
          `It cannot be resumed; its trace (${RUN_FILES.trace}, ${traceLines} iterations) and result stay readable, ` +
          `and a new run of its objective starts afresh.`,
      );
    }
  }

  /** Removes a checkpoint.json that loadCheckpoint could not use, so the next checkpoint does not push the good previous one out. */
  dropUnreadableCheckpoint(): void {
    fs.rmSync(this.file("checkpoint"), { force: true });
  }

  writeResult(result: RunResult): void {
    writeFileAtomic(this.file("result"), toJsonText(result));
  }

  hasResult(): boolean {
    return fs.existsSync(this.file("result"));
  }

  readResult(): RunResult | undefined {
    if (!this.hasResult()) return undefined;
    return resultFromJson(readJsonFile(this.file("result")) as Record<string, unknown>);
  }

  /**
   * Marks the run as being run by this process. Throws when another live
   * process holds it; a lock left by a killed process is taken over.
   */
  acquireLock(): void {
    try {
      fs.writeFileSync(this.file("lock"), `${process.pid}\n`, { flag: "wx" });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = this.lockHolder();
    if (holder !== undefined && holder !== process.pid) {
      throw new RunStoreError(`run ${this.id} is in use by process ${holder}`);
    }
    writeFileAtomic(this.file("lock"), `${process.pid}\n`);
  }

  releaseLock(): void {
    fs.rmSync(this.file("lock"), { force: true });
  }

  /** The live process that holds the run, if any. */
  lockHolder(): number | undefined {
    let pid: number;
    try {
      pid = Number.parseInt(fs.readFileSync(this.file("lock"), "utf8"), 10);
    } catch {
      return undefined;
    }
    return Number.isInteger(pid) && processIsAlive(pid) ? pid : undefined;
  }

  /** A result that is no longer true once the run continues. */
  removeResult(): void {
    fs.rmSync(this.file("result"), { force: true });
  }
}

const NOT_A_CHECKPOINT = "is not a zoar checkpoint";

function readCheckpointFile(file: string): Checkpoint {
  const checkpoint = parseExact(fs.readFileSync(file, "utf8")) as Checkpoint;
  if (checkpoint?.format !== "zoar-checkpoint/1") throw new CheckpointFormatError(NOT_A_CHECKPOINT);
  return checkpoint;
}

/** "is missing", "is unreadable (Unterminated string in JSON at position 102995)". */
function problemOf(error: unknown): string {
  if ((error as NodeJS.ErrnoException).code === "ENOENT") return "is missing";
  const message = error instanceof Error ? error.message : String(error);
  return message === NOT_A_CHECKPOINT ? message : `is unreadable (${message})`;
}

/** Whether process `pid` runs; a zombie (ended, not yet reaped, as orphans are in some containers) does not. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    return !/^State:\s*Z/m.test(fs.readFileSync(`/proc/${pid}/status`, "latin1"));
  } catch {
    return true; // no /proc here: the signal test is all there is
  }
}

function resultFromJson(raw: Record<string, unknown>): RunResult {
  return {
    status: raw.status as RunStatus,
    reason: raw.reason as StopReason,
    runDir: raw.runDir as string | undefined,
    iterations: numberOrNaN(raw.iterations),
    evaluations: numberOrNaN(raw.evaluations),
    bestValue: numberOrNaN(raw.bestValue),
    bestIteration: numberOrNaN(raw.bestIteration),
    finalValue: numberOrNaN(raw.finalValue),
    elapsedMs: numberOrNaN(raw.elapsedMs),
    provider: (raw.provider as string | null) ?? undefined,
    ...(raw.precision === "float64" || raw.precision === "float32" ? { precision: raw.precision } : {}),
    ...(typeof raw.metrics === "object" && raw.metrics !== null
      ? { metrics: Object.fromEntries(Object.entries(raw.metrics).map(([name, value]) => [name, numberOrNaN(value)])) }
      : {}),
    ...(raw.error ? { error: raw.error as RunErrorRecord } : {}),
    finished: raw.finished as string,
  };
}

/** One row of `zoar runs`. */
export interface RunSummary {
  id: string;
  dir: string;
  objective: string;
  objectiveFile: string;
  optimizer: string;
  created: string;
  /** Without a result: "running" while a live process holds the run, else "interrupted" (resumable). */
  status: RunStatus | "running" | "interrupted";
  iterations: number;
  bestValue: number;
}

/**
 * The runs under `runsDir`, oldest first; folders that are not runs are
 * skipped. `summarize` reads one run folder (a caller may answer from a cache).
 */
export function listRuns(runsDir: string, summarize: (dir: string) => RunSummary = readRunSummary): RunSummary[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const summaries: RunSummary[] = [];
  for (const name of names) {
    if (name.startsWith(".")) continue; // being created
    const dir = path.join(runsDir, name);
    if (!fs.existsSync(path.join(dir, RUN_FILES.config))) continue;
    try {
      summaries.push(summarize(dir));
    } catch {
      // A folder being created right now, or damaged by hand: not listable.
    }
  }
  // Ids sort by the second they were made; the creation time orders runs within a second.
  return summaries.sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
}

/** One run folder's row of `zoar runs`; throws when it is not a readable run folder. */
export function readRunSummary(dir: string): RunSummary {
  return summarizeRun(RunStore.open(dir));
}

function summarizeRun(store: RunStore): RunSummary {
  const config = store.readConfig();
  const result = store.readResult();
  let iterations = result?.iterations ?? NaN;
  let bestValue = result?.bestValue ?? NaN;
  if (!result) {
    // The trace is ahead of the checkpoint; its last line tells how far the run got.
    const last = store.readTraceTail(1)[0];
    iterations = last ? last.iteration + 1 : 0;
    bestValue = last ? last.best : NaN;
  }
  return {
    id: store.id,
    dir: store.dir,
    objective: config.objective.name,
    objectiveFile: config.objective.file,
    optimizer: config.optimizer,
    created: config.created,
    status: result?.status ?? (store.lockHolder() === undefined ? "interrupted" : "running"),
    iterations,
    bestValue,
  };
}

/** Everything `zoar show` prints about one run. */
export interface RunDetails {
  dir: string;
  config: RunConfig;
  result: RunResult | undefined;
  checkpoint: { iteration: number; evaluations: number; written: string } | undefined;
  lastTrace: TraceLine[];
  traceLines: number;
}

export function readRun(dir: string, traceTail = 10): RunDetails {
  const store = RunStore.open(dir);
  const trace = store.readTrace();
  let checkpoint: RunDetails["checkpoint"];
  if (store.hasCheckpoint()) {
    const { iteration, evaluations, written } = store.readCheckpoint();
    checkpoint = { iteration, evaluations, written };
  }
  return {
    dir: store.dir,
    config: store.readConfig(),
    result: store.readResult(),
    checkpoint,
    lastTrace: traceTail > 0 ? trace.lines.slice(-traceTail) : [],
    traceLines: trace.lines.length,
  };
}

/** A run folder given as a path, or as an id under `runsDir`. */
export function resolveRunDir(reference: string, runsDir: string = DEFAULT_RUNS_DIR): string {
  const direct = path.resolve(reference);
  if (fs.existsSync(path.join(direct, RUN_FILES.config))) return direct;
  const byId = path.resolve(runsDir, reference);
  if (fs.existsSync(path.join(byId, RUN_FILES.config))) return byId;
  throw new RunStoreError(`no run at ${reference} (neither a run folder nor a run id under ${runsDir})`);
}
