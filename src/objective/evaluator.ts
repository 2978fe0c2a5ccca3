/**
 * Host side of objective evaluation: compiles the objective, runs it in a
 * worker thread (worker.ts) and evaluates batches through shared memory. Any
 * failure (a throw, a bad value, a timeout, an exit) rejects the call in
 * progress with an ObjectiveError, terminates the worker and leaves the
 * evaluator closed; the caller's own state is untouched.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { findWorkerEntry, workerExecArgv } from "./workerEntry";
import { Worker } from "node:worker_threads";
import { type CompiledObjective, compileObjective, type CompileOptions } from "./compile";
import { describeThrown, ObjectiveError, type ObjectiveFailure } from "./errors";
import {
  type BatchBuffers,
  CONTROL,
  type HostMessage,
  type NonFinitePolicy,
  VALUE_STATUS,
  type ValueStatus,
  type WorkerMessage,
  type WorkerStartData,
} from "./protocol";
import type { ObjectivePrecision, OptimizerDefaults } from "./definition";
import type { ParameterSpace } from "./parameters";
import type { OnnxProviderPreference } from "./runtime-context";
import { firstLocationIn, trimToBundle } from "./stack";

export interface ObjectiveEvaluatorOptions extends CompileOptions {
  /** Limit for one batch, and for loading (compiling excluded); 0 or Infinity for none. Default 60000. */
  timeoutMs?: number;
  /** "fail" (default): a NaN, infinite or non-number value is an error. "skip": it comes back as NaN, see lastSkipped. */
  nonFinite?: NonFinitePolicy;
  /** ONNX execution provider for every model the objective loads; overrides the objective's own choice. */
  provider?: OnnxProviderPreference;
  /** The worker entry; see defaultWorkerScript. */
  workerScript?: string;
  /** The run's seed, from which each iteration's evaluation context is derived; default 0. */
  seed?: number;
}

export interface ObjectiveInfo {
  /** Absolute path of the objective file. */
  readonly file: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly dimension: number;
  readonly initial: Float64Array;
  readonly bounds: { readonly lower: Float64Array; readonly upper: Float64Array } | undefined;
  /** Named parameters (parameters.ts); the points are then their normalised coordinates in [0, 1]. */
  readonly parameters: ParameterSpace | undefined;
  /** The precision the objective declares: its rows' type, and a run's default precision. */
  readonly precision: ObjectivePrecision;
  /** ONNX provider(s) in use ("cpu", "cuda", or both listed); undefined until the objective loads a model. */
  readonly provider: string | undefined;
  /** Why the provider is not the one asked for, e.g. the CPU fallback of "auto". */
  readonly providerNote: string | undefined;
  /** Whether the objective defines metrics(); see ObjectiveEvaluator.metrics. */
  readonly hasMetrics: boolean;
  /** The objective's own metricsEvery (default 10). */
  readonly metricsEvery: number;
  /** Settings the objective recommends per optimizer; a run's own settings override them. */
  readonly optimizerDefaults: OptimizerDefaults;
}

