// Start, Pause, Step, Resume, Stop, Compare and Sweep, each enabled only when the
// selected run's state allows it. A disabled button ignores clicks even if
// one slips through (a click during a state change).
import type { VscodeButton } from "@vscode-elements/elements/dist/vscode-button/vscode-button.js";
import type { RunStatus } from "../src/protocol";
import { h } from "./dom";

export type ControlName = "start" | "pause" | "step" | "resume" | "stop" | "compare" | "sweep";

export interface ControlContext {
  /** Status of the selected run, or null when there is none. */
  status: RunStatus | null;
  /** Any run of this objective starting, running or paused. */
  anyActive: boolean;
  /** False in an untrusted workspace, or before the host sent the optimizer list. */
  canRun: boolean;
}

/** Which buttons are enabled. One run at a time: nothing starts while another is active. */
export function enabledControls({ status, anyActive, canRun }: ControlContext): Record<ControlName, boolean> {
  const idle = canRun && !anyActive;
  return {
    start: idle,
    compare: idle,
    sweep: idle,
    pause: status === "running",
    step: status === "paused",
    resume: status === "paused",
    stop: status === "starting" || status === "running" || status === "paused",
  };
}

const BUTTONS: { name: ControlName; text: string; title: string; secondary: boolean }[] = [
  { name: "start", text: "Start", title: "Start a run with these settings", secondary: false },
  { name: "pause", text: "Pause", title: "Pause the selected run after its current iteration", secondary: true },
  { name: "step", text: "Step", title: "Run one iteration of the paused run", secondary: true },
  { name: "resume", text: "Resume", title: "Resume the paused run", secondary: true },
  { name: "stop", text: "Stop", title: "Stop the selected run (its results are kept)", secondary: true },
];

export class RunControls {
  readonly element: HTMLElement;
  readonly compareButton: VscodeButton;
  readonly sweepButton: VscodeButton;
  private readonly buttons = new Map<ControlName, VscodeButton>();

  constructor(onPress: (name: ControlName) => void) {
    const make = (name: ControlName, text: string, title: string, secondary: boolean) => {
      const button = document.createElement("vscode-button");
      button.id = name;
      button.textContent = text;
      button.title = title;
      button.secondary = secondary;
      button.addEventListener("click", () => {
        if (!button.disabled) onPress(name);
      });
      this.buttons.set(name, button);
      return button;
    };
    this.element = h("div", { class: "toolbar", role: "group", "aria-label": "Run controls" }, ...BUTTONS.map((b) => make(b.name, b.text, b.title, b.secondary)));
    this.compareButton = make("compare", "Compare", "Run each checked optimizer with the same seed and stop conditions", true);
    this.sweepButton = make("sweep", "Sweep", "Run the optimizer once per value (and seed) of the chosen hyperparameter, the other settings the same", true);
  }

  render(context: ControlContext): void {
    const enabled = enabledControls(context);
    for (const [name, button] of this.buttons) {
      if (button.disabled !== !enabled[name]) button.disabled = !enabled[name];
    }
  }
}
