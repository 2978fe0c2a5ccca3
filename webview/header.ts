// The run header: what is being optimized, by which optimizer, and how far it is.
import { type ObjectiveInfo, type RunHeader, isActive } from "../src/protocol";
import { h, setText } from "./dom";
import { DASH, formatCount, formatDuration, formatRate, formatStatus, formatValue } from "./format";

interface Figure {
  id: string;
  label: string;
}

const FIGURES: Figure[] = [
  { id: "objective-name", label: "Objective" },
  { id: "run-optimizer", label: "Optimizer" },
  { id: "run-provider", label: "Provider" },
  { id: "run-status", label: "Status" },
  { id: "run-iteration", label: "Iteration" },
  { id: "run-evaluations", label: "Evaluations" },
  { id: "run-value", label: "Value" },
  { id: "best-value", label: "Best value" },
  { id: "run-elapsed", label: "Elapsed" },
  { id: "evaluations-per-second", label: "Evaluations/s" },
  { id: "run-evaluator", label: "Evaluator" },
];

export class RunHeaderView {
  readonly element: HTMLElement;
  private readonly values = new Map<string, HTMLElement>();
  private readonly progress: HTMLProgressElement;
  private readonly reason: HTMLElement;

  constructor() {
    const list = h("dl", { class: "figures" });
    for (const figure of FIGURES) {
      const value = h("dd", { id: figure.id }, DASH);
      this.values.set(figure.id, value);
      list.append(h("div", { class: "figure" }, h("dt", {}, figure.label), value));
    }
    this.progress = h("progress", { id: "run-progress", max: 1, "aria-label": "Run progress", hidden: true });
    this.reason = h("p", { id: "run-reason", class: "reason", role: "status" });
    this.element = h("header", { class: "run-header", "aria-label": "Run" }, list, this.progress, this.reason);
  }

  render(objective: ObjectiveInfo | null, header: RunHeader | null): void {
    const show = (id: string, text: string) => setText(this.values.get(id)!, text);
    show("objective-name", objective ? `${objective.name} (d = ${formatCount(objective.dimension)})` : DASH);
    this.values.get("objective-name")!.title = objective?.file ?? "";
    show("run-optimizer", header ? `${header.optimizer} (seed ${header.seed})` : DASH);
    show("run-provider", header ? (header.provider ? `ONNX ${header.provider}` : "TypeScript") : DASH);
    show("run-status", header ? formatStatus(header.status) : "No run yet");
    this.values.get("run-status")!.dataset.status = header?.status ?? "none";
    show("run-iteration", header ? formatCount(header.iteration) : DASH);
    show("run-evaluations", header ? formatCount(header.evaluations) : DASH);
    show("run-value", formatValue(header?.value));
    show("best-value", formatValue(header?.bestValue));
    show("run-elapsed", formatDuration(header?.elapsedMs));
    show("evaluations-per-second", formatRate(header?.evaluationsPerSecond));
    show("run-evaluator", header ? (header.evaluator ?? "local") : DASH);

    const fraction = header ? progressFraction(header) : null;
    this.progress.hidden = fraction === null;
    if (fraction !== null) this.progress.value = fraction;
    setText(this.reason, header?.reason && !isActive(header.status) ? `Ended: ${header.reason}` : "");
  }
}

/** Fraction of the nearest iteration or evaluation limit used, or null without one. */
function progressFraction(header: RunHeader): number | null {
  const fractions: number[] = [];
  if (header.stop.iterations) fractions.push(header.iteration / header.stop.iterations);
  if (header.stop.evaluations) fractions.push(header.evaluations / header.stop.evaluations);
  if (fractions.length === 0) return null;
  return Math.min(1, Math.max(...fractions));
}