/** A query whose value was unusable under policy "skip"; its value came back as NaN. */
export interface SkippedQuery {
  iteration: number;
  query: number;
  reason: Exclude<ValueStatus, "ok">;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

/** How long an idle worker asked to close may take to end by itself before it is terminated. */
const CLOSE_GRACE_MS = 500;

/** File names of the worker entry beside this module: the bundle (dist/) first, then the source (tsx). */
export const WORKER_FILE_NAMES = ["objective-worker.js", "worker.ts"] as const;

/**
 * dist/objective-worker.js when this module is bundled into dist/ (esbuild.config.mjs
 * must bundle src/objective/worker.ts there), else worker.ts beside this file.
 */
export function defaultWorkerScript(baseDir: string = __dirname): string {
  return findWorkerEntry(baseDir, WORKER_FILE_NAMES, "objective worker");
}

// TypeScript's ES2022 library predates Atomics.waitAsync (Node has it since 16).
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: false; value: "not-equal" | "timed-out" } | { async: true; value: Promise<"ok" | "timed-out"> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** The operation in progress: loading, or one batch. */
interface Pending {
  phase: "load" | "batch";
  iteration?: number;
  reject(error: ObjectiveError): void;
  /** Resolves open() when the worker reports "ready". */
  loaded?: () => void;
  /** Resolves a metrics() call when the worker answers this sequence number. */
  metrics?: { seq: number; resolve(metrics: Record<string, number>): void };
  timer?: NodeJS.Timeout;
}

interface SharedBatch {
  shared: BatchBuffers;
  points: Float64Array | Float32Array;
  values: Float64Array;
  statuses: Uint8Array;
}

export class ObjectiveEvaluator {
  private objectiveInfo: ObjectiveInfo | undefined;
  private state: "open" | "failed" | "closed" = "open";
  private failure: ObjectiveError | undefined;
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private batch: SharedBatch | undefined;
  private seq = 0;
  private skipped: SkippedQuery[] = [];
  private exitCall: { code: number; stack: string | undefined } | undefined;
  private terminated: Promise<unknown> | undefined;
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL.length * Int32Array.BYTES_PER_ELEMENT));
  private readonly worker: Worker;
  private readonly timeoutMs: number;
  private readonly nonFinite: NonFinitePolicy;
  private readonly userSources: ReadonlySet<string>;
  private readonly bundleSources: ReadonlySet<string>;

  /** Compiles the objective, starts its worker, and resolves once it is loaded (setup() and models included). */
  static async open(file: string, options: ObjectiveEvaluatorOptions = {}): Promise<ObjectiveEvaluator> {
    return ObjectiveEvaluator.load(await compileObjective(file, options), options);
  }

  /** Starts a worker for an objective compiled before (a queue worker compiles once and loads it as often as it needs). */
  static async load(compiled: CompiledObjective, options: ObjectiveEvaluatorOptions = {}): Promise<ObjectiveEvaluator> {
    const evaluator = new ObjectiveEvaluator(compiled, options);
    try {
      await evaluator.load();
    } catch (error) {
      await evaluator.close();
      throw error;
    }
    return evaluator;
  }

  private constructor(
    private readonly compiled: CompiledObjective,
    options: ObjectiveEvaluatorOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.nonFinite = options.nonFinite ?? "fail";
    this.userSources = new Set(compiled.userSources);
    this.bundleSources = new Set(compiled.sources);
    this.control[CONTROL.query] = -1;
    const workerScript = path.resolve(options.workerScript ?? defaultWorkerScript());
    if (!fs.existsSync(workerScript)) throw new Error(`objective worker script not found: ${workerScript}`);
    const workerData: WorkerStartData = {
      objectiveFile: compiled.file,
      code: compiled.code,
      bundleSources: compiled.sources,
      userSources: compiled.userSources,
      provider: options.provider,
      onnxRuntimeDir: compiled.onnxRuntimeDir,
      nonFinite: this.nonFinite,
      runSeed: options.seed ?? 0,
      control: this.control.buffer as SharedArrayBuffer,
    };
    this.worker = new Worker(workerScript, { workerData, execArgv: workerExecArgv(workerScript) });
    this.worker.on("message", (message: WorkerMessage) => this.onMessage(message));
    this.worker.on("error", (error) => this.onWorkerError(error));
    this.worker.on("exit", (code) => this.onExit(code));
  }

  get info(): ObjectiveInfo {
    if (!this.objectiveInfo) throw new Error("the objective is not loaded yet");
    return this.objectiveInfo;
  }

  /** esbuild's warnings about the objective, formatted as file:line:col: text. */
  get compileWarnings(): readonly string[] {
    return this.compiled.warnings;
  }

  /** Queries of the latest batch that policy "skip" turned into NaN (empty under "fail"). */
  get lastSkipped(): readonly SkippedQuery[] {
    return this.skipped;
  }

  /**
   * Evaluates `rows` points laid out row-major in `points` (rows * dimension
   * numbers) and resolves to their values. Calls made while a batch runs wait
   * their turn. `iteration` only labels errors and skipped queries. The
   * points travel in their own precision; the objective receives its own.
   */
  evaluateBatch(points: Float64Array | Float32Array, rows: number, iteration: number): Promise<Float64Array> {
    const run = this.queue.then(() => this.dispatch(points, rows, iteration));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The objective's metrics of `theta` (its metrics() with the context of
   * `iteration`), queued like batches. Throws when the objective has none.
   */
  metrics(theta: Float64Array | Float32Array, iteration: number): Promise<Record<string, number>> {
    const run = this.queue.then(() => this.dispatchMetrics(theta, iteration));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Ends the worker; a batch still running rejects. An idle, healthy worker is
   * asked to end by itself first, so the lines its objective printed last are
   * not lost (terminate() drops output still on its way); one that does not
   * end within CLOSE_GRACE_MS (a timer or handle of the objective keeps it
   * alive) is terminated. Safe to call more than once.
   */
  async close(): Promise<void> {
    if (this.state === "open" && !this.pending && !this.terminated) {
      this.state = "closed";
      const exited = new Promise((resolve) => this.worker.once("exit", resolve));
      this.worker.postMessage({ type: "close" } satisfies HostMessage);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
      await Promise.race([exited, grace]);
      clearTimeout(timer);
    }
    if (this.state !== "closed") {
      this.state = "closed";
      const pending = this.pending;
      if (pending) {
        const during = pending.phase === "load" ? "while the objective was loading" : "during a batch";
        this.settle(pending)?.reject(
          new ObjectiveError(
            { kind: "exit", summary: `the evaluator was closed ${during}`, iteration: pending.iteration },
            this.compiled.file,
          ),
        );
      }
    }
    await this.terminate();
  }

  private load(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.begin({ phase: "load", reject, loaded: resolve }));
  }

  private dispatch(points: Float64Array | Float32Array, rows: number, iteration: number): Promise<Float64Array> {
    this.assertUsable();
    const dimension = this.info.dimension;
    if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
    if (points.length < rows * dimension) {
      throw new RangeError(`points holds ${points.length} numbers; ${rows} rows of dimension ${dimension} need ${rows * dimension}`);
    }
    this.skipped = [];
    if (rows === 0) return Promise.resolve(new Float64Array(0));

    const newBuffers = this.reserve(rows, points instanceof Float32Array ? "float32" : "float64");
    const batch = this.batch!;
    batch.points.set(points.length === rows * dimension ? points : points.subarray(0, rows * dimension));
    const seq = ++this.seq;
    this.control[CONTROL.query] = -1;
    return new Promise<Float64Array>((resolve, reject) => {
      const pending: Pending = { phase: "batch", iteration, reject };
      this.begin(pending);
      const message: HostMessage = { type: "batch", seq, rows, iteration, buffers: newBuffers };
      this.worker.postMessage(message);
      void this.whenDone(seq).then(() => {
        if (this.pending !== pending) return; // failed or closed meanwhile
        this.settle(pending);
        this.worker.unref();
        resolve(this.collect(rows, iteration));
      });
    });
  }

  private dispatchMetrics(theta: Float64Array | Float32Array, iteration: number): Promise<Record<string, number>> {
    this.assertUsable();
    if (!this.info.hasMetrics) throw new Error(`${this.compiled.file}: the objective defines no metrics()`);
    if (theta.length !== this.info.dimension) throw new RangeError(`theta holds ${theta.length} numbers; the dimension is ${this.info.dimension}`);
    const seq = ++this.seq;
    this.control[CONTROL.query] = -1;
    return new Promise<Record<string, number>>((resolve, reject) => {
      const pending: Pending = { phase: "batch", iteration, reject, metrics: { seq, resolve } };
      this.begin(pending);
      const message: HostMessage = { type: "metrics", seq, iteration, theta: theta.slice() };
      this.worker.postMessage(message);
    });
  }

  /** Makes the shared buffers hold `rows` rows of `precision`; returns new buffers the worker must adopt, if any. */
  private reserve(rows: number, precision: ObjectivePrecision): BatchBuffers | undefined {
    const current = this.batch?.shared;
    if (current && current.capacity >= rows && current.precision === precision) return undefined;
    const capacity = Math.max(rows, current?.precision === precision ? 2 * current.capacity : 0);
    const dimension = this.info.dimension;
    const bytes = precision === "float32" ? Float32Array.BYTES_PER_ELEMENT : Float64Array.BYTES_PER_ELEMENT;
    const shared: BatchBuffers = {
      capacity,
      precision,
      points: new SharedArrayBuffer(capacity * dimension * bytes),
      values: new SharedArrayBuffer(capacity * Float64Array.BYTES_PER_ELEMENT),
      statuses: new SharedArrayBuffer(capacity),
    };
    this.batch = {
      shared,
      points: precision === "float32" ? new Float32Array(shared.points) : new Float64Array(shared.points),
      values: new Float64Array(shared.values),
      statuses: new Uint8Array(shared.statuses),
    };
    return shared;
  }

  /** Resolves when the worker has finished batch `seq`, or when the evaluator stops waiting (failure, close). */
  private async whenDone(seq: number): Promise<void> {
    for (;;) {
      const done = Atomics.load(this.control, CONTROL.done);
      if (done === seq || this.state !== "open") return;
      const wait = waitAsync(this.control, CONTROL.done, done);
      if (wait.async) await wait.value;
    }
  }

  private collect(rows: number, iteration: number): Float64Array {
    const batch = this.batch!;
    const values = batch.values.slice(0, rows);
    if (this.nonFinite === "skip") {
      for (let query = 0; query < rows; query++) {
        const status = batch.statuses[query];
        if (status !== 0) this.skipped.push({ iteration, query, reason: VALUE_STATUS[status] as SkippedQuery["reason"] });
      }
    }
    return values;
  }

  private begin(pending: Pending): void {
    this.pending = pending;
    this.worker.ref(); // Atomics.waitAsync alone would not keep the process alive
    const limit = this.timeoutMs;
    if (limit > 0 && limit <= 2 ** 31 - 1) {
      pending.timer = setTimeout(() => {
        const what = pending.phase === "load" ? "loading" : "evaluation";
        this.failWith({ kind: "timeout", summary: `${what} did not finish within ${limit} ms`, detail: "the worker was terminated" });
      }, limit);
    }
  }

  /** Ends `pending` if it is still the current operation, and returns it then. */
  private settle(pending: Pending): Pending | undefined {
    if (this.pending !== pending) return undefined;
    clearTimeout(pending.timer);
    this.pending = undefined;
    return pending;
  }

  private assertUsable(): void {
    if (this.state === "failed") throw this.failure!.stoppedEvaluator();
    if (this.state === "closed") {
      throw new ObjectiveError({ kind: "exit", summary: "the evaluator is closed" }, this.compiled.file);
    }
  }

  private onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case "ready": {
        this.objectiveInfo = { file: this.compiled.file, ...message.info };
        const pending = this.pending;
        if (pending?.phase === "load" && this.settle(pending)) {
          this.worker.unref(); // an idle evaluator does not keep the process alive
          pending.loaded?.();
        }
        break;
      }
      case "metrics": {
        const pending = this.pending;
        if (pending?.metrics?.seq === message.seq && this.settle(pending)) {
          this.worker.unref();
          pending.metrics.resolve(message.metrics);
        }
        break;
      }
      case "failed":
        this.failWith(message.failure);
        break;
      case "provider":
        if (this.objectiveInfo) {
          this.objectiveInfo = { ...this.objectiveInfo, provider: message.provider, providerNote: message.providerNote };
        }
        break;
      case "exit-called":
        this.exitCall = { code: message.code, stack: message.stack };
        break;
    }
  }

  private onWorkerError(error: unknown): void {
    const stack = error instanceof Error ? error.stack : undefined;
    this.failWith({
      kind: "crash",
      summary: "the objective worker crashed",
      detail: describeThrown(error),
      ...firstLocationIn(stack, this.userSources),
      userStack: trimToBundle(stack, this.bundleSources),
    });
  }

  private onExit(code: number): void {
    const exitCall = this.exitCall;
    if (exitCall) {
      this.failWith({
        kind: "exit",
        summary: `the objective called process.exit(${exitCall.code})`,
        detail: "its worker has exited",
        ...firstLocationIn(exitCall.stack, this.userSources),
        userStack: exitCall.stack,
      });
    } else {
      this.failWith({ kind: "exit", summary: `the objective's worker exited unexpectedly with code ${code}` });
    }
  }

  /** The first failure wins: it rejects the operation in progress, terminates the worker and closes the evaluator. */
  private failWith(failure: ObjectiveFailure): void {
    if (this.state !== "open") return;
    const pending = this.pending;
    if (pending?.phase === "batch") {
      failure.iteration ??= pending.iteration;
      // The worker names the query for its own reports; for these the host reads which one was running.
      const query = Atomics.load(this.control, CONTROL.query);
      const stoppedMidQuery = failure.kind === "timeout" || failure.kind === "crash" || failure.kind === "exit";
      if (failure.query === undefined && stoppedMidQuery && query >= 0) failure.query = query;
    }
    const error = new ObjectiveError(failure, this.compiled.file);
    this.state = "failed";
    this.failure = error;
    void this.terminate();
    if (pending) this.settle(pending)?.reject(error);
  }

  private terminate(): Promise<unknown> {
    if (!this.terminated) {
      if (this.pending) clearTimeout(this.pending.timer);
      this.terminated = this.worker.terminate();
      // Wake our own waitAsync so it sees the state change instead of waiting forever.
      Atomics.notify(this.control, CONTROL.done);
    }
    return this.terminated;
  }
}
