// The selected run's best parameters so far: value and iteration, the first
// coordinates, a histogram of all coordinates, and the button that asks the
// host to save them.
import type { VscodeButton } from "@vscode-elements/elements/dist/vscode-button/vscode-button.js";
import type { ParameterSummary } from "../src/protocol";
import { BarChart } from "./barChart";
import { fillTableBody, h, setText } from "./dom";
import { formatCount, formatValue } from "./format";
import type { ChartColors } from "./theme";

export class ParametersView {
  readonly element: HTMLElement;
  readonly saveButton: VscodeButton;
  private readonly summary: HTMLElement;
  private readonly tableBody: HTMLTableSectionElement;
  private readonly histogram = new BarChart("parameter-histogram", "Histogram of the best parameters");
  private readonly histogramRange: HTMLElement;
  private readonly message: HTMLElement;

  constructor(onSave: () => void) {
    this.summary = h("p", { id: "best-parameters-summary" });
    this.tableBody = h("tbody");
    this.histogramRange = h("p", { id: "parameter-histogram-range", class: "note" });
    this.message = h("p", { id: "parameters-message", role: "status" });
    this.saveButton = document.createElement("vscode-button");
    this.saveButton.id = "save-parameters";
    this.saveButton.textContent = "Save Tuned Parameters";
    this.saveButton.title = "Save the best parameters found as JSON";
    this.saveButton.disabled = true;
    this.saveButton.addEventListener("click", () => {
      if (!this.saveButton.disabled) onSave();
    });
    this.element = h(
      "section",
      { class: "parameters", "aria-labelledby": "parameters-heading" },
      h("div", { class: "section-title" }, h("h2", { id: "parameters-heading" }, "Best parameters"), this.saveButton),
      this.summary,
      this.message,
      h(
        "div",
        { class: "parameters-body" },
        h(
          "div",
          { class: "table-scroll", tabindex: 0, "aria-label": "First coordinates of the best parameters" },
          h("table", { id: "parameters-table", class: "data-table" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Coordinate"), h("th", { scope: "col" }, "Value"))), this.tableBody),
        ),
        h("div", {}, h("h3", {}, "All coordinates"), this.histogram.canvas, this.histogramRange),
      ),
    );
  }

  render(parameters: ParameterSummary | null, colors: ChartColors): void {
    this.saveButton.disabled = parameters === null;
    if (!parameters) {
      setText(this.summary, "No parameters yet.");
      this.tableBody.replaceChildren();
      setText(this.histogramRange, "");
      this.histogram.draw({ values: [], colors: colors.series[0], axisColor: colors.grid });
      return;
    }
    const shown = parameters.head.length < parameters.dimension ? `first ${parameters.head.length} of ${formatCount(parameters.dimension)} coordinates` : `all ${parameters.dimension} coordinates`;
    setText(this.summary, `Best value ${formatValue(parameters.value)} at iteration ${formatCount(parameters.iteration)}; ${shown}.`);
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
}
