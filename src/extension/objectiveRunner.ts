// The live runs of one objective: one at a time, the others of a comparison
// queued behind it. Each run executes in a process of its own (the launcher is the run
// layer's RunController); this class only forwards commands and turns the
// run's events into the session's view model and into events for the
// status bar, the log and notifications. No vscode import.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chooseLearningRate, describeChoice } from "../run/autoLr";
import { failedRunResult, type RunProgress, type RunResult, type RunSettings, type RunStarted } from "../run/types";
import type { InspectorData, ParameterSummary } from "../protocol";
import { coordinateMap } from "./parameterRows";
import { inspectorFromSummary, progressHeader, providerLabel, resultHeader, runLabel, startingHeader, stopSettingsOf, tracePointOf } from "./runView";
import type { ObjectiveSession } from "./session";

/** What the runner needs of a started run (RunController has this shape). */
export interface RunHandle {
  readonly runDir: string;
  readonly finished: Promise<RunResult>;
  onStarted(listener: (started: RunStarted) => void): () => void;
  onProgress(listener: (progress: RunProgress) => void): () => void;
  pause(): void;
  resume(): void;
  step(): void;
  stop(): void;
}

export type RunLauncher = (settings: RunSettings) => RunHandle;

/** What a run's legend knows beyond its settings. */
export interface RunTags {
  variant?: string;
  seedGroup?: string;
  /** Pick the learning rate by short trials first (`"lr": "auto"`). */
  autoLr?: boolean;
}

/** Inspector and parameters read back from a run's checkpoint. */
export interface RunDetails {
  inspector?: InspectorData;
  parameters?: ParameterSummary;
}

export type RunCommandName = "pause" | "resume" | "step" | "stop";

export interface RunEventBase {
  objectiveFile: string;
  runId: string;
  optimizer: string;
}

export interface RunEvents {
  /** A run's worker is being started (its objective loads next). */
  launched?(event: RunEventBase): void;
  started?(event: RunEventBase & { started: RunStarted }): void;
  progress?(event: RunEventBase & { progress: RunProgress }): void;
  finished?(event: RunEventBase & { result: RunResult }): void;
  /** A runner-side problem that is not a run's own failure (reading a checkpoint, a listener that threw). */
  problem?(message: string): void;
  /** A line for the run log (what "lr": "auto" picked and why). */
  note?(message: string): void;
}

export interface RunnerOptions {
  launch: RunLauncher;
  events?: RunEvents;
  /** Reads inspector and parameters from a run folder's checkpoint. */
  readDetails?: (runId: string, runDir: string) => Promise<RunDetails>;
  /** Least time between checkpoint reads for a running run's best parameters. */
  parametersRefreshMs?: number;
}

interface LiveRun {
  runId: string;
  optimizer: string;
  settings: RunSettings;
  handle: RunHandle | undefined;
  lastDetailsRead: number;
  /** The inspector's note on the coordinates of named parameters, once the run has started. */
  coordinates?: string;
  /** "lr": "auto": short trials pick the learning rate before the run starts. */
  autoLr: boolean;
  /** The trial going now, so Stop can end it. */
  trial: RunHandle | undefined;
  stopped: boolean;
}

export const DEFAULT_PARAMETERS_REFRESH_MS = 5000;

export class BusyError extends Error {
  override readonly name = "BusyError";
}

export class ObjectiveRunner {
  private readonly queue: LiveRun[] = [];
  private active: LiveRun | undefined;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly events: RunEvents;

  constructor(
    private readonly session: ObjectiveSession,
    private readonly options: RunnerOptions,
  ) {
    this.events = options.events ?? {};
  }

  get objectiveFile(): string {
    return this.session.objectiveFile;
  }

  /** A run is going or waiting to. */
  get busy(): boolean {
    return this.active !== undefined || this.queue.length > 0;
  }

  /** The run in progress, if any. */
  get activeRunId(): string | undefined {
    return this.active?.runId;
  }

  /** Whether `runId` is this window's and not finished (running, paused or queued). */
  isLive(runId: string): boolean {
    return this.active?.runId === runId || this.queue.some((run) => run.runId === runId);
  }

