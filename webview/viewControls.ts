// The convergence chart's axis toggles: x = iteration or evaluations, log y.
import type { VscodeCheckbox } from "@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js";
import type { VscodeSingleSelect } from "@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js";
import type { ChartView, XAxis } from "../src/protocol";
import { h } from "./dom";

export class ViewControls {
  readonly element: HTMLElement;
  private readonly xAxis: VscodeSingleSelect;
  private readonly logScale: VscodeCheckbox;

  constructor(onChange: (view: ChartView) => void) {
    this.xAxis = document.createElement("vscode-single-select");
    this.xAxis.id = "x-axis";
    this.xAxis.label = "Horizontal axis";
    this.xAxis.append(h("vscode-option", { value: "iteration" }, "Iteration"), h("vscode-option", { value: "evaluations" }, "Evaluations"));
    this.logScale = document.createElement("vscode-checkbox") as VscodeCheckbox;
    this.logScale.id = "log-scale";
    this.logScale.label = "Log scale";
    const changed = () => onChange({ x: this.xAxis.value as XAxis, y: this.logScale.checked ? "log" : "linear" });
    this.xAxis.addEventListener("change", changed);
    this.logScale.addEventListener("change", changed);
    this.element = h("div", { class: "view-controls", role: "group", "aria-label": "Chart axes" }, h("vscode-label", { for: "x-axis" }, "x:"), this.xAxis, this.logScale);
  }

  render(view: ChartView): void {
    if (this.xAxis.value !== view.x) this.xAxis.value = view.x;
    if (this.logScale.checked !== (view.y === "log")) this.logScale.checked = view.y === "log";
  }
}
