// The host's view of one objective's dashboard: its runs (live and stored),
// each with a decimated trace, the selected run's inspector and parameters,
// and the chart axes. It knows what its one webview already holds, so it can
// hand out either a full snapshot or the changes since the last one, as
// progress messages. No vscode import: the tests drive it directly.
import {
  type ChartView,
  type DashboardSnapshot,
  type InspectorData,
  type MetricsPoint,
  type ObjectiveInfo,
  type OptimizerSchema,
  type ParameterSummary,
  type ProgressMessage,
  type RunHeader,
  type SeriesUpdate,
  emptySeries,
  toWireNumber,
  withObjectiveDefaults,
} from "../protocol";
import { TraceDecimator, type TracePoint } from "./decimate";
import { runLabel } from "./runView";
import type { RunResult } from "../run/types";

interface SessionRun {
  header: RunHeader;
  /** Sort key: runs are listed oldest first. */
  created: string;
  runDir: string | undefined;
  decimator: TraceDecimator;
  /** Rows the webview holds after the last snapshot or update. */
  rowsSent: number;
  /** Every metrics point (they are sparse: no decimation), and how many the webview holds. */
  metrics: MetricsPoint[];
  metricsSent: number;
  inspector: InspectorData | null;
  parameters: ParameterSummary | null;
  /** Header or rows changed since they were last sent. */
  changed: boolean;
  /** Inspector or parameters changed since they were last sent. */
  detailsChanged: boolean;
}

export interface NewRun {
  runId: string;
  header: RunHeader;
  runDir: string | undefined;
  /** ISO time; live runs use the time they were asked for. */
  created: string;
}

export interface RunAvailability {
  canRun: boolean;
  canRunReason?: string;
}

/** What the webview needs next: everything again, the changes, or nothing. */
export type PendingUpdate = { kind: "snapshot" } | { kind: "progress"; messages: ProgressMessage[] } | { kind: "none" };

export class ObjectiveSession {
  objective: ObjectiveInfo;
  private readonly runs: SessionRun[] = [];
  private selected: string | null = null;
  /** Whether the selection follows the newest active run (until the user picks one). */
  private following = true;
  private view: ChartView = { x: "iteration", y: "log" };
  private structureChanged = false;
  private readonly listeners = new Set<() => void>();

  /**
   * @param objectiveFile absolute path of the objective
   * @param displayPath the path shown for it (workspace-relative)
   */
  constructor(
    readonly objectiveFile: string,
    displayPath: string,
  ) {
    const name = displayPath.split(/[\\/]/).pop()!.replace(/\.ts$/, "");
    // The dimension is known once a run has loaded the objective (NaN reaches the webview as null: unknown).
    this.objective = { name, file: displayPath, dimension: NaN };
  }

  /** Called after every change; the dashboard schedules an update. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  setObjectiveInfo(info: { name: string; dimension: number; description?: string; optimizerDefaults?: ObjectiveInfo["optimizerDefaults"] }): void {
    const next: ObjectiveInfo = { name: info.name, file: this.objective.file, dimension: info.dimension };
    if (info.description !== undefined) next.description = info.description;
    if (info.optimizerDefaults && Object.keys(info.optimizerDefaults).length > 0) next.optimizerDefaults = info.optimizerDefaults;
    if (JSON.stringify(next) === JSON.stringify(this.objective)) return;
    this.objective = next;
    this.structureChanged = true;
    this.changed();
  }

  get runIds(): string[] {
    return this.runs.map((run) => run.header.runId);
  }

  hasRun(runId: string): boolean {
    return this.find(runId) !== undefined;
  }

  header(runId: string): RunHeader | undefined {
    return this.find(runId)?.header;
  }

  runDir(runId: string): string | undefined {
    return this.find(runId)?.runDir;
  }

  /** The run the header, inspector and parameters describe: the selected one, else the newest. */
  get selectedRunId(): string | null {
    return this.selected ?? this.runs[this.runs.length - 1]?.header.runId ?? null;
  }

  get chartView(): ChartView {
    return this.view;
  }

  /** Runs of this window, queued or starting, in the order they will run; the first becomes the selected run. */
  addLiveRuns(runs: readonly NewRun[]): void {
    for (const run of runs) this.insert(run, []);
    if (runs.length === 0) return;
    this.selected = runs[0].runId;
    this.following = true;
  }

  /** A run read from the runs folder, with its whole trace. */
  addStoredRun(run: NewRun, points: Iterable<TracePoint>): void {
    if (this.hasRun(run.runId)) return;
    this.insert(run, points);
  }

  private insert(run: NewRun, points: Iterable<TracePoint>): void {
    const decimator = new TraceDecimator();
    const metrics: MetricsPoint[] = [];
    for (const point of points) {
      decimator.append(point);
      if (point.metrics) metrics.push(metricsPointOf(point));
    }
    const entry: SessionRun = {
      header: run.header,
      created: run.created,
      runDir: run.runDir,
      decimator,
      rowsSent: 0,
      metrics,
      metricsSent: 0,
      inspector: null,
      parameters: null,
      changed: true,
      detailsChanged: false,
    };
    let at = this.runs.length;
    while (at > 0 && this.runs[at - 1].created > run.created) at--;
    this.runs.splice(at, 0, entry);
    this.relabel();
    this.structureChanged = true;
    this.changed();
  }

  /** Labels number each optimizer's runs in order: zoar #1, zoar #2, ...; a sweep's runs by their value: zoar lr=0.01 #1, ... */
  private relabel(): void {
    const counts = new Map<string, number>();
    for (const run of this.runs) {
      const { optimizer, variant } = run.header;
      const name = variant === undefined ? optimizer : `${optimizer} ${variant}`;
      const ordinal = (counts.get(name) ?? 0) + 1;
      counts.set(name, ordinal);
      run.header = { ...run.header, label: runLabel(name, ordinal) };
    }
  }

