/**
 * The iteration loop of a run: ask the engine for points, evaluate them with
 * the objective, tell the engine the values, append the trace line, and now
 * and then write a checkpoint. It runs until a stop condition holds, the
 * objective fails, or it is asked to stop; it can be paused, resumed and
 * stepped one iteration at a time. Runs in the run process (worker.ts), or in
 * any thread that may block on the engine.
 */
import * as path from "node:path";
import {
  type AskBatch,
  createOptimizer,
  type Optimizer,
  optimizerEntry,
  restoreOptimizer,
  rowsPerIteration,
  type TellResult,
  type Vector,
  zeros,
} from "../engine";
import { ObjectiveError } from "../objective/errors";
import type { BatchEvaluator } from "../objective/batch-evaluator";
import { type ObjectiveEvaluatorOptions } from "../objective/evaluator";
import { describeParameter, type ParameterSpace } from "../objective/parameters";
import { startingPoint } from "../objective/saved-parameters";
import { readInitialParameters } from "./initial-parameters";
import { namedParameterOverrides } from "./space-defaults";
import { objectiveRecommendation } from "./objective-defaults";
import { ActiveClock } from "./clock";
import { openEvaluator } from "./open-evaluator";
import { resolveRunConfig, withLrHorizon } from "./lr-horizon";
import { DEFAULT_PROGRESS_INTERVAL_MS, ProgressThrottle, summarizeInspection } from "./progress";
import { fillSkippedValues } from "./skipped-values";
import { checkStopConditions, stopBeforeIteration, remaining, type RunPosition } from "./stop";
import { type Checkpoint, DEFAULT_RUNS_DIR, newRunId, RUN_FILES, RunStore, RunStoreError } from "./store";
import type { TraceBatching } from "./trace";
import {
  DEFAULT_CHECKPOINT_POLICY,
  type MeasuredPoint,
  type RunConfig,
  type RunErrorRecord,
  type RunProgress,
  type RunResult,
  type RunSettings,
  type RunStarted,
  type RunState,
  type StopConditions,
  type StopReason,
  type TraceLine,
} from "./types";

export interface LoopOptions {
  /** Least time between progress events; default 50 ms (20 per second). */
  progressIntervalMs?: number;
  /** The objective evaluator's worker entry; default: its own resolution. */
  objectiveWorkerScript?: string;
  traceBatching?: TraceBatching;
}

export interface ResumeOptions extends LoopOptions {
  /** Stop conditions that replace the run's own, one by one (e.g. more iterations). */
  stop?: StopConditions;
  /** Evaluate through this Redis queue (see RunSettings.queue); default: locally. */
  queue?: string;
}

interface Outcome {
  reason: StopReason;
  error?: RunErrorRecord;
}


interface LoopParts {
  store: RunStore;
  config: RunConfig;
  evaluator: BatchEvaluator;
  optimizer: Optimizer<Vector>;
  clock: ActiveClock;
  lastMeasured: MeasuredPoint | null;
  resumed: boolean;
  options: LoopOptions;
  checkpointFallback?: string;
}

export class RunLoop {
  readonly started: RunStarted;
  private readonly store: RunStore;
  private readonly config: RunConfig;
  private readonly evaluator: BatchEvaluator;
  private readonly optimizer: Optimizer<Vector>;
  private readonly clock: ActiveClock;
  private readonly rowsPerIteration: number;
  /** Iterations between metrics, 0 when the objective has none. */
  private readonly metricsEvery: number;
  private readonly throttle: ProgressThrottle;
  private readonly listeners = new Set<(progress: RunProgress) => void>();

  private state: RunState = "running";
  private pendingSteps = 0;
  private stopRequested = false;
  private wake: (() => void) | undefined;
  private signalStop!: () => void;
  private readonly stopSignal = new Promise<undefined>((resolve) => (this.signalStop = () => resolve(undefined)));

  private bestValue: number;
  private lastValue: number;
  private lastMeasured: MeasuredPoint | null;
  /** Where the point of the iteration in progress is copied before `tell` moves theta (in the run's precision). */
  private measuring: Vector;
  private traceSinceEvent: TraceLine[] = [];
  private readonly session: { iteration: number; evaluations: number; elapsedMs: number };
  private lastCheckpoint: { iteration: number; at: number };
  private running: Promise<RunResult> | undefined;

