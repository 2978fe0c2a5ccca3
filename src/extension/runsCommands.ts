// The Runs view's actions: open a run's dashboard, resume, stop, compare the
// selected runs on one chart, reveal a run's folder, delete runs (after a
// modal confirmation), and the commands that lead to the view (a CodeLens
// filters it to one objective) or to the walkthrough.
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { RunStore } from "../run/store";
import { registerGuarded } from "./commands";
import { COMMANDS, WALKTHROUGH_ID } from "./commandIds";
import type { Dashboards } from "./dashboards";
import type { ObjectiveHub } from "./objectiveHub";
import { isObjectiveFileName } from "./objectiveLines";
import type { RunNode, RunsTreeNode } from "./runsTree";
import type { RunsTreeView } from "./runsTreeView";
import { requireTrust } from "./workspaceTrust";

export interface RunsCommandServices {
  hub: ObjectiveHub;
  dashboards: Dashboards;
  tree: RunsTreeView;
  log: vscode.LogOutputChannel;
  /** The bundled command line (dist/cli.js): stored runs resume in a terminal with it. */
  cliScript: string;
}

export function registerRunsCommands(services: RunsCommandServices): vscode.Disposable[] {
  const commands = new RunsCommands(services);
  const register = (id: string, handler: (...args: unknown[]) => unknown) => registerGuarded(services.log, id, handler);
  return [
    register(COMMANDS.runsOpenDashboard, (node) => commands.openDashboard(node)),
    register(COMMANDS.runsResume, (node) => commands.resume(node)),
    register(COMMANDS.runsStop, (node) => commands.stop(node)),
    register(COMMANDS.runsCompareSelected, (node, selected) => commands.compareSelected(node, selected)),
    register(COMMANDS.runsRevealFolder, (node) => commands.revealFolder(node)),
    register(COMMANDS.runsDelete, (node, selected) => commands.delete(node, selected)),
    register(COMMANDS.runsRefresh, () => services.tree.refresh()),
    register(COMMANDS.runsShowAll, () => services.tree.showObjective(undefined)),
    register(COMMANDS.showObjectiveRuns, (uri) => services.tree.showObjective(objectiveOf(uri))),
    register(COMMANDS.openWalkthrough, () => vscode.commands.executeCommand("workbench.action.openWalkthrough", WALKTHROUGH_ID, false)),
    vscode.window.onDidCloseTerminal((terminal) => commands.forgetTerminal(terminal)),
  ];
}

function isRunNode(value: unknown): value is RunNode {
  return typeof value === "object" && value !== null && (value as RunsTreeNode).kind === "run";
}

function objectiveOf(uri: unknown): string | undefined {
  return uri instanceof vscode.Uri && uri.scheme === "file" && isObjectiveFileName(uri.fsPath) ? uri.fsPath : undefined;
}

class RunsCommands {
  /** Terminals this window resumed stored runs in, by run folder: Stop sends them Ctrl-C. */
  private readonly terminals = new Map<string, vscode.Terminal>();

  constructor(private readonly services: RunsCommandServices) {}

  /** The runs an action applies to: the multi-selection when the clicked item is in it, else the clicked item, else the view's selection. */
  private runsOf(node: unknown, selected: unknown): RunNode[] {
    const picked = Array.isArray(selected) && selected.length > 0 ? selected : node === undefined ? [...this.services.tree.view.selection] : [node];
    return picked.filter(isRunNode);
  }

  openDashboard(node: unknown): void {
    const { dashboards } = this.services;
    if (isRunNode(node)) dashboards.open(node.summary.objectiveFile, { selectRunId: node.summary.id });
    else if (typeof node === "object" && node !== null && (node as RunsTreeNode).kind === "objective") dashboards.open((node as { objectiveFile: string }).objectiveFile);
  }

