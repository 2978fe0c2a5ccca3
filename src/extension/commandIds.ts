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
  // The Runs view's item actions, and the commands that lead to it.
  runsOpenDashboard: "zoar.runs.openDashboard",
  runsResume: "zoar.runs.resume",
  runsStop: "zoar.runs.stop",
  runsCompareSelected: "zoar.runs.compareSelected",
  runsRevealFolder: "zoar.runs.revealFolder",
  runsDelete: "zoar.runs.delete",
  runsRefresh: "zoar.runs.refresh",
  runsShowAll: "zoar.runs.showAll",
  showObjectiveRuns: "zoar.showObjectiveRuns",
  openWalkthrough: "zoar.openWalkthrough",
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** The dashboard's webview type: the panel serializer and onWebviewPanel activation use it. */
export const DASHBOARD_VIEW_TYPE = "zoar.dashboard";

/** The Runs view (in the zoar view container of the activity bar). */
export const RUNS_VIEW_ID = "zoar.runs";

/** The Getting Started walkthrough, as `workbench.action.openWalkthrough` names it. */
export const WALKTHROUGH_ID = "zoar.zoar#gettingStarted";

/** Context keys for the commands' when-clauses. */
export const CONTEXT_KEYS = {
  running: "zoar.runRunning",
  paused: "zoar.runPaused",
  active: "zoar.runActive",
  /** The active editor shows an objective file (the editor title's Optimize button). */
  editorHasObjective: "zoar.editorHasObjective",
  /** The Runs view shows one objective's runs only. */
  runsFiltered: "zoar.runsFiltered",
} as const;

/** Why nothing runs in Restricted Mode. */
export const UNTRUSTED_REASON =
  "Runs are off in Restricted Mode: optimizing an objective executes the workspace's code. Trust this workspace to run objectives.";
