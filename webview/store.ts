// The dashboard's state: the host's data (a DashboardSnapshot kept up to date
// by progress and runState messages) plus what only the webview knows (runs
// hidden from the chart, text typed in the form). Each change reports which
// sections of the page need drawing again.
import {
  type ChartView,
  type DashboardSnapshot,
  type FormDefaults,
  type ProgressMessage,
  type RunSnapshot,
  type RunStatus,
  applySeriesUpdate,
  emptySeries,
  isActive,
} from "../src/protocol";

export type Section = "header" | "runs" | "convergence" | "metrics" | "diagnostics" | "inspector" | "parameters" | "form" | "controls";

export const ALL_SECTIONS: readonly Section[] = ["header", "runs", "convergence", "metrics", "diagnostics", "inspector", "parameters", "form", "controls"];

export interface FormState {
  optimizer: string | null;
  /** Text typed per optimizer and field, so switching optimizers keeps the edits. */
  edits: Record<string, Record<string, string>>;
  seed: string;
  iterations: string;
  evaluations: string;
  target: string;
  compare: string[];
  /** Sweep: the hyperparameter varied, its values as typed ("0.001, 0.01, 0.1") and the runs per value. */
  sweepKey: string;
  sweepValues: string;
  sweepSeeds: string;
  /** Runs per optimizer of Compare, as typed. */
  compareSeeds: string;
  /** True once the user changed a field: from then on the form no longer follows the zoar.* settings. */
  edited: boolean;
  /** Bumped when the form's values are replaced from outside (the settings), so its fields are redrawn. */
  revision: number;
}

export interface DashboardState {
  data: DashboardSnapshot;
  /** Runs the user took off the convergence chart. */
  hiddenRuns: string[];
  form: FormState;
}

const PERSISTED_FORMAT = "zoar-dashboard/1";

export function initialState(): DashboardState {
  return {
    data: { objective: null, optimizers: [], runs: [], selectedRunId: null, inspector: null, parameters: null, view: { x: "iteration", y: "log" }, canRun: true },
    hiddenRuns: [],
    form: { optimizer: null, edits: {}, seed: "0", iterations: "1000", evaluations: "", target: "", compare: [], sweepKey: "lr", sweepValues: "", sweepSeeds: "1", compareSeeds: "1", edited: false, revision: 0 },
  };
}

export type ProgressOutcome = "applied" | "outOfStep";

export class DashboardStore {
  state: DashboardState;

  constructor(state: DashboardState = initialState()) {
    this.state = state;
  }

  /** The state as stored with setState. */
  persisted(): unknown {
    return { format: PERSISTED_FORMAT, state: this.state };
  }

  /** The store from what setState kept, or null when there is nothing usable. */
  static restore(saved: unknown): DashboardStore | null {
    if (typeof saved !== "object" || saved === null) return null;
    const { format, state } = saved as { format?: unknown; state?: DashboardState };
    if (format !== PERSISTED_FORMAT || !state?.data || !Array.isArray(state.data.runs)) return null;
    return new DashboardStore({ ...initialState(), ...state, form: { ...initialState().form, ...state.form } });
  }

  get data(): DashboardSnapshot {
    return this.state.data;
  }

  /** The run the header, inspector and parameters describe: the selected one, else the latest. */
  get selectedRun(): RunSnapshot | null {
    const runs = this.data.runs;
    return runs.find((run) => run.header.runId === this.data.selectedRunId) ?? runs[runs.length - 1] ?? null;
  }

  get anyRunActive(): boolean {
    return this.data.runs.some((run) => isActive(run.header.status));
  }

  visibleRuns(): RunSnapshot[] {
    return this.data.runs.filter((run) => !this.state.hiddenRuns.includes(run.header.runId));
  }

