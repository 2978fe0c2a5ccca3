// The command ids the extension registers; package.json contributes the same
// ones (a test keeps the two lists equal). No vscode import.
export const COMMANDS = {
  optimize: "zoar.optimize",
  openDashboard: "zoar.openDashboard",
  pause: "zoar.pause",
  step: "zoar.step",
  resume: "zoar.resume",
  stop: "zoar.stop",
  saveParameters: "zoar.saveParameters",
  newObjective: "zoar.newObjective",
  compare: "zoar.compare",
  showRuns: "zoar.showRuns",
  showLog: "zoar.showLog",
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** The dashboard's webview type: the panel serializer and onWebviewPanel activation use it. */
export const DASHBOARD_VIEW_TYPE = "zoar.dashboard";

/** Context keys for the commands' when-clauses. */
export const CONTEXT_KEYS = {
  running: "zoar.runRunning",
  paused: "zoar.runPaused",
  active: "zoar.runActive",
  /** The active editor shows an objective file (the editor title's Optimize button). */
  editorHasObjective: "zoar.editorHasObjective",
} as const;

/** Why nothing runs in Restricted Mode. */
export const UNTRUSTED_REASON =
  "Runs are off in Restricted Mode: optimizing an objective executes the workspace's code. Trust this workspace to run objectives.";
