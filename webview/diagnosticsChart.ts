// Diagnostics of the selected run: gradient-estimate norm and step norm on a
// log axis (they differ by orders of magnitude), the baseline on its own
// linear axis on the right.
import type uPlot from "uplot";
import type { ChartView, RunSnapshot } from "../src/protocol";
import { forLogAxis } from "./convergenceChart";
import { h } from "./dom";
import { formatValue } from "./format";
import { Plot, axisStyle } from "./plot";
import type { ChartColors } from "./theme";

export class DiagnosticsChart {
  readonly element: HTMLElement;
  readonly plot: Plot;
  private readonly container: HTMLElement;

  /** @param controls shown beside the heading (the export buttons) */
  constructor(controls?: HTMLElement) {
    this.container = h("div", { id: "diagnostics-chart", class: "chart", role: "img", "aria-label": "Diagnostics chart: no run yet" });
    this.plot = new Plot(this.container);
    const heading = h("h2", { id: "diagnostics-heading" }, "Diagnostics");
    this.element = h(
      "section",
      { class: "diagnostics", "aria-labelledby": "diagnostics-heading" },
      controls ? h("div", { class: "section-title" }, heading, controls) : heading,
      this.container,
    );
  }

  render(run: RunSnapshot | null, view: ChartView, colors: ChartColors): void {
    if (!run) {
      this.plot.clear();
      this.container.dataset.rows = "0";
      return;
    }
    const { series } = run;
    const x = view.x === "iteration" ? series.iteration : series.evaluations;
    const data: uPlot.AlignedData = [x, forLogAxis(series.gradientNorm).values, forLogAxis(series.stepNorm).values, series.baseline];
    const shape = JSON.stringify([view.x, colors]);
    this.plot.draw(shape, () => this.options(view, colors), data);
    this.container.dataset.rows = String(x.length);
    const last = x.length - 1;
    this.container.setAttribute(
      "aria-label",
      `Diagnostics of ${run.header.label}: gradient norm ${formatValue(series.gradientNorm[last])}, step norm ${formatValue(series.stepNorm[last])}, baseline ${formatValue(series.baseline[last])}`,
    );
  }

  private options(view: ChartView, colors: ChartColors): Omit<uPlot.Options, "width" | "height"> {
    const format = (_u: uPlot, v: number | null) => formatValue(v);
    return {
      series: [
        { label: view.x === "iteration" ? "Iteration" : "Evaluations" },
        { label: "Gradient norm", scale: "norm", stroke: colors.series[0], width: 1.5, value: format },
        { label: "Step norm", scale: "norm", stroke: colors.series[1], width: 1.5, value: format },
        { label: "Baseline", scale: "baseline", stroke: colors.series[2], width: 1.5, dash: [4, 3], value: format },
      ],
      scales: { x: { time: false }, norm: { distr: 3 }, baseline: {} },
      axes: [
        axisStyle(colors, view.x === "iteration" ? "Iteration" : "Evaluations"),
        axisStyle(colors, "Norm (log)", { scale: "norm", size: 70 }, true),
        axisStyle(colors, "Baseline", { scale: "baseline", side: 1, size: 70, grid: { show: false } }),
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
  }
}