  constructor(parts: LoopParts) {
    this.store = parts.store;
    this.config = parts.config;
    this.evaluator = parts.evaluator;
    this.optimizer = parts.optimizer;
    this.clock = parts.clock;
    this.lastMeasured = parts.lastMeasured;
    this.rowsPerIteration = rowsPerIteration(this.optimizer);
    this.metricsEvery = this.evaluator.info.hasMetrics ? (this.config.metricsEvery ?? this.evaluator.info.metricsEvery) : 0;
    this.throttle = new ProgressThrottle(() => this.emitProgress(), parts.options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);
    const last = this.optimizer.inspect().last;
    this.bestValue = last?.bestValue ?? Infinity;
    this.lastValue = last?.value ?? NaN;
    this.measuring = zeros(this.optimizer.config.precision, this.optimizer.dimension);
    this.session = { iteration: this.optimizer.currentIteration, evaluations: this.optimizer.totalEvaluations, elapsedMs: this.clock.elapsedMs };
    this.lastCheckpoint = { iteration: this.optimizer.currentIteration, at: performance.now() };
    const info = this.evaluator.info;
    this.started = {
      runDir: this.store.dir,
      id: this.store.id,
      config: this.config,
      iteration: this.optimizer.currentIteration,
      resumed: parts.resumed,
      provider: info.provider,
      providerNote: info.providerNote,
      ...(parts.checkpointFallback ? { checkpointFallback: parts.checkpointFallback } : {}),
      ...(this.evaluator.status ? { evaluator: this.evaluator.status() } : {}),
    };
    // Workers coming and going, or a batch waiting for one, show even while no iteration completes.
    this.evaluator.onStatusChange?.(() => this.throttle.request());
  }

  get runDir(): string {
    return this.store.dir;
  }

  get currentState(): RunState {
    return this.state;
  }

