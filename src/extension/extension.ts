// The extension's entry: registers the commands, the dashboard serializer,
// the CodeLens, the status bar and the run log, and stops every run when the
// extension is deactivated. Each run executes in a process of its own started
// from the bundles beside this one (dist/run-worker.js, dist/objective-worker.js).
import * as path from "node:path";
import * as vscode from "vscode";
import { registerCommands, windowRunsDirs } from "./commands";
import { DASHBOARD_VIEW_TYPE } from "./commandIds";
import { Configuration } from "./configuration";
import { ObjectiveCodeLensProvider } from "./codeLens";
import { Dashboards, workspaceFolderRefs } from "./dashboards";
import { trackObjectiveEditor } from "./editorContext";
import { ObjectiveHub } from "./objectiveHub";
import type { RunEvents } from "./objectiveRunner";
import { saveParameters } from "./paramsSaving";
import { displayPathOf } from "./panelState";
import { bundledScripts, createRunLauncher } from "./runLauncher";
import { fanOutRunEvents } from "./runEventsFanOut";
import { RunMonitor } from "./runMonitor";
import { memoryLimitOf } from "./settings";
import { RunProgressNotifier } from "./runProgress";
import { registerRunsCommands } from "./runsCommands";
import { objectiveRecord, recordText } from "./runsTree";
import { RunsTreeView } from "./runsTreeView";
import { runAvailability } from "./workspaceTrust";

/** How long deactivation waits for stopped runs to write their checkpoint and result. */
const STOP_WAIT_MS = 5000;

let running: ObjectiveHub | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel("zoar", { log: true });
  const configuration = new Configuration(log);
  const monitor = new RunMonitor(log);
  const scripts = bundledScripts(vscode.Uri.joinPath(context.extensionUri, "dist").fsPath);
  // The Runs view and the progress notifications hear the run events too; they are made once the hub is.
  const runEvents: RunEvents[] = [monitor];
  const hub = new ObjectiveHub({
    launch: createRunLauncher(scripts, (file, line, stream) => {
      const text = `${path.basename(file)}: ${line}`;
      if (stream === "stderr") log.warn(text);
      else log.info(text);
    }, (file) => memoryLimitOf(configuration.read(file))),
    events: fanOutRunEvents(runEvents),
    displayPath: (file) => displayPathOf(file, workspaceFolderRefs()),
    runsDirOf: (file) => configuration.runsDirOf(file),
  });
  running = hub;
  const dashboards = new Dashboards(hub, {
    extensionUri: context.extensionUri,
    hub,
    log,
    availability: runAvailability,
    settings: (file) => configuration.read(file),
    saveParameters: (runDir, objectiveFile) => saveParameters(runDir, configuration.read(objectiveFile).paramsLocation),
  });
  monitor.onRunFailed((event, error) => dashboards.showError(event.objectiveFile, `${event.optimizer} failed: ${error.message}`));
  const runsDirs = () => windowRunsDirs(configuration, hub);
  const tree = new RunsTreeView(runsDirs, (message) => log.warn(message));
  const progress = new RunProgressNotifier((event) => hub.find(event.objectiveFile)?.runner.command(event.runId, "stop"));
  runEvents.push(tree, progress);
  const codeLens = new ObjectiveCodeLensProvider(
    (document) => configuration.read(document.uri.fsPath).codeLens,
    (file) => {
      const group = tree.model.group(file);
      return group ? recordText(objectiveRecord(group)) : undefined;
    },
  );
  // The lenses follow the runs, redrawn only when a record changed (the tree refreshes several times a second during a run).
  let records = "";
  const followRecords = tree.onDidRefresh(() => {
    const next = tree.model.allGroups.map((group) => `${group.objectiveFile}\t${recordText(objectiveRecord(group))}`).join("\n");
    if (next === records) return;
    records = next;
    codeLens.refresh();
  });

  context.subscriptions.push(
    log,
    monitor,
    dashboards,
    codeLens,
    ...registerCommands({ hub, dashboards, configuration, log }),
    tree,
    progress,
    followRecords,
    ...registerRunsCommands({ hub, dashboards, tree, log, cliScript: vscode.Uri.joinPath(context.extensionUri, "dist", "cli.js").fsPath }),
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, dashboards),
    vscode.languages.registerCodeLensProvider({ language: "typescript", scheme: "file" }, codeLens),
    trackObjectiveEditor(),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info("workspace trusted: objectives can run");
      dashboards.refreshAll();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("zoar.codeLens")) codeLens.refresh();
      if (event.affectsConfiguration("zoar.runsFolder")) tree.refresh();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => tree.refresh()),
  );
  log.info(`zoar activated; runs use ${scripts.runWorker}`);
}

export async function deactivate(): Promise<void> {
  const hub = running;
  running = undefined;
  if (!hub) return;
  // Stopped runs write a final checkpoint, so each stays resumable.
  await Promise.race([hub.stopAll(), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS))]);
}