  async resume(node: unknown): Promise<void> {
    const [run] = this.runsOf(node, undefined);
    if (!run) return;
    const { summary } = run;
    const live = this.services.hub.find(summary.objectiveFile)?.runner;
    if (run.status === "paused" && live?.command(summary.id, "resume")) return;
    if (!requireTrust("resume runs here")) return;
    const holder = RunStore.open(summary.dir).lockHolder();
    if (holder !== undefined) {
      void vscode.window.showInformationMessage(`zoar: run ${summary.id} is running in process ${holder}.`);
      return;
    }
    // The command line resumes it, bit for bit, in a terminal the user can watch and Ctrl-C; the view follows its folder.
    const terminal = vscode.window.createTerminal({
      name: `zoar resume ${summary.optimizer}`,
      cwd: vscode.workspace.getWorkspaceFolder(vscode.Uri.file(summary.objectiveFile))?.uri.fsPath ?? path.dirname(summary.objectiveFile),
      shellPath: process.execPath,
      shellArgs: [this.services.cliScript, "resume", summary.dir],
      // Inside VS Code the extension host's executable is Electron's: run it as plain Node.
      env: { ELECTRON_RUN_AS_NODE: "1" },
      iconPath: new vscode.ThemeIcon("debug-continue"),
    });
    this.terminals.set(summary.dir, terminal);
    terminal.show(true);
    this.services.log.info(`run ${summary.id}: resuming in a terminal (${summary.dir})`);
  }

  stop(node: unknown): void {
    for (const { summary } of this.runsOf(node, undefined)) {
      const runner = this.services.hub.find(summary.objectiveFile)?.runner;
      if (runner?.command(summary.id, "stop")) continue;
      const terminal = this.terminals.get(summary.dir);
      if (terminal) {
        terminal.sendText("\u0003", false); // Ctrl-C: the command line stops the run cleanly and keeps it resumable
        continue;
      }
      const holder = RunStore.open(summary.dir).lockHolder();
      const where = holder === undefined ? "it is not running" : `it runs in process ${holder}, outside this window: stop it there (Ctrl-C in its terminal)`;
      void vscode.window.showInformationMessage(`zoar: run ${summary.id} cannot be stopped from here: ${where}.`);
    }
  }

  compareSelected(node: unknown, selected: unknown): void {
    const runs = this.runsOf(node, selected);
    if (runs.length < 2) {
      void vscode.window.showInformationMessage("zoar: select two or more runs of one objective (Ctrl or Shift + click), then Compare Selected.");
      return;
    }
    const files = new Set(runs.map((run) => path.resolve(run.summary.objectiveFile)));
    if (files.size > 1) {
      void vscode.window.showWarningMessage("zoar: Compare Selected overlays runs of one objective; the selection holds runs of several.");
      return;
    }
    const [file] = files;
    this.services.dashboards.open(file, { showOnly: runs.map((run) => run.summary.id) });
  }

  async revealFolder(node: unknown): Promise<void> {
    const [run] = this.runsOf(node, undefined);
    if (!run) return;
    const uri = vscode.Uri.file(run.summary.dir);
    // The Explorer where the folder is in the workspace (remote windows too), else the system's file manager.
    if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand("revealInExplorer", uri);
    else await vscode.commands.executeCommand("revealFileInOS", uri);
  }

  async delete(node: unknown, selected: unknown): Promise<void> {
    const runs = this.runsOf(node, selected);
    if (runs.length === 0) return;
    const going = runs.flatMap((run) => {
      const holder = RunStore.open(run.summary.dir).lockHolder();
      return holder === undefined ? [] : [`${run.summary.id} (run by process ${holder})`];
    });
    if (going.length > 0) {
      void vscode.window.showWarningMessage(`zoar: stop ${going.join(", ")} before deleting ${going.length === 1 ? "it" : "them"}.`);
      return;
    }
    const what = runs.length === 1 ? `the ${runs[0].summary.optimizer} run ${runs[0].summary.id}` : `${runs.length} runs`;
    const detail = `Their folders (config, trace, checkpoint, result) are removed:\n${runs.map((run) => vscode.workspace.asRelativePath(run.summary.dir)).join("\n")}`;
    const choice = await vscode.window.showWarningMessage(`Delete ${what}?`, { modal: true, detail }, "Delete");
    if (choice !== "Delete") return;
    for (const { summary } of runs) {
      fs.rmSync(summary.dir, { recursive: true, force: true });
      this.services.log.info(`run ${summary.id} deleted (${summary.dir})`);
    }
    this.services.tree.refresh();
  }

  forgetTerminal(terminal: vscode.Terminal): void {
    for (const [dir, known] of this.terminals) if (known === terminal) this.terminals.delete(dir);
  }
}