  applySnapshot(snapshot: DashboardSnapshot): readonly Section[] {
    const runIds = new Set(snapshot.runs.map((run) => run.header.runId));
    this.state.data = snapshot;
    this.state.hiddenRuns = this.state.hiddenRuns.filter((id) => runIds.has(id));
    const form = this.state.form;
    if (snapshot.formDefaults && !form.edited) followSettings(form, snapshot.formDefaults);
    if (!snapshot.optimizers.some((o) => o.name === form.optimizer)) form.optimizer = snapshot.optimizers[0]?.name ?? null;
    form.compare = form.compare.filter((name) => snapshot.optimizers.some((o) => o.name === name));
    return ALL_SECTIONS;
  }

  applyProgress(message: ProgressMessage): { outcome: ProgressOutcome; sections: Section[] } {
    const { header } = message;
    let run = this.data.runs.find((r) => r.header.runId === header.runId);
    if (!run) {
      if (message.series.from !== 0) return { outcome: "outOfStep", sections: [] };
      run = { header, series: emptySeries() };
      this.data.runs.push(run);
    }
    if (!applySeriesUpdate(run.series, message.series)) return { outcome: "outOfStep", sections: [] };
    run.header = header;
    const sections: Section[] = ["runs", "convergence", "controls"];
    if (message.metrics && message.metrics.length > 0) {
      run.metrics = [...(run.metrics ?? []), ...message.metrics];
      sections.push("metrics");
    }
    const selected = this.selectedRun?.header.runId === header.runId;
    if (selected) sections.push("header", "diagnostics");
    if (message.inspector && selected) {
      this.data.inspector = message.inspector;
      sections.push("inspector");
    }
    if (message.parameters && selected) {
      this.data.parameters = message.parameters;
      sections.push("parameters");
    }
    return { outcome: "applied", sections };
  }

  applyRunState(runId: string, status: RunStatus, reason: string | undefined): readonly Section[] {
    const run = this.data.runs.find((r) => r.header.runId === runId);
    if (!run) return [];
    run.header = { ...run.header, status, reason };
    return ["header", "runs", "controls", "inspector"];
  }

  select(runId: string): readonly Section[] {
    if (!this.data.runs.some((run) => run.header.runId === runId) || this.data.selectedRunId === runId) return [];
    this.data.selectedRunId = runId;
    // The host sends the new run's inspector and parameters; until then show none rather than another run's.
    if (this.data.inspector?.runId !== runId) this.data.inspector = null;
    if (this.data.parameters?.runId !== runId) this.data.parameters = null;
    return ALL_SECTIONS;
  }

  setView(view: ChartView): readonly Section[] {
    this.data.view = view;
    return ["convergence", "metrics", "diagnostics"];
  }

  /** Hides every run but `runIds` from the chart. */
  showOnly(runIds: readonly string[]): readonly Section[] {
    this.state.hiddenRuns = this.data.runs.map((run) => run.header.runId).filter((id) => !runIds.includes(id));
    return ["convergence", "runs"];
  }

  setRunVisible(runId: string, visible: boolean): readonly Section[] {
    const hidden = this.state.hiddenRuns.filter((id) => id !== runId);
    if (!visible) hidden.push(runId);
    this.state.hiddenRuns = hidden;
    return ["convergence", "metrics", "runs"];
  }
}

/** The form's values from the settings, in place (the settings form holds this object). */
function followSettings(form: FormState, defaults: FormDefaults): void {
  const text = (value: number | undefined) => (value === undefined ? "" : String(value));
  const next = {
    optimizer: defaults.optimizer,
    edits: { [defaults.optimizer]: Object.fromEntries(Object.entries(defaults.overrides).map(([key, value]) => [key, String(value)])) },
    seed: String(defaults.seed),
    iterations: text(defaults.stop.iterations),
    evaluations: text(defaults.stop.evaluations),
    target: text(defaults.stop.target),
    compare: [...defaults.compare],
  };
  const current = { optimizer: form.optimizer, edits: form.edits, seed: form.seed, iterations: form.iterations, evaluations: form.evaluations, target: form.target, compare: form.compare };
  if (JSON.stringify(next) === JSON.stringify(current)) return;
  Object.assign(form, next);
  form.revision += 1;
}
