// Metrics: the objective's own numbers (held-out accuracy, a validation
// loss, ...) against iteration or evaluations, one line per run and metric,
// several runs overlaid as in Convergence. Hidden while no shown run has any.
import uPlot from "uplot";
import type { ChartView } from "../src/protocol";
import type { ChartRun } from "./convergenceChart";
import { h } from "./dom";
import { formatValue } from "./format";
import { Plot, axisStyle } from "./plot";
import type { ChartColors } from "./theme";

/** Dash patterns that tell a run's metrics apart (the run keeps its colour). */
const DASHES: (number[] | undefined)[] = [undefined, [6, 3], [2, 3], [8, 3, 2, 3]];

export class MetricsChart {
  readonly element: HTMLElement;
  readonly plot: Plot;
  private readonly container: HTMLElement;

  constructor() {
    this.container = h("div", { id: "metrics-chart", class: "chart", role: "img", "aria-label": "Metrics chart: no metrics yet" });
    this.plot = new Plot(this.container);
    this.element = h("section", { class: "metrics", "aria-labelledby": "metrics-heading" }, h("h2", { id: "metrics-heading" }, "Metrics"), this.container);
    this.element.hidden = true;
  }

  render(runs: ChartRun[], view: ChartView, colors: ChartColors): void {
    const shown = runs.filter(({ run }) => (run.metrics?.length ?? 0) > 0);
    if (shown.length === 0) {
      this.plot.clear();
      this.element.hidden = true;
      this.container.dataset.rows = "0";
      return;
    }
    this.element.hidden = false;
    const names = [...new Set(shown.flatMap(({ run }) => run.metrics!.flatMap((p) => Object.keys(p.values))))].sort();
    const tables = shown.map(({ run }) => {
      const points = run.metrics!;
      const x = points.map((p) => (view.x === "iteration" ? p.iteration : p.evaluations));
      return [x, ...names.map((name) => points.map((p) => p.values[name] ?? null))] as uPlot.AlignedData;
    });
    const data = tables.length === 1 ? tables[0] : uPlot.join(tables);
    const shape = JSON.stringify([view.x, names, shown.map((r) => [r.run.header.runId, r.run.header.label, r.color]), colors]);
    this.plot.draw(shape, () => this.options(shown, names, view, colors), data);
    this.container.dataset.rows = String(data[0].length);
    this.container.dataset.runs = String(shown.length);
    const latest = shown.map(({ run }) => {
      const last = run.metrics![run.metrics!.length - 1];
      return `${run.header.label} ${names.map((name) => `${name} ${formatValue(last.values[name] ?? null)}`).join(", ")} at iteration ${last.iteration}`;
    });
    this.container.setAttribute("aria-label", `Metrics chart: ${latest.join("; ")}`);
  }

  private options(runs: ChartRun[], names: string[], view: ChartView, colors: ChartColors): Omit<uPlot.Options, "width" | "height"> {
    const series: uPlot.Series[] = [{ label: view.x === "iteration" ? "Iteration" : "Evaluations" }];
    for (const { run, color } of runs) {
      names.forEach((name, i) => {
        series.push({ label: `${run.header.label} ${name}`, stroke: color, width: 2, dash: DASHES[i % DASHES.length], spanGaps: true, points: { show: true, size: 4 }, value: (_u, v) => formatValue(v) });
      });
    }
    return {
      series,
      scales: { x: { time: false }, y: {} },
      axes: [axisStyle(colors, view.x === "iteration" ? "Iteration" : "Evaluations"), axisStyle(colors, "Metric", { size: 70 })],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
  }
}
