// Wires the store, the views and the host channel together.
import type { HostMessage, ProgressMessage, ResponseMessage, WebviewMessage } from "../src/protocol";
import { ConvergenceChart } from "./convergenceChart";
import { exposeForTests } from "./debugHook";
import { chartPngBase64, chartSvg, svgChartOf } from "./chartExport";
import { DiagnosticsChart } from "./diagnosticsChart";
import { MetricsChart } from "./metricsChart";
import { h, setText } from "./dom";
import { type ExportChoice, exportControls } from "./exportControls";
import type { Plot } from "./plot";
import { RunHeaderView } from "./header";
import { InspectorView } from "./inspector";
import { ParametersView } from "./parameters";
import { RunControls } from "./runControls";
import type { ControlName } from "./runControls";
import { RunsList } from "./runsList";
import { SettingsForm } from "./settingsForm";
import { ALL_SECTIONS, DashboardStore, type Section } from "./store";
import { type ChartColors, chartColors, onThemeChange } from "./theme";
import type { HostChannel } from "./vscodeApi";
import { ViewControls } from "./viewControls";

const HOST_MESSAGE_TYPES = new Set<HostMessage["type"]>(["snapshot", "progress", "runState", "error", "response", "showOnly"]);

/** setState at most this often: it serialises every series. */
const PERSIST_INTERVAL_MS = 1000;

export interface RenderStats {
  messages: number;
  renders: number;
  lastRenderMs: number;
  maxRenderMs: number;
  totalRenderMs: number;
  /** Time each section took when last drawn (the convergence chart: data assembly, setData, draw). */
  sectionMs: Partial<Record<Section, number>>;
}

export class Dashboard {
  readonly store: DashboardStore;
  readonly stats: RenderStats = { messages: 0, renders: 0, lastRenderMs: 0, maxRenderMs: 0, totalRenderMs: 0, sectionMs: {} };
  readonly convergence: ConvergenceChart;
  readonly diagnostics: DiagnosticsChart;
  readonly metrics: MetricsChart;
  private readonly header = new RunHeaderView();
  private readonly form: SettingsForm;
  private readonly controls: RunControls;
  private readonly viewControls: ViewControls;
  private readonly runsList: RunsList;
  private readonly inspector = new InspectorView();
  private readonly parameters: ParametersView;
  private readonly messages: HTMLElement;
  private colors: ChartColors = chartColors();
  private readonly dirty = new Set<Section>();
  private frame = 0;
  private persistTimer = 0;
  private nextRequestId = 1;
  private readonly pending = new Map<number, (response: ResponseMessage) => void>();
  /** A snapshot was asked for after a progress message did not fit; ignore progress until it comes. */
  private awaitingSnapshot = false;

  constructor(
    private readonly host: HostChannel,
    private readonly root: HTMLElement,
  ) {
    this.store = DashboardStore.restore(host.restore()) ?? new DashboardStore();
    this.controls = new RunControls((name) => this.press(name));
    const formEdited = () => {
      this.store.state.form.edited = true;
      this.schedulePersist();
    };
    this.form = new SettingsForm(this.store.state.form, formEdited, this.controls.element, this.controls.compareButton, this.controls.sweepButton);
    this.viewControls = new ViewControls((view) => {
      this.update(this.store.setView(view));
      this.post({ type: "setAxis", view });
    });
    const convergenceControls = h("div", { class: "chart-controls" }, this.viewControls.element, exportControls("convergence", "convergence", (choice) => this.exportChart("convergence", choice), true));
    this.convergence = new ConvergenceChart(convergenceControls);
    this.diagnostics = new DiagnosticsChart(exportControls("diagnostics", "diagnostics", (choice) => this.exportChart("diagnostics", choice)));
    this.metrics = new MetricsChart();
    this.runsList = new RunsList({
      select: (runId) => {
        this.update(this.store.select(runId));
        this.post({ type: "selectRun", runId });
      },
      setVisible: (runId, visible) => this.update(this.store.setRunVisible(runId, visible)),
    });
    this.parameters = new ParametersView(() => this.saveParameters());
    this.messages = h("div", { id: "messages", class: "messages", role: "alert" });
  }

