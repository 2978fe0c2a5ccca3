// The selected run's best parameters so far: value and iteration, then either
// the first coordinates and a histogram of all (a plain vector), or one row
// per declared parameter with its value, range and where it sits in the range,
// and a histogram per vector parameter; and the button that asks the host to
// save them.
import type { VscodeButton } from "@vscode-elements/elements/dist/vscode-button/vscode-button.js";
import type { NamedParameterRow, ParameterSummary } from "../src/protocol";
import { BarChart } from "./barChart";
import { fillTableBody, h, setText } from "./dom";
import { formatCount, formatValue } from "./format";
import type { ChartColors } from "./theme";

export class ParametersView {
  readonly element: HTMLElement;
  readonly saveButton: VscodeButton;
  private readonly summary: HTMLElement;
  private readonly tableBody: HTMLTableSectionElement;
  private readonly coordinates: HTMLElement;
  private readonly namedBody: HTMLTableSectionElement;
  private readonly named: HTMLElement;
  private readonly histogram = new BarChart("parameter-histogram", "Histogram of the best parameters");
  private readonly histogramTitle: HTMLElement;
  private readonly histogramRange: HTMLElement;
  private readonly vectorCharts: HTMLElement;
  private readonly charts = new Map<string, { chart: BarChart; element: HTMLElement; range: HTMLElement }>();
  private readonly message: HTMLElement;

  constructor(onSave: () => void) {
    this.summary = h("p", { id: "best-parameters-summary" });
    this.tableBody = h("tbody");
    this.namedBody = h("tbody");
    this.histogramTitle = h("h3", {}, "All coordinates");
    this.histogramRange = h("p", { id: "parameter-histogram-range", class: "note" });
    this.vectorCharts = h("div", { id: "vector-histograms" });
    this.message = h("p", { id: "parameters-message", role: "status" });
    this.saveButton = document.createElement("vscode-button");
    this.saveButton.id = "save-parameters";
    this.saveButton.textContent = "Save Tuned Parameters";
    this.saveButton.title = "Save the best parameters found as JSON";
    this.saveButton.disabled = true;
    this.saveButton.addEventListener("click", () => {
      if (!this.saveButton.disabled) onSave();
    });
    const columns = (...names: string[]) => h("thead", {}, h("tr", {}, ...names.map((name) => h("th", { scope: "col" }, name))));
    this.coordinates = h(
      "div",
      { class: "parameters-body" },
      h(
        "div",
        { class: "table-scroll", tabindex: 0, "aria-label": "First coordinates of the best parameters" },
        h("table", { id: "parameters-table", class: "data-table" }, columns("Coordinate", "Value"), this.tableBody),
      ),
      h("div", {}, this.histogramTitle, this.histogram.canvas, this.histogramRange),
    );
    this.named = h(
      "div",
      { class: "parameters-body", hidden: true },
      h(
        "div",
        { class: "table-scroll", tabindex: 0, "aria-label": "Best parameters by name" },
        h("table", { id: "named-parameters-table", class: "data-table" }, columns("Parameter", "Value", "Range", "In range"), this.namedBody),
      ),
      this.vectorCharts,
    );
    this.element = h(
      "section",
      { class: "parameters", "aria-labelledby": "parameters-heading" },
      h("div", { class: "section-title" }, h("h2", { id: "parameters-heading" }, "Best parameters"), this.saveButton),
      this.summary,
      this.message,
      this.coordinates,
      this.named,
    );
  }

