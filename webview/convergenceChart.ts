// Convergence: each shown run's logged value (thin) and best-so-far (bold)
// against iteration or evaluations, on a linear or log y-axis, several runs
// overlaid with a legend.
import uPlot from "uplot";
import type { ChartView, RunSnapshot, WireNumber } from "../src/protocol";
import { h, setText } from "./dom";
import { formatValue } from "./format";
import { Plot, axisStyle } from "./plot";
import type { ChartColors } from "./theme";
import { withAlpha } from "./theme";

/** Values a log axis cannot show become gaps. */
export function forLogAxis(values: WireNumber[]): { values: WireNumber[]; hidden: number } {
  let hidden = 0;
  const kept = values.map((v) => {
    if (v !== null && v <= 0) {
      hidden++;
      return null;
    }
    return v;
  });
  return { values: kept, hidden };
}

export interface ChartRun {
  run: RunSnapshot;
  color: string;
}

export class ConvergenceChart {
  readonly element: HTMLElement;
  readonly plot: Plot;
  private readonly note: HTMLElement;
  private readonly container: HTMLElement;

  constructor(controls: HTMLElement) {
    this.container = h("div", { id: "convergence-chart", class: "chart", role: "img", "aria-label": "Convergence chart: no run yet" });
    this.note = h("p", { id: "convergence-note", class: "note", "aria-live": "polite" });
    this.plot = new Plot(this.container);
    this.element = h(
      "section",
      { class: "convergence", "aria-labelledby": "convergence-heading" },
      h("div", { class: "section-title" }, h("h2", { id: "convergence-heading" }, "Convergence"), controls),
      this.container,
      this.note,
    );
  }

  render(runs: ChartRun[], view: ChartView, colors: ChartColors): void {
    if (runs.length === 0) {
      this.plot.clear();
      this.describe(0, 0, "Convergence chart: no run yet");
      setText(this.note, "");
      return;
    }
    const log = view.y === "log";
    let hidden = 0;
    const tables: uPlot.AlignedData[] = runs.map(({ run }) => {
      const x = view.x === "iteration" ? run.series.iteration : run.series.evaluations;
      const value = log ? forLogAxis(run.series.value) : { values: run.series.value, hidden: 0 };
      const best = log ? forLogAxis(run.series.best) : { values: run.series.best, hidden: 0 };
      hidden += value.hidden + best.hidden;
      return [x, value.values, best.values] as uPlot.AlignedData;
    });
    const data = tables.length === 1 ? tables[0] : uPlot.join(tables);
    const shape = JSON.stringify([view, runs.map((r) => [r.run.header.runId, r.run.header.label, r.color]), colors]);
    this.plot.draw(shape, () => this.options(runs, view, colors), data);

    const bests = runs.map(({ run }) => `${run.header.label} best ${formatValue(run.series.best[run.series.best.length - 1])}`);
    this.describe(data[0].length, runs.length, `Convergence chart: ${bests.join(", ")}`);
    setText(this.note, hidden > 0 ? `${hidden} values at or below 0 are not shown on the log scale.` : "");
  }

  private describe(rows: number, runs: number, label: string): void {
    this.container.dataset.rows = String(rows);
    this.container.dataset.runs = String(runs);
    this.container.setAttribute("aria-label", label);
  }

  private options(runs: ChartRun[], view: ChartView, colors: ChartColors): Omit<uPlot.Options, "width" | "height"> {
    const series: uPlot.Series[] = [{ label: view.x === "iteration" ? "Iteration" : "Evaluations" }];
    for (const { run, color } of runs) {
      series.push({ label: `${run.header.label} value`, stroke: withAlpha(color, 0.45), width: 1, value: (_u, v) => formatValue(v) });
      series.push({ label: `${run.header.label} best`, stroke: color, width: 2, value: (_u, v) => formatValue(v) });
    }
    return {
      series,
      scales: { x: { time: false }, y: view.y === "log" ? { distr: 3 } : {} },
      axes: [axisStyle(colors, view.x === "iteration" ? "Iteration" : "Evaluations"), axisStyle(colors, view.y === "log" ? "Value (log)" : "Value", { size: 70 }, view.y === "log")],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
  }
}
