// The palette and menu commands. Each resolves its objective (the file it was
// invoked on, else the active editor, else the active dashboard), checks
// Workspace Trust before anything runs workspace code, and reports failures
// as notifications and in the run log rather than throwing.
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { objectiveTemplate } from "../objective/template";
import { optimizerEntry, optimizerNames } from "../engine";
import { COMMANDS } from "./commandIds";
import type { Configuration } from "./configuration";
import type { Dashboards } from "./dashboards";
import type { ObjectiveEntry, ObjectiveHub } from "./objectiveHub";
import { isObjectiveFileName } from "./objectiveLines";
import type { RunCommandName } from "./objectiveRunner";
import { bareName, checkObjectiveName, objectiveFilePath } from "./objectiveName";
import { SaveCancelled, saveParameters } from "./paramsSaving";
import { collectRuns, pickRun } from "./runPicker";
import { type RunRequest, compareRequests, defaultRequest, runsFolderFor } from "./settings";
import { requireTrust } from "./workspaceTrust";

/** Parameters of a new objective file until the user edits it. */
const NEW_OBJECTIVE_DIMENSION = 10;

export interface CommandServices {
  hub: ObjectiveHub;
  dashboards: Dashboards;
  configuration: Configuration;
  log: vscode.LogOutputChannel;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Registers a command whose failures become a notification and a log line, never an exception. */
export function registerGuarded(log: vscode.LogOutputChannel, id: string, handler: (...args: unknown[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      await handler(...args);
    } catch (error) {
      log.error(`${id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      void vscode.window.showErrorMessage(`zoar: ${messageOf(error)}`);
    }
  });
}

export function registerCommands(services: CommandServices): vscode.Disposable[] {
  const { log } = services;
  const register = (id: string, handler: (...args: unknown[]) => unknown) => registerGuarded(log, id, handler);
  const commands = new ZoarCommands(services);
  return [
    register(COMMANDS.optimize, (arg) => commands.optimize(arg)),
    register(COMMANDS.openDashboard, (arg) => commands.openDashboard(arg)),
    register(COMMANDS.pause, () => commands.runCommand("pause")),
    register(COMMANDS.step, () => commands.runCommand("step")),
    register(COMMANDS.resume, () => commands.runCommand("resume")),
    register(COMMANDS.stop, () => commands.runCommand("stop")),
    register(COMMANDS.saveParameters, (arg) => commands.saveTunedParameters(arg)),
    register(COMMANDS.newObjective, (arg) => commands.newObjective(arg)),
    register(COMMANDS.compare, (arg) => commands.compare(arg)),
    register(COMMANDS.showRuns, () => commands.showRuns()),
    register(COMMANDS.showLog, () => log.show()),
  ];
}

class ZoarCommands {
  constructor(private readonly services: CommandServices) {}

  async optimize(arg: unknown): Promise<void> {
    const file = this.objectiveOrExplain(arg);
    if (!file || !requireTrust("optimize objectives here")) return;
    await this.startRuns(file, [defaultRequest(this.services.configuration.read(file))]);
  }

  async compare(arg: unknown): Promise<void> {
    const file = this.objectiveOrExplain(arg);
    if (!file || !requireTrust("compare optimizers here")) return;
    const settings = this.services.configuration.read(file);
    const items = optimizerNames().map((name) => ({ label: name, detail: optimizerEntry(name).summary, picked: settings.compareOptimizers.includes(name) }));
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: `Compare optimizers on ${path.basename(file)}`,
      placeHolder: `Check the optimizers to run one after another: seed ${settings.seed}, ${settings.iterations} iterations`,
    });
    if (!picked || picked.length === 0) return;
    const optimizers = picked.map((item) => item.label);
    await this.startRuns(file, compareRequests(optimizers, settings));
  }

  openDashboard(arg: unknown): void {
    const file = this.objectiveOrExplain(arg);
    if (file) this.services.dashboards.open(file);
  }

  /** Pause, step, resume or stop the run of the active dashboard, else the one going, else the one picked. */
  async runCommand(name: RunCommandName): Promise<void> {
    const target = await this.activeRun();
    if (!target) return;
    if (name === "stop") target.entry.runner.stopAll();
    else target.entry.runner.command(target.runId, name);
  }

  async saveTunedParameters(arg: unknown): Promise<void> {
    const { dashboards, configuration } = this.services;
    let runDir: string | undefined;
    let objectiveFile = objectiveOf(arg);
    const dashboard = dashboards.active();
    if (!objectiveFile && dashboard) {
      const runId = dashboard.entry.session.selectedRunId;
      runDir = runId === null ? undefined : dashboard.entry.session.runDir(runId);
      objectiveFile = dashboard.objectiveFile;
    }
    if (!runDir) {
      objectiveFile ??= activeEditorObjective();
      const dirs = objectiveFile ? [configuration.runsDirOf(objectiveFile)] : this.allRunsDirs();
      const runs = collectRuns(dirs, (message) => this.services.log.warn(message)).filter(
        (run) => run.iterations > 0 && (!objectiveFile || path.resolve(run.objectiveFile) === path.resolve(objectiveFile)),
      );
      runDir = (await pickRun(runs, "Save the best parameters of which run?"))?.dir;
    }
    if (!runDir) return;
    try {
      const message = await saveParameters(runDir, configuration.read(objectiveFile).paramsLocation);
      void vscode.window.showInformationMessage(`zoar: ${message}`);
    } catch (error) {
      if (error instanceof SaveCancelled) return;
      throw error;
    }
  }

  async showRuns(): Promise<void> {
    const runs = collectRuns(this.allRunsDirs(), (message) => this.services.log.warn(message));
    const picked = await pickRun(runs, "Open the dashboard on a run");
    if (picked) this.services.dashboards.open(picked.objectiveFile, { selectRunId: picked.id });
  }

  async newObjective(arg: unknown): Promise<void> {
    const folder = await targetFolder(arg);
    if (!folder) return;
    const name = await vscode.window.showInputBox({
      title: "New zoar objective",
      prompt: `A TypeScript objective file in ${vscode.workspace.asRelativePath(folder)}`,
      value: "objective",
      validateInput: (value) => checkObjectiveName(value) ?? (fs.existsSync(objectiveFilePath(folder, value)) ? `${bareName(value)}.ts already exists` : null),
    });
    if (name === undefined) return;
    const file = objectiveFilePath(folder, name);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(file, objectiveTemplate(bareName(name), NEW_OBJECTIVE_DIMENSION), { flag: "wx" });
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
  }

  private async startRuns(file: string, requests: RunRequest[]): Promise<void> {
    const { hub, dashboards, configuration } = this.services;
    await saveIfDirty(file);
    const entry = hub.get(file);
    const outcome = hub.startRuns(entry, requests, configuration.read(file));
    dashboards.open(file, { preserveFocus: true });
    if (!outcome.ok) void vscode.window.showWarningMessage(`zoar: ${outcome.message}`);
  }

  /** The objective named by `arg` or the active editor or dashboard; otherwise says how to give one. */
  private objectiveOrExplain(arg: unknown): string | undefined {
    const file = objectiveOf(arg) ?? activeEditorObjective() ?? this.services.dashboards.active()?.objectiveFile;
    if (!file) {
      void vscode.window.showInformationMessage("zoar: open a TypeScript objective file (or right-click one in the Explorer) first.");
      return undefined;
    }
    return file;
  }

  private async activeRun(): Promise<{ entry: ObjectiveEntry; runId: string } | undefined> {
    const { hub, dashboards } = this.services;
    const candidates = [dashboards.active()?.entry, hub.find(activeEditorObjective() ?? "")];
    for (const entry of candidates) {
      const runId = entry?.runner.activeRunId;
      if (entry && runId) return { entry, runId };
    }
    const runs = hub.activeRuns();
    if (runs.length === 0) {
      void vscode.window.showInformationMessage("zoar: no run is going.");
      return undefined;
    }
    let chosen = runs[0];
    if (runs.length > 1) {
      const picked = await vscode.window.showQuickPick(
        runs.map((run) => ({ label: vscode.workspace.asRelativePath(run.objectiveFile), description: run.runId, run })),
        { placeHolder: "Which run?" },
      );
      if (!picked) return undefined;
      chosen = picked.run;
    }
    return { entry: hub.get(chosen.objectiveFile), runId: chosen.runId };
  }

  private allRunsDirs(): string[] {
    return windowRunsDirs(this.services.configuration, this.services.hub);
  }
}

/** The runs folders of the workspace folders, and of the objectives this window opened. */
export function windowRunsDirs(configuration: Configuration, hub: ObjectiveHub): string[] {
  const dirs = (vscode.workspace.workspaceFolders ?? []).map((folder) => runsFolderFor(folder.uri.fsPath, folder.uri.fsPath, configuration.read(folder.uri.fsPath).runsFolder));
  for (const entry of hub.all()) dirs.push(entry.runsDir);
  return dirs;
}

/** The objective file an argument names: a Uri from a menu or a CodeLens. */
function objectiveOf(arg: unknown): string | undefined {
  if (!(arg instanceof vscode.Uri) || arg.scheme !== "file") return undefined;
  return isObjectiveFileName(arg.fsPath) ? arg.fsPath : undefined;
}

function activeEditorObjective(): string | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.uri.scheme !== "file" || !isObjectiveFileName(document.fileName)) return undefined;
  return document.uri.fsPath;
}

/** Runs read the objective from disk: unsaved edits are saved first. */
async function saveIfDirty(file: string): Promise<void> {
  const document = vscode.workspace.textDocuments.find((doc) => doc.uri.scheme === "file" && doc.uri.fsPath === file);
  if (document?.isDirty) await document.save();
}

/** The folder for a new objective: the one clicked in the Explorer, else the active file's or the workspace's, else one the user picks. */
async function targetFolder(arg: unknown): Promise<string | undefined> {
  if (arg instanceof vscode.Uri && arg.scheme === "file") {
    try {
      return fs.statSync(arg.fsPath).isDirectory() ? arg.fsPath : path.dirname(arg.fsPath);
    } catch {
      // fall through to the other choices
    }
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === "file") return path.dirname(active.fsPath);
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0].uri.fsPath;
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: "Create Here", defaultUri: folders[0]?.uri });
  return picked?.[0]?.fsPath;
}