  start(): void {
    this.root.replaceChildren(
      this.header.element,
      this.messages,
      h(
        "main",
        { class: "layout" },
        h("aside", { class: "sidebar", "aria-label": "Settings" }, this.form.element),
        h("div", { class: "content" }, this.convergence.element, this.metrics.element, this.runsList.element, this.diagnostics.element, this.inspector.element, this.parameters.element),
      ),
    );
    window.addEventListener("message", (event: MessageEvent) => this.receive(event.data));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.persistNow();
    });
    onThemeChange(() => {
      this.colors = chartColors();
      this.update(ALL_SECTIONS);
    });
    exposeForTests(this);
    this.update(ALL_SECTIONS);
    this.post({ type: "ready" });
  }

  /** Handle one message from the host; anything that is not one is ignored. */
  receive(data: unknown): void {
    if (typeof data !== "object" || data === null || !HOST_MESSAGE_TYPES.has((data as HostMessage).type)) return;
    const message = data as HostMessage;
    this.stats.messages++;
    switch (message.type) {
      case "snapshot":
        this.awaitingSnapshot = false;
        this.update(this.store.applySnapshot(message.snapshot));
        break;
      case "progress":
        this.receiveProgress(message);
        break;
      case "runState":
        this.update(this.store.applyRunState(message.runId, message.status, message.reason));
        break;
      case "error":
        setText(this.messages, message.message);
        break;
      case "showOnly":
        this.update(this.store.showOnly(message.runIds));
        break;
      case "response": {
        const handle = this.pending.get(message.requestId);
        this.pending.delete(message.requestId);
        handle?.(message);
        break;
      }
    }
  }

  private receiveProgress(message: ProgressMessage): void {
    if (this.awaitingSnapshot) return;
    const { outcome, sections } = this.store.applyProgress(message);
    if (outcome === "outOfStep") {
      this.awaitingSnapshot = true;
      this.post({ type: "ready" });
      return;
    }
    this.update(sections);
  }

  private post(message: WebviewMessage): void {
    this.host.post(message);
  }

  private request(onResponse: (response: ResponseMessage) => void): number {
    const id = this.nextRequestId++;
    this.pending.set(id, onResponse);
    return id;
  }

  private press(name: ControlName): void {
    const runId = this.store.selectedRun?.header.runId;
    // The host's last error stays up until the user acts on it.
    if (name === "start" || name === "compare" || name === "sweep") setText(this.messages, "");
    switch (name) {
      case "start": {
        const values = this.form.readStart();
        if (!values) return;
        this.form.showMessage(`Starting ${values.optimizer}...`, false);
        const requestId = this.request((r) => (r.ok ? this.form.showMessage(r.message ?? "Started.", false) : this.form.showFieldError(r.field, r.message ?? "The run could not start.")));
        this.post({ type: "start", requestId, ...values });
        return;
      }
      case "compare": {
        const values = this.form.readCompare();
        if (!values) return;
        this.form.showMessage(`Starting ${values.optimizers.join(", ")}${values.seeds ? `, ${values.seeds} seeds each` : ""}...`, false);
        const requestId = this.request((r) => (r.ok ? this.form.showMessage(r.message ?? "Started.", false) : this.form.showFieldError(r.field, r.message ?? "The runs could not start.")));
        this.post({ type: "compare", requestId, ...values });
        return;
      }
      case "sweep": {
        const values = this.form.readSweep();
        if (!values) return;
        this.form.showMessage(`Starting ${values.values.length * values.seeds} runs of ${values.optimizer}, ${values.key} = ${values.values.join(", ")}...`, false);
        const requestId = this.request((r) => (r.ok ? this.form.showMessage(r.message ?? "Started.", false) : this.form.showFieldError(r.field, r.message ?? "The sweep could not start.")));
        this.post({ type: "sweep", requestId, ...values });
        return;
      }
      default:
        if (runId) this.post({ type: name, runId });
    }
  }

  private saveParameters(): void {
    const runId = this.store.data.parameters?.runId;
    if (!runId) return;
    this.parameters.showMessage("Saving...", false);
    const requestId = this.request((r) => this.parameters.showMessage(r.message ?? (r.ok ? "Saved." : "The parameters could not be saved."), !r.ok));
    this.post({ type: "saveParameters", requestId, runId });
  }

  /** Asks the host to save a chart (PNG, SVG) or the selected run's trace (CSV) where the user picks. */
  private exportChart(chart: "convergence" | "diagnostics", choice: ExportChoice): void {
    setText(this.messages, "");
    const selected = this.store.selectedRun;
    const stem = `${this.store.data.objective?.name ?? "zoar"}-${chart}`.replace(/[^A-Za-z0-9._-]+/g, "-");
    const answer = (r: ResponseMessage) => {
      if (r.message) setText(this.messages, r.message);
    };
    if (choice === "csv") {
      if (!selected) return void setText(this.messages, "No run to export yet.");
      const name = `${`${this.store.data.objective?.name ?? "zoar"}-${selected.header.label}`.replace(/[^A-Za-z0-9._-]+/g, "-")}-trace.csv`;
      this.post({ type: "export", requestId: this.request(answer), format: "csv", name, runId: selected.header.runId });
      return;
    }
    const plot: Plot = chart === "convergence" ? this.convergence.plot : this.diagnostics.plot;
    const drawn = plot.chart;
    if (!drawn) return void setText(this.messages, "Nothing drawn yet to export.");
    const background = getComputedStyle(document.body).getPropertyValue("--vscode-editor-background").trim() || "#1e1e1e";
    const title = `${this.store.data.objective?.name ?? "zoar"}: ${chart}`;
    const data = choice === "png" ? chartPngBase64(drawn, background) : chartSvg(svgChartOf(drawn, title, { foreground: this.colors.foreground, grid: this.colors.grid, background }));
    this.post({ type: "export", requestId: this.request(answer), format: choice, name: `${stem}.${choice}`, data });
  }

  private update(sections: readonly Section[]): void {
    if (sections.length === 0) return;
    for (const section of sections) this.dirty.add(section);
    this.schedulePersist();
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
  }

  /** Draw the sections that changed since the last frame. */
  render(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const started = performance.now();
    const dirty = new Set(this.dirty);
    this.dirty.clear();
    const { data, state } = this.store;
    const selected = this.store.selectedRun;
    const status = selected?.header.status ?? null;
    const colorOf = (runId: string) => this.colors.series[Math.max(0, data.runs.findIndex((r) => r.header.runId === runId)) % this.colors.series.length];

    const draw = (section: Section, drawSection: () => void) => {
      if (!dirty.has(section)) return;
      const sectionStarted = performance.now();
      drawSection();
      this.stats.sectionMs[section] = performance.now() - sectionStarted;
    };
    draw("header", () => this.header.render(data.objective, selected?.header ?? null));
    draw("form", () => this.form.render(data.optimizers));
    draw("controls", () => {
      this.controls.render({ status, anyActive: this.store.anyRunActive, canRun: data.canRun && data.optimizers.length > 0 });
      if (!data.canRun && data.canRunReason) this.form.showMessage(data.canRunReason, true);
    });
    draw("runs", () => this.runsList.render(data.runs, selected?.header.runId ?? null, state.hiddenRuns, colorOf));
    draw("convergence", () => {
      this.viewControls.render(data.view);
      const runs = this.store.visibleRuns().map((run) => ({ run, color: colorOf(run.header.runId) }));
      this.convergence.render(runs, data.view, this.colors);
    });
    draw("metrics", () => {
      const runs = this.store.visibleRuns().map((run) => ({ run, color: colorOf(run.header.runId) }));
      this.metrics.render(runs, data.view, this.colors);
    });
    draw("diagnostics", () => this.diagnostics.render(selected, data.view, this.colors));
    draw("inspector", () => this.inspector.render(data.inspector, status, this.colors));
    draw("parameters", () => this.parameters.render(data.parameters, this.colors));
    this.root.removeAttribute("aria-busy");

    const elapsed = performance.now() - started;
    this.stats.renders++;
    this.stats.lastRenderMs = elapsed;
    this.stats.totalRenderMs += elapsed;
    this.stats.maxRenderMs = Math.max(this.stats.maxRenderMs, elapsed);
  }

  private schedulePersist(): void {
    if (this.persistTimer) return;
    this.persistTimer = window.setTimeout(() => this.persistNow(), PERSIST_INTERVAL_MS);
  }

  private persistNow(): void {
    window.clearTimeout(this.persistTimer);
    this.persistTimer = 0;
    this.host.persist(this.store.persisted());
  }
}