  /** Listens to progress events; returns the function that stops listening. */
  onProgress(listener: (progress: RunProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pauses after the iteration in progress. */
  pause(): void {
    if (this.state === "running") this.state = "paused";
  }

  resume(): void {
    if (this.state !== "paused") return;
    this.state = "running";
    this.pendingSteps = 0;
    this.wakeUp();
  }

  /** When paused, runs exactly one more iteration and pauses again; when running, pauses after the iteration in progress. */
  step(): void {
    if (this.state === "paused") {
      this.pendingSteps++;
      this.wakeUp();
    } else if (this.state === "running") {
      this.state = "paused";
    }
  }

  /** Ends the run as soon as possible: a batch being evaluated is abandoned (it is asked again on resume). */
  stop(): void {
    this.stopRequested = true;
    this.signalStop();
    this.wakeUp();
  }

  /** Runs to the end; calling it again returns the same result. */
  run(): Promise<RunResult> {
    this.running ??= this.execute();
    return this.running;
  }

  /** Writes the checkpoint now (the state after the last completed iteration). */
  checkpoint(): void {
    this.store.writeCheckpoint(checkpointOf(this.optimizer, this.lastMeasured, this.clock.elapsedMs));
    this.lastCheckpoint = { iteration: this.optimizer.currentIteration, at: performance.now() };
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async execute(): Promise<RunResult> {
    this.clock.start();
    this.throttle.request();
    let outcome: Outcome;
    try {
      outcome = await this.iterate();
    } catch (error) {
      outcome = failureOutcome(error);
    }
    this.clock.stop();
    return this.finish(outcome);
  }

  private async iterate(): Promise<Outcome> {
    for (;;) {
      const reason = stopBeforeIteration(this.config.stop, this.position(), this.rowsPerIteration);
      if (reason) return { reason };
      await this.passGate();
      if (this.stopRequested) return { reason: "stopped" };

      const batch = this.optimizer.ask();
      const values = await this.evaluate(batch);
      if (values === undefined) return { reason: "stopped" };
      const skipped = fillSkippedValues(values);
      if (skipped === values.length) {
        throw new ObjectiveError(
          { kind: "non-finite", summary: 'every value of the batch was unusable (policy "skip")', iteration: batch.iteration },
          this.config.objective.file,
        );
      }
      this.copyMeasuredPoint(batch);
      const told = this.optimizer.tell(values);
      // Due at iteration 0, then every metricsEvery; the common case costs no await.
      const metrics = this.metricsDue(told.iteration) ? await this.evaluator.metrics(this.measuring, told.iteration) : undefined;
      this.recordIteration(told, skipped, metrics);
      this.checkpointWhenDue();
      this.throttle.request();
    }
  }

  /** Returns at once while running; while paused, waits for resume, step or stop. */
  private async passGate(): Promise<void> {
    while (this.state === "paused" && !this.stopRequested) {
      if (this.pendingSteps > 0) {
        this.pendingSteps--;
        return;
      }
      this.clock.stop();
      // A paused run may never be resumed in this session: keep it resumable from here.
      if (this.lastCheckpoint.iteration !== this.optimizer.currentIteration) this.checkpoint();
      this.throttle.request();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.clock.start();
    }
  }

  /** The batch's values, or undefined when the run was asked to stop first. */
  private async evaluate(batch: AskBatch): Promise<Float64Array | undefined> {
    const evaluation = this.evaluator.evaluateBatch(batch.points, batch.rows, batch.iteration, this.evaluator.usesRecipes ? this.optimizer.queryRecipe() : null);
    // If the stop wins, closing the evaluator rejects this batch; nobody waits for it then.
    evaluation.catch(() => undefined);
    return Promise.race([evaluation, this.stopSignal]);
  }

  /** theta of the iteration in progress: its centre row, or the engine's parameters when the centre is not evaluated. */
  private copyMeasuredPoint(batch: AskBatch): void {
    if (batch.centerRow >= 0) {
      const d = batch.dimension;
      this.measuring.set(batch.points.subarray(batch.centerRow * d, (batch.centerRow + 1) * d));
    } else {
      this.measuring.set(this.optimizer.parameters);
    }
  }

  /** Whether the objective's metrics of this iteration's theta are due. */
  private metricsDue(iteration: number): boolean {
    return this.metricsEvery > 0 && iteration % this.metricsEvery === 0;
  }

  private recordIteration(told: TellResult, skipped: number, metrics: Record<string, number> | undefined): void {
    // The copied point becomes the last measured one; its previous buffer is reused next iteration.
    const previous = this.lastMeasured?.parameters;
    this.lastMeasured = { iteration: told.iteration, value: told.value, parameters: this.measuring };
    this.measuring = previous?.length === this.optimizer.dimension ? previous : zeros(this.optimizer.config.precision, this.optimizer.dimension);
    this.bestValue = told.bestValue;
    this.lastValue = told.value;

    const line: TraceLine = {
      iteration: told.iteration,
      evaluations: told.evaluations,
      value: told.value,
      best: told.bestValue,
      baseline: told.baseline,
      gradientNorm: told.gradientNorm,
      stepNorm: told.stepNorm,
      elapsedMs: Math.round(this.clock.elapsedMs * 1000) / 1000,
    };
    if (skipped > 0) line.skipped = skipped;
    if (metrics) line.metrics = metrics;
    this.store.appendTrace(line);
    this.traceSinceEvent.push(line);
  }

  private checkpointWhenDue(): void {
    const policy = this.config.checkpoint;
    const iterations = this.optimizer.currentIteration - this.lastCheckpoint.iteration;
    const ms = performance.now() - this.lastCheckpoint.at;
    if ((policy.iterations > 0 && iterations >= policy.iterations) || (policy.ms > 0 && ms >= policy.ms)) this.checkpoint();
  }

  private position(): RunPosition {
    return {
      iteration: this.optimizer.currentIteration,
      evaluations: this.optimizer.totalEvaluations,
      bestValue: this.bestValue,
      elapsedMs: this.clock.elapsedMs,
    };
  }

  private async finish(outcome: Outcome): Promise<RunResult> {
    let { reason, error } = outcome;
    try {
      this.checkpoint();
    } catch (checkpointError) {
      if (!error) ({ reason, error } = failureOutcome(checkpointError));
    }
    let finalMetrics: Record<string, number> | undefined;
    // The final parameters' metrics, the number a fine-tune is judged by.
    if (!error && this.metricsEvery > 0 && this.optimizer.currentIteration > 0) {
      try {
        finalMetrics = await this.evaluator.metrics(this.optimizer.parameters, this.optimizer.currentIteration);
      } catch (metricsError) {
        ({ reason, error } = failureOutcome(metricsError));
      }
    }
    const position = this.position();
    const result: RunResult = {
      status: error ? "failed" : reason === "stopped" ? "stopped" : "done",
      reason,
      runDir: this.store.dir,
      iterations: position.iteration,
      evaluations: position.evaluations,
      bestValue: this.bestValue,
      bestIteration: this.optimizer.inspect().best.iteration,
      finalValue: this.lastValue,
      elapsedMs: this.clock.elapsedMs,
      provider: this.evaluator.info.provider,
      precision: this.optimizer.config.precision,
      ...(finalMetrics ? { metrics: finalMetrics } : {}),
      ...(error ? { error } : {}),
      finished: new Date().toISOString(),
    };
    try {
      this.store.writeResult(result);
    } finally {
      this.store.closeTrace();
      this.store.releaseLock();
      await this.evaluator.close();
      this.state = "finished";
      await this.throttle.finish();
    }
    return result;
  }

  private emitProgress(): void {
    const position = this.position();
    const sessionMs = position.elapsedMs - this.session.elapsedMs;
    const sessionIterations = position.iteration - this.session.iteration;
    const sessionEvaluations = position.evaluations - this.session.evaluations;
    const pace =
      sessionIterations > 0 ? { msPerIteration: sessionMs / sessionIterations, msPerEvaluation: sessionMs / sessionEvaluations } : undefined;
    const { etaMs, fraction } = remaining(this.config.stop, position, pace);
    const progress: RunProgress = {
      state: this.state,
      iteration: position.iteration,
      evaluations: position.evaluations,
      value: this.lastValue,
      best: this.bestValue,
      evaluationsPerSecond: sessionMs > 0 ? (sessionEvaluations * 1000) / sessionMs : 0,
      elapsedMs: position.elapsedMs,
      etaMs: this.state === "finished" ? 0 : etaMs,
      fraction,
      trace: this.traceSinceEvent,
      inspection: summarizeInspection(this.optimizer.inspect()),
      ...(this.evaluator.status ? { evaluator: this.evaluator.status() } : {}),
    };
    this.traceSinceEvent = [];
    for (const listener of this.listeners) listener(progress);
  }
}

function checkpointOf(optimizer: Optimizer<Vector>, lastMeasured: MeasuredPoint | null, elapsedMs: number): Checkpoint {
  const snapshot = optimizer.snapshot();
  return {
    format: "zoar-checkpoint/1",
    iteration: snapshot.iteration,
    traceLines: snapshot.iteration,
    evaluations: snapshot.evaluations,
    elapsedMs,
    written: new Date().toISOString(),
    best: { iteration: snapshot.best.iteration, value: snapshot.best.value, parameters: snapshot.best.point },
    lastMeasured,
    snapshot,
  };
}

/** Turns what ended a run early into its reason and record: the objective's errors keep their place. */
export function failureOutcome(error: unknown): { reason: StopReason; error: RunErrorRecord } {
  if (error instanceof ObjectiveError) {
    const { message, kind, file, line, column, iteration, query } = error;
    return { reason: "objective", error: dropUndefined({ message, kind, file, line, column, iteration, query }) };
  }
  return { reason: "error", error: { message: error instanceof Error ? error.message : String(error) } };
}

function dropUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

function evaluatorOptions(config: Pick<RunConfig, "timeoutMs" | "nonFinite" | "provider" | "seed">, options: LoopOptions): ObjectiveEvaluatorOptions {
  return { timeoutMs: config.timeoutMs, nonFinite: config.nonFinite, provider: config.provider, seed: config.seed, workerScript: options.objectiveWorkerScript };
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Loads the objective, creates the run folder and returns the loop, ready to `run()`. */
export async function startRun(settings: RunSettings, options: LoopOptions = {}): Promise<RunLoop> {
  const stop = { ...settings.stop };
  checkStopConditions(stop);
  const overrides = settings.overrides ?? {};
  resolveRunConfig(settings.optimizer, overrides, stop.iterations); // fails before the objective loads
  const seed = settings.seed ?? 0;
  const policies = {
    timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    nonFinite: settings.nonFinite ?? "fail",
    provider: settings.provider,
  } as const;
  if (settings.metricsEvery !== undefined && !(Number.isInteger(settings.metricsEvery) && settings.metricsEvery > 0)) {
    throw new RangeError(`metricsEvery must be a positive integer, got ${settings.metricsEvery}`);
  }
  const runDir = path.resolve(settings.runDir ?? path.join(settings.runsDir ?? DEFAULT_RUNS_DIR, newRunId()));
  const choice = { ...evaluatorOptions({ ...policies, seed }, options), queue: settings.queue, runId: path.basename(runDir) };
  const evaluator = await openEvaluator(settings.objectiveFile, choice);
  try {
    const info = evaluator.info;
    const initial = settings.initialFile ? startingPoint(readInitialParameters(settings.initialFile), info) : info.initial;
    const entry = optimizerEntry(settings.optimizer);
    const recommended = objectiveRecommendation(info.optimizerDefaults, settings.optimizer, info.file);
    const requested = withLrHorizon({ ...recommended, ...overrides }, entry.config, stop.iterations); // a setting given for the run wins over the objective's
    const named = info.parameters ? namedParameterOverrides(entry.config, requested) : requested;
    // The objective's precision is the run's default; CMA-ES keeps float64 whatever the objective computes in.
    const effective = named.precision === undefined && !entry.cma ? { ...named, precision: info.precision } : named;
    const optimizer: Optimizer<Vector> = createOptimizer(settings.optimizer, effective, { initial, seed, bounds: info.bounds });
    const config: RunConfig = {
      format: "zoar-run/1",
      id: path.basename(runDir),
      created: new Date().toISOString(),
      objective: {
        file: info.file,
        name: info.name,
        ...(info.description ? { description: info.description } : {}),
        dimension: info.dimension,
        ...(info.parameters ? { parameters: info.parameters } : {}),
        ...(Object.keys(info.optimizerDefaults).length > 0 ? { optimizerDefaults: info.optimizerDefaults } : {}),
      },
      optimizer: settings.optimizer,
      config: optimizer.config, // as the optimizer resolved it (CMA-ES: the population for this d; named parameters: their defaults)
      overrides,
      ...(Object.keys(recommended).length > 0 ? { recommended } : {}),
      seed,
      stop,
      ...policies,
      checkpoint: { ...DEFAULT_CHECKPOINT_POLICY, ...settings.checkpoint },
      ...(settings.initialFile ? { initialFile: path.resolve(settings.initialFile) } : {}),
      ...(info.hasMetrics ? { metricsEvery: settings.metricsEvery ?? info.metricsEvery } : {}),
    };
    const store = RunStore.create(runDir, config, (staging) => {
      staging.acquireLock();
      staging.openTrace(0, options.traceBatching);
      staging.writeCheckpoint(checkpointOf(optimizer, null, 0)); // resumable from the very start
    });
    return new RunLoop({ store, config, evaluator, optimizer, clock: new ActiveClock(), lastMeasured: null, resumed: false, options });
  } catch (error) {
    await evaluator.close();
    throw error;
  }
}

/**
 * Continues a run from its checkpoint: the trace is cut back to the
 * checkpoint's iteration and the run goes on exactly as if never interrupted.
 */
export async function resumeRun(runDir: string, options: ResumeOptions = {}): Promise<RunLoop> {
  const store = RunStore.open(runDir);
  const config = store.readConfig();
  if (!store.hasCheckpoint()) throw new RunStoreError(`${runDir} has no checkpoint to resume from`);
  const { checkpoint, fallback } = store.loadCheckpoint();
  const checkpointFallback = fallback && `${fallback}; resumed from ${RUN_FILES.previousCheckpoint} (iteration ${checkpoint.iteration})`;
  if (options.stop) {
    config.stop = { ...config.stop, ...options.stop };
    checkStopConditions(config.stop);
  }
  store.acquireLock();
  let evaluator: BatchEvaluator | undefined;
  try {
    evaluator = await openEvaluator(config.objective.file, { ...evaluatorOptions(config, options), queue: options.queue, runId: config.id });
    const dimension = evaluator.info.dimension;
    if (dimension !== config.objective.dimension) {
      throw new RunStoreError(`the objective now has dimension ${dimension}; the run was made with dimension ${config.objective.dimension}`);
    }
    // The checkpoint's coordinates mean something only under the space they were made in.
    if (JSON.stringify(evaluator.info.parameters ?? null) !== JSON.stringify(config.objective.parameters ?? null)) {
      throw new RunStoreError(`the objective's parameters changed since the run was made (${describeSpace(config.objective.parameters)} then, ${describeSpace(evaluator.info.parameters)} now)`);
    }
    const optimizer: Optimizer<Vector> = restoreOptimizer(checkpoint.snapshot);
    if (options.stop) store.writeConfig(config);
    if (fallback) store.dropUnreadableCheckpoint();
    store.removeResult();
    store.openTrace(checkpoint.traceLines, options.traceBatching);
    const clock = new ActiveClock(checkpoint.elapsedMs);
    return new RunLoop({ store, config, evaluator, optimizer, clock, lastMeasured: checkpoint.lastMeasured, resumed: true, options, checkpointFallback });
  } catch (error) {
    await evaluator?.close();
    store.releaseLock();
    throw error;
  }
}

function describeSpace(space: ParameterSpace | undefined): string {
  if (!space) return "a plain vector";
  return Object.entries(space)
    .map(([name, parameter]) => `${name} ${describeParameter(parameter)}`)
    .join(", ");
}