  render(parameters: ParameterSummary | null, colors: ChartColors): void {
    this.saveButton.disabled = parameters === null;
    if (!parameters) {
      setText(this.summary, "No parameters yet.");
      this.tableBody.replaceChildren();
      this.namedBody.replaceChildren();
      this.showNamed(false);
      setText(this.histogramRange, "");
      this.histogram.draw({ values: [], colors: colors.series[0], axisColor: colors.grid });
      return;
    }
    const best = `Best value ${formatValue(parameters.value)} at iteration ${formatCount(parameters.iteration)}`;
    if (parameters.named) {
      setText(this.summary, `${best}; ${parameters.named.length} parameters.`);
      this.showNamed(true);
      this.renderNamed(parameters.named, colors);
      return;
    }
    this.showNamed(false);
    const shown = parameters.head.length < parameters.dimension ? `first ${parameters.head.length} of ${formatCount(parameters.dimension)} coordinates` : `all ${parameters.dimension} coordinates`;
    setText(this.summary, `${best}; ${shown}.`);
    fillTableBody(this.tableBody, parameters.head.map((x, i) => [String(i), formatValue(x)]), undefined, true);
    const { min, max, counts } = parameters.histogram;
    this.histogram.draw({ values: counts, colors: colors.series[0], axisColor: colors.foreground });
    this.histogram.canvas.setAttribute("aria-label", `Histogram of ${formatCount(parameters.dimension)} coordinates from ${formatValue(min)} to ${formatValue(max)}`);
    setText(this.histogramRange, `${counts.length} bins from ${formatValue(min)} to ${formatValue(max)}`);
  }

  showMessage(text: string, isError: boolean): void {
    setText(this.message, text);
    this.message.classList.toggle("error", isError);
  }

  private showNamed(named: boolean): void {
    this.named.hidden = !named;
    this.coordinates.hidden = named;
  }

  private renderNamed(rows: NamedParameterRow[], colors: ChartColors): void {
    fillTableBody(this.namedBody, rows.map((row) => [row.name, valueText(row), rangeText(row), ""]), undefined, true);
    rows.forEach((row, r) => positionCell(this.namedBody.rows[r].cells[3], row));
    const vectors = rows.filter((row) => row.histogram);
    for (const [name, { element }] of this.charts) {
      if (!vectors.some((row) => row.name === name)) {
        element.remove();
        this.charts.delete(name);
      }
    }
    for (const row of vectors) {
      const { min, max, counts } = row.histogram!;
      const entry = this.vectorChart(row.name);
      entry.chart.draw({ values: counts, colors: colors.series[0], axisColor: colors.foreground });
      entry.chart.canvas.setAttribute("aria-label", `Histogram of the ${formatCount(row.length ?? 0)} values of ${row.name} from ${formatValue(min)} to ${formatValue(max)}`);
      setText(entry.range, `${counts.length} bins from ${formatValue(min)} to ${formatValue(max)}`);
    }
  }

  private vectorChart(name: string): { chart: BarChart; element: HTMLElement; range: HTMLElement } {
    let entry = this.charts.get(name);
    if (!entry) {
      const chart = new BarChart(`parameter-histogram-${name}`, `Histogram of ${name}`);
      const range = h("p", { class: "note" });
      const element = h("div", { class: "vector-histogram" }, h("h3", {}, name), chart.canvas, range);
      this.vectorCharts.append(element);
      entry = { chart, element, range };
      this.charts.set(name, entry);
    }
    return entry;
  }
}

function valueText(row: NamedParameterRow): string {
  if (row.value === null) return `${formatCount(row.length ?? 0)} values`;
  return typeof row.value === "number" ? formatValue(row.value) : String(row.value);
}

function rangeText(row: NamedParameterRow): string {
  if (row.lower === undefined || row.upper === undefined) return row.declaration;
  const scale = row.kind === "logUniform" ? ", log scale" : row.kind === "integer" ? ", integers" : "";
  return `[${formatBound(row.lower)}, ${formatBound(row.upper)}]${scale}`;
}

/** A declared bound as written: 0.00001 rather than 1.000e-5. */
function formatBound(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** A meter showing where a scalar sits in its range; nothing for choices and vectors. */
function positionCell(cell: HTMLTableCellElement, row: NamedParameterRow): void {
  if (row.position === undefined) {
    cell.replaceChildren();
    return;
  }
  let meter = cell.querySelector("meter");
  if (!meter) {
    meter = h("meter", { min: 0, max: 1 });
    cell.replaceChildren(meter);
  }
  meter.value = row.position;
  const percent = Math.round(row.position * 100);
  meter.setAttribute("aria-label", `${row.name} at ${percent}% of its range`);
  meter.title = `${percent}% of the range`;
}
