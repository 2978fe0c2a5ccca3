// Export buttons beside a chart's heading: the chart as PNG or SVG, and (on
// the convergence chart) the selected run's whole trace as CSV.
import { h } from "./dom";

export type ExportChoice = "png" | "svg" | "csv";

/** Buttons with ids export-<chart>-png, export-<chart>-svg (and export-trace-csv when `withTrace`). */
export function exportControls(chart: string, title: string, onExport: (choice: ExportChoice) => void, withTrace = false): HTMLElement {
  const button = (choice: ExportChoice, text: string, tooltip: string, id: string) => {
    const element = document.createElement("vscode-button");
    element.id = id;
    element.secondary = true;
    element.textContent = text;
    element.title = tooltip;
    element.addEventListener("click", () => onExport(choice));
    return element;
  };
  const buttons = [
    button("png", "PNG", `Save the ${title} chart as a PNG image`, `export-${chart}-png`),
    button("svg", "SVG", `Save the ${title} chart as an SVG drawing`, `export-${chart}-svg`),
  ];
  if (withTrace) buttons.push(button("csv", "CSV", "Save the selected run's whole trace as CSV", "export-trace-csv"));
  return h("div", { class: "export-controls", role: "group", "aria-label": `Export the ${title} chart` }, ...buttons);
}