  updateHeader(runId: string, update: (header: RunHeader) => RunHeader): void {
    const run = this.find(runId);
    if (!run) return;
    run.header = { ...update(run.header), runId, label: run.header.label };
    run.changed = true;
    this.changed();
  }

  setRunDir(runId: string, runDir: string): void {
    const run = this.find(runId);
    if (run) run.runDir = runDir;
  }

  appendTrace(runId: string, points: readonly TracePoint[]): void {
    const run = this.find(runId);
    if (!run || points.length === 0) return;
    for (const point of points) {
      run.decimator.append(point);
      if (point.metrics) run.metrics.push(metricsPointOf(point));
    }
    run.changed = true;
    this.changed();
  }

  /**
   * The metrics of a run's final parameters (result.json's), measured after
   * its last iteration and so in no trace line: the last point of its Metrics chart.
   */
  appendFinalMetrics(runId: string, result: Pick<RunResult, "iterations" | "evaluations" | "metrics">): void {
    const run = this.find(runId);
    if (!run || !result.metrics) return;
    const last = run.metrics[run.metrics.length - 1];
    if (last && last.iteration >= result.iterations) return;
    run.metrics.push(metricsPointOf({ iteration: result.iterations, evaluations: result.evaluations, metrics: result.metrics }));
    run.changed = true;
    this.changed();
  }

  setInspector(runId: string, inspector: InspectorData): void {
    const run = this.find(runId);
    if (!run) return;
    run.inspector = inspector;
    run.detailsChanged = true;
    run.changed = true;
    this.changed();
  }

  setParameters(runId: string, parameters: ParameterSummary): void {
    const run = this.find(runId);
    if (!run) return;
    run.parameters = parameters;
    run.detailsChanged = true;
    run.changed = true;
    this.changed();
  }

  hasDetails(runId: string): boolean {
    const run = this.find(runId);
    return run !== undefined && (run.inspector !== null || run.parameters !== null);
  }

  /** The user picked a run: it stays selected until they pick another. Returns false for unknown runs. */
  select(runId: string): boolean {
    const run = this.find(runId);
    if (!run) return false;
    this.following = false;
    this.selected = runId;
    // The webview cleared its inspector and parameters for the new selection: send this run's again.
    run.detailsChanged = true;
    run.changed = true;
    this.changed();
    return true;
  }

  /** A queued run began: the selection moves to it unless the user picked a run since the runs were started. */
  follow(runId: string): void {
    if (!this.following || this.selected === runId || !this.hasRun(runId)) return;
    this.selected = runId;
    this.structureChanged = true;
    this.changed();
  }

  setView(view: ChartView): void {
    this.view = { x: view.x, y: view.y };
  }

  /** Everything the dashboard shows; what follows is relative to it. */
  snapshot(availability: RunAvailability, optimizers: OptimizerSchema[]): DashboardSnapshot {
    const selectedId = this.selectedRunId;
    const selected = selectedId === null ? undefined : this.find(selectedId);
    const runs = this.runs.map((run) => {
      const series = run.decimator.snapshot();
      run.rowsSent = series.iteration.length;
      run.changed = false;
      run.detailsChanged = false;
      run.metricsSent = run.metrics.length;
      return { header: run.header, series, ...(run.metrics.length > 0 ? { metrics: [...run.metrics] } : {}) };
    });
    this.structureChanged = false;
    const snapshot: DashboardSnapshot = {
      objective: this.objective,
      optimizers: withObjectiveDefaults(optimizers, this.objective.optimizerDefaults),
      runs,
      selectedRunId: selectedId,
      inspector: selected?.inspector ?? null,
      parameters: selected?.parameters ?? null,
      view: this.view,
      canRun: availability.canRun,
    };
    if (availability.canRunReason !== undefined) snapshot.canRunReason = availability.canRunReason;
    return snapshot;
  }

  /** What changed since the last snapshot or update. */
  takeUpdate(): PendingUpdate {
    if (this.structureChanged) return { kind: "snapshot" };
    const selectedId = this.selectedRunId;
    const messages: ProgressMessage[] = [];
    for (const run of this.runs) {
      if (!run.changed) continue;
      const series: SeriesUpdate = run.decimator.takeUpdate() ?? { from: run.rowsSent, total: run.rowsSent, rows: emptySeries() };
      run.rowsSent = series.total;
      const message: ProgressMessage = { type: "progress", header: run.header, series };
      if (run.metrics.length > run.metricsSent) {
        message.metrics = run.metrics.slice(run.metricsSent);
        run.metricsSent = run.metrics.length;
      }
      if (run.header.runId === selectedId && run.detailsChanged) {
        if (run.inspector) message.inspector = run.inspector;
        if (run.parameters) message.parameters = run.parameters;
        run.detailsChanged = false;
      }
      run.changed = false;
      messages.push(message);
    }
    return messages.length > 0 ? { kind: "progress", messages } : { kind: "none" };
  }

  private find(runId: string): SessionRun | undefined {
    return this.runs.find((run) => run.header.runId === runId);
  }
}

function metricsPointOf(point: Pick<TracePoint, "iteration" | "evaluations" | "metrics">): MetricsPoint {
  const values = Object.fromEntries(Object.entries(point.metrics ?? {}).map(([name, value]) => [name, toWireNumber(value)]));
  return { iteration: point.iteration, evaluations: point.evaluations, values };
}