  /**
   * Queues runs, one after another. Each settings object names its run folder
   * (so the run ids are known now); `tags` name a sweep's swept values and
   * the runs that differ only by seed.
   * Throws BusyError while runs are going.
   */
  start(plan: readonly RunSettings[], tags: readonly RunTags[] = []): string[] {
    if (this.busy) throw new BusyError("a run of this objective is in progress; stop it first");
    const created = new Date().toISOString();
    const runs = plan.map((settings, i) => {
      if (settings.runDir === undefined) throw new Error("each planned run needs its runDir");
      const runId = path.basename(settings.runDir);
      const stop = stopSettingsOf(settings.stop ?? {});
      const header = startingHeader({ runId, label: runLabel(settings.optimizer, 0), optimizer: settings.optimizer, seed: settings.seed ?? 0, stop });
      // A sweep's runs are told apart in legends by the value they were given; runs that differ only by seed are drawn as one band.
      if (tags[i]?.variant !== undefined) header.variant = tags[i].variant;
      if (tags[i]?.seedGroup !== undefined) header.seedGroup = tags[i].seedGroup;
      return { runId, header, runDir: settings.runDir, created, settings };
    });
    this.session.addLiveRuns(runs);
    runs.forEach(({ runId, settings }, i) =>
      this.queue.push({ runId, optimizer: settings.optimizer, settings, handle: undefined, lastDetailsRead: -Infinity, autoLr: tags[i]?.autoLr === true, trial: undefined, stopped: false }),
    );
    this.launchNext();
    return runs.map((run) => run.runId);
  }

  /** Applies a run command; false when `runId` is not one of this window's live runs. */
  command(runId: string, name: RunCommandName): boolean {
    if (this.active?.runId === runId && !this.active.handle && this.active.autoLr) {
      // Still picking its learning rate: Stop ends the trials and the run with them.
      if (name === "stop") {
        this.active.stopped = true;
        this.active.trial?.stop();
      }
      return true;
    }
    if (this.active?.runId === runId && this.active.handle) {
      this.active.handle[name]();
      return true;
    }
    const queued = this.queue.findIndex((run) => run.runId === runId);
    if (queued < 0) return false;
    if (name === "stop") this.cancel(this.queue.splice(queued, 1), "cancelled before it started");
    return true;
  }

  /** Stops the run in progress and cancels those waiting. */
  stopAll(): void {
    this.cancel(this.queue.splice(0), "cancelled before it started");
    if (this.active && !this.active.handle) {
      this.active.stopped = true;
      this.active.trial?.stop();
    }
    this.active?.handle?.stop();
  }

  /** Resolves once no run is going or waiting. */
  whenIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private cancel(runs: LiveRun[], reason: string): void {
    for (const run of runs) this.session.updateHeader(run.runId, (header) => ({ ...header, status: "stopped", reason }));
    if (!this.busy) this.settleIdle();
  }

  private launchNext(): void {
    const run = this.queue.shift();
    if (!run) {
      this.active = undefined;
      this.settleIdle();
      return;
    }
    this.active = run;
    this.session.follow(run.runId);
    this.emit(() => this.events.launched?.(this.base(run)));
    if (run.autoLr) void this.pickLearningRate(run);
    else this.launch(run);
  }

