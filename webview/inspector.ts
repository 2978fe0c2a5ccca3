// The history-buffer inspector: the queries behind the selected run's last
// estimate (age, iteration, query, value, advantage, weight), the baseline,
// a bar chart of the advantages, and what the optimizer keeps besides
// (moments, held estimates). Live while the run runs; while it is paused no
// progress arrives, so the view holds still until the next step.
import type { InspectorData, RunStatus, SearchData } from "../src/protocol";
import { BarChart } from "./barChart";
import { fillTableBody, h, setText } from "./dom";
import { formatCount, formatValue } from "./format";
import type { ChartColors } from "./theme";

/** Rows drawn at most: a larger buffer shows its newest queries. */
export const MAX_TABLE_ROWS = 1000;

const COLUMNS = ["Age", "Iteration", "Query", "Value", "Advantage", "Weight"];

function stateText(status: RunStatus | null, data: InspectorData | null): string {
  if (!data) return "No data yet";
  if (status === "running" || status === "starting") return `Live, iteration ${formatCount(data.iteration)}`;
  if (status === "paused") return `Paused at iteration ${formatCount(data.iteration)}`;
  return `As of iteration ${formatCount(data.iteration)}`;
}

function keeps(data: InspectorData): string {
  if (data.search) return "Samples a population from N(m, sigma^2 C) and adapts sigma and C from the ranks: no query buffer, no gradient estimate.";
  if (data.estimator === "zoar") return "Reuses the queries of its last iterations: every query in the table enters the estimate.";
  const averaged = data.history === "mean" ? " It averages its last estimates (held estimates below)." : data.history === "ema" ? " It keeps a moving average of its estimates." : "";
  return `Keeps no query buffer: each estimate uses its own iteration's queries.${averaged}`;
}

export class InspectorView {
  readonly element: HTMLElement;
  private readonly state: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly baseline: HTMLElement;
  private readonly tableBody: HTMLTableSectionElement;
  private readonly caption: HTMLElement;
  private readonly advantages = new BarChart("advantage-chart", "Advantages of the buffered queries");
  private readonly optimizerState: HTMLElement;
  private readonly held: HTMLElement;

  constructor() {
    this.state = h("p", { id: "inspector-state", class: "note", role: "status" });
    this.summary = h("p", { id: "inspector-summary" });
    this.baseline = h("p", { id: "history-baseline" });
    this.caption = h("caption", {}, "Queries behind the last estimate, oldest first");
    this.tableBody = h("tbody");
    const table = h(
      "table",
      { id: "history-table", class: "data-table" },
      this.caption,
      h("thead", {}, h("tr", {}, ...COLUMNS.map((c) => h("th", { scope: "col" }, c)))),
      this.tableBody,
    );
    this.optimizerState = h("dl", { id: "optimizer-state", class: "pairs" });
    this.held = h("p", { id: "held-estimates" });
    this.element = h(
      "section",
      { id: "inspector", class: "inspector", "aria-labelledby": "inspector-heading" },
      h("div", { class: "section-title" }, h("h2", { id: "inspector-heading" }, "History buffer"), this.state),
      this.summary,
      this.baseline,
      h("div", { class: "inspector-body" }, h("div", { class: "table-scroll", tabindex: 0, "aria-label": "History buffer table" }, table), h("div", { class: "inspector-side" }, h("h3", {}, "Advantages"), this.advantages.canvas, h("h3", {}, "Optimizer state"), this.optimizerState, this.held)),
    );
  }

  render(data: InspectorData | null, status: RunStatus | null, colors: ChartColors): void {
    setText(this.state, stateText(status, data));
    this.element.dataset.status = status ?? "none";
    if (!data) {
      setText(this.summary, "Start or select a run to inspect its optimizer.");
      setText(this.baseline, "");
      this.tableBody.replaceChildren();
      this.optimizerState.replaceChildren();
      setText(this.held, "");
      this.advantages.draw({ values: [], colors: colors.foreground, axisColor: colors.grid });
      return;
    }
    const method = data.search ? `population ${formatCount(data.search.population)}` : `estimator ${data.estimator}, update ${data.update}`;
    const coordinates = data.coordinates ? ` ${data.coordinates}` : "";
    setText(this.summary, `${data.optimizer}: ${method}, d = ${formatCount(data.dimension)}. ${keeps(data)}${coordinates}`);
    setText(this.baseline, `Baseline: ${formatValue(data.baseline)}`);

    const entries = data.buffer.slice(-MAX_TABLE_ROWS);
    setText(
      this.caption,
      data.search ? "No query buffer: each generation's samples update the distribution and are dropped" : `${formatCount(data.buffer.length)} of ${formatCount(data.bufferCapacity)} queries behind the last estimate, oldest first`,
    );
    fillTableBody(
      this.tableBody,
      entries.map((entry) => [String(entry.age), formatCount(entry.iteration), String(entry.query), formatValue(entry.value), formatValue(entry.advantage), formatValue(entry.weight)]),
      (row, column) => (column === 4 ? (entries[row].advantage < 0 ? "negative" : "positive") : ""),
    );
    this.advantages.draw({
      values: entries.map((e) => e.advantage),
      colors: entries.map((e) => (e.advantage < 0 ? colors.negative : colors.positive)),
      axisColor: colors.foreground,
    });

    const pairs: [string, string][] = data.search
      ? searchPairs(data.search, data.norms.theta)
      : [
          ["Last estimate norm", formatValue(data.norms.gradient)],
          ["Parameter norm", formatValue(data.norms.theta)],
          ["First moment norm (m)", formatValue(data.norms.m)],
          ["Second moment norm (v)", formatValue(data.norms.v)],
        ];
    this.optimizerState.replaceChildren(...pairs.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
    setText(
      this.held,
      data.heldEstimates.length === 0
        ? "No held estimates."
        : `Held estimates: ${data.heldEstimates.map((e) => `iteration ${formatCount(e.iteration)} (norm ${formatValue(e.norm)})`).join(", ")}`,
    );
  }
}

/** What a CMA-ES optimizer keeps: its step size, the spread of its samples, its weights. */
function searchPairs(search: SearchData, meanNorm: InspectorData["norms"]["theta"]): [string, string][] {
  const { spread } = search;
  return [
    ["Step size (sigma)", formatValue(search.sigma)],
    ["Sample spread per coordinate (min / rms / max)", `${formatValue(spread.min)} / ${formatValue(spread.rms)} / ${formatValue(spread.max)}`],
    ["Axis ratio of C", formatValue(search.axisRatio)],
    ["Step path / expected length", formatValue(search.stepPathRatio)],
    ["Parents (mu_eff)", `${formatCount(search.parents)} (${formatValue(search.effectiveParents)})`],
    ["Top weights", search.topWeights.map(formatValue).join(", ")],
    ["Mean norm", formatValue(meanNorm)],
    ["Covariance", search.variant === "full" ? "full d x d" : "diagonal"],
  ];
}
