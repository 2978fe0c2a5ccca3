// Convergence: each shown run's logged value (thin) and best-so-far (bold)
// against iteration or evaluations, on a linear or log y-axis, several runs
// overlaid with a legend. Runs that differ only by seed (a compare or sweep
// with several seeds) are drawn as their mean best-so-far with a min-max band.
import uPlot from "uplot";
import type { ChartView, RunSnapshot, WireNumber } from "../src/protocol";
import { h, setText } from "./dom";
import { type SeedGroup, seedBand, seedGroups } from "./seedBands";
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
    const groups = seedGroups(runs.map(({ run }) => run));
    if (groups.some((group) => group.runs.length > 1)) {
      this.renderBands(groups, runs, view, colors);
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

  /** Each group of seeds as its mean best so far between its min and max; a group of one run as that run's lines. */
  private renderBands(groups: SeedGroup[], runs: ChartRun[], view: ChartView, colors: ChartColors): void {
    const log = view.y === "log";
    const colorOf = (group: SeedGroup) => runs.find(({ run }) => run === group.runs[0])?.color ?? colors.foreground;
    const shown = (values: WireNumber[]) => (log ? forLogAxis(values).values : values);
    const tables: uPlot.AlignedData[] = groups.map((group) => {
      if (group.runs.length === 1) {
        const [run] = group.runs;
        const x = view.x === "iteration" ? run.series.iteration : run.series.evaluations;
        return [x, shown(run.series.value), shown(run.series.best)] as uPlot.AlignedData;
      }
      const band = seedBand(group.runs, view.x);
      return [band.x, shown(band.mean), shown(band.max), shown(band.min)] as uPlot.AlignedData;
    });
    const data = tables.length === 1 ? tables[0] : uPlot.join(tables);
    const shape = JSON.stringify(["bands", view, groups.map((g) => [g.name, g.runs.map((r) => r.header.runId), colorOf(g)]), colors]);
    this.plot.draw(shape, () => this.bandOptions(groups, colorOf, view, colors), data);
    const summary = groups.map((group) => {
      const last = (values: WireNumber[]) => values[values.length - 1];
      if (group.runs.length === 1) return `${group.runs[0].header.label} best ${formatValue(last(group.runs[0].series.best))}`;
      const band = seedBand(group.runs, view.x);
      return `${group.name} mean best ${formatValue(last(band.mean))} over ${group.runs.length} seeds (${formatValue(last(band.min))} to ${formatValue(last(band.max))})`;
    });
    this.describe(data[0].length, runs.length, `Convergence chart: ${summary.join(", ")}`);
    this.container.dataset.bands = String(groups.filter((group) => group.runs.length > 1).length);
    setText(this.note, "Runs that differ only by seed: the mean best value so far, shaded between the lowest and highest.");
  }

  private bandOptions(groups: SeedGroup[], colorOf: (group: SeedGroup) => string, view: ChartView, colors: ChartColors): Omit<uPlot.Options, "width" | "height"> {
    const series: uPlot.Series[] = [{ label: view.x === "iteration" ? "Iteration" : "Evaluations" }];
    const bands: uPlot.Band[] = [];
    const value = (_u: uPlot, v: number) => formatValue(v);
    for (const group of groups) {
      const color = colorOf(group);
      if (group.runs.length === 1) {
        const label = group.runs[0].header.label;
        series.push({ label: `${label} value`, stroke: withAlpha(color, 0.45), width: 1, value }, { label: `${label} best`, stroke: color, width: 2, value });
        continue;
      }
      const at = series.length;
      series.push(
        { label: `${group.name} mean best (${group.runs.length} seeds)`, stroke: color, width: 2, value },
        { label: `${group.name} max`, stroke: withAlpha(color, 0.35), width: 1, value },
        { label: `${group.name} min`, stroke: withAlpha(color, 0.35), width: 1, value },
      );
      bands.push({ series: [at + 1, at + 2], fill: withAlpha(color, 0.18) });
    }
    return {
      series,
      bands,
      scales: { x: { time: false }, y: view.y === "log" ? { distr: 3 } : {} },
      axes: [axisStyle(colors, view.x === "iteration" ? "Iteration" : "Evaluations"), axisStyle(colors, view.y === "log" ? "Value (log)" : "Value", { size: 70 }, view.y === "log")],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
  }

  private describe(rows: number, runs: number, label: string): void {
    this.container.dataset.rows = String(rows);
    this.container.dataset.runs = String(runs);
    this.container.dataset.bands = "0";
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