  /** Short trials of the same seed pick the run's learning rate; the run then gets the rest of its iterations. */
  private async pickLearningRate(run: LiveRun): Promise<void> {
    const scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), "zoar-lr-auto-"));
    try {
      const stop = run.settings.stop ?? {};
      let spentEvaluations = 0;
      const choice = await chooseLearningRate(
        async (lr, iterations) => {
          if (run.stopped) throw new Error("stopped");
          this.session.updateHeader(run.runId, (header) => ({ ...header, reason: `lr auto: trying ${lr} for ${iterations} iterations` }));
          const trial = this.options.launch({ ...run.settings, overrides: { ...run.settings.overrides, lr }, stop: { iterations }, runsDir: scratch, runDir: path.join(scratch, `trial-${lr}`) });
          run.trial = trial;
          const result = await trial.finished;
          run.trial = undefined;
          spentEvaluations += result.evaluations;
          if (result.status === "failed") throw new Error(result.error?.message ?? "failed");
          return result.bestValue;
        },
        { iterations: stop.iterations },
      );
      if (run.stopped) {
        this.finish(run, failedRunResult({ message: "stopped while picking the learning rate" }, { status: "stopped", reason: "stopped" }));
        return;
      }
      this.emit(() => this.events.note?.(`run ${run.runId}: ${describeChoice(choice)}`));
      const rest = { ...stop };
      if (rest.iterations !== undefined) rest.iterations = Math.max(1, rest.iterations - choice.spentIterations);
      if (rest.evaluations !== undefined) rest.evaluations = Math.max(1, rest.evaluations - spentEvaluations);
      run.settings = { ...run.settings, overrides: choice.lr === undefined ? run.settings.overrides : { ...run.settings.overrides, lr: choice.lr }, stop: rest };
      this.session.updateHeader(run.runId, (header) => ({ ...header, reason: describeChoice(choice) }));
      this.launch(run);
    } catch (error) {
      this.finish(run, failedToLaunch(error, run.settings));
    } finally {
      await fs.promises.rm(scratch, { recursive: true, force: true });
    }
  }

  private launch(run: LiveRun): void {
    let handle: RunHandle;
    try {
      handle = this.options.launch(run.settings);
    } catch (error) {
      // The worker could not even start: the run fails like one whose objective cannot load.
      this.finish(run, failedToLaunch(error, run.settings));
      return;
    }
    run.handle = handle;
    handle.onStarted((started) => this.onStarted(run, started));
    handle.onProgress((progress) => this.onProgress(run, progress));
    handle.finished.then(
      (result) => this.finish(run, result),
      (error: unknown) => this.finish(run, failedToLaunch(error, run.settings)),
    );
  }

  private onStarted(run: LiveRun, started: RunStarted): void {
    const { objective } = started.config;
    this.session.setObjectiveInfo({ name: objective.name, dimension: objective.dimension, description: objective.description, optimizerDefaults: objective.optimizerDefaults });
    if (objective.parameters) run.coordinates = coordinateMap(objective.parameters);
    this.session.setRunDir(run.runId, started.runDir);
    this.session.updateHeader(run.runId, (header) => ({ ...header, status: "running", provider: providerLabel(started.provider) }));
    this.emit(() => this.events.started?.({ ...this.base(run), started }));
  }

  private onProgress(run: LiveRun, progress: RunProgress): void {
    this.session.appendTrace(run.runId, progress.trace.map(tracePointOf));
    this.session.updateHeader(run.runId, (header) => progressHeader(header, progress));
    const inspector = inspectorFromSummary(run.runId, progress.inspection);
    if (run.coordinates) inspector.coordinates = run.coordinates;
    this.session.setInspector(run.runId, inspector);
    this.refreshParameters(run, false);
    this.emit(() => this.events.progress?.({ ...this.base(run), progress }));
  }

  /** The best parameters live in the checkpoint; read them now and then while the run is selected, and at its end. */
  private refreshParameters(run: LiveRun, final: boolean): void {
    const read = this.options.readDetails;
    const runDir = this.session.runDir(run.runId);
    if (!read || !runDir) return;
    const now = performance.now();
    const every = this.options.parametersRefreshMs ?? DEFAULT_PARAMETERS_REFRESH_MS;
    if (!final && (this.session.selectedRunId !== run.runId || now - run.lastDetailsRead < every)) return;
    run.lastDetailsRead = now;
    read(run.runId, runDir).then(
      (details) => {
        // A live run's inspector comes from its progress events, fresher than the checkpoint's.
        if (details.parameters) this.session.setParameters(run.runId, details.parameters);
        if (final && details.inspector) this.session.setInspector(run.runId, details.inspector);
      },
      (error: unknown) => this.events.problem?.(`could not read the checkpoint of run ${run.runId}: ${messageOf(error)}`),
    );
  }

  private finish(run: LiveRun, result: RunResult): void {
    this.session.updateHeader(run.runId, (header) => resultHeader(header, result));
    this.session.appendFinalMetrics(run.runId, result);
    if (result.runDir) {
      this.session.setRunDir(run.runId, result.runDir);
      this.refreshParameters(run, true);
    }
    this.emit(() => this.events.finished?.({ ...this.base(run), result }));
    // A run that could not even load its objective fails the same way for every optimizer: do not try the rest.
    if (result.status === "failed" && result.runDir === undefined) this.cancel(this.queue.splice(0), "not started: the run before it could not load the objective");
    this.launchNext();
  }

  private settleIdle(): void {
    if (this.busy) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private base(run: LiveRun): RunEventBase {
    return { objectiveFile: this.objectiveFile, runId: run.runId, optimizer: run.optimizer };
  }

  /** A listener that throws must not stop the runs. */
  private emit(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.events.problem?.(`a run listener failed: ${messageOf(error)}`);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function failedToLaunch(error: unknown, settings: RunSettings): RunResult {
  return failedRunResult({ message: `the run of ${settings.optimizer} could not start: ${messageOf(error)}` });
}
