// The Runs view in zoar's activity bar container: the model of runsTree.ts as
// tree items, kept current by the run store watcher (runs of a terminal or
// another window) and by this window's run events (paused is known only here).
import * as path from "node:path";
import * as vscode from "vscode";
import type { RunProgress } from "../run/types";
import { COMMANDS, CONTEXT_KEYS, RUNS_VIEW_ID } from "./commandIds";
import type { RunEventBase, RunEvents } from "./objectiveRunner";
import { type ObjectiveGroup, type RunNode, RunsTreeModel, type RunsTreeNode, runContextValue, runDescription, runTooltip, STATUS_ICONS } from "./runsTree";
import { RunsFolderWatcher } from "./runsWatcher";

export class RunsTreeView implements vscode.TreeDataProvider<RunsTreeNode>, RunEvents, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly refreshed = new vscode.EventEmitter<void>();
  /** After each read of the runs folders (the CodeLens follows it). */
  readonly onDidRefresh = this.refreshed.event;
  readonly view: vscode.TreeView<RunsTreeNode>;
  private readonly watcher: RunsFolderWatcher;
  private readonly liveStates = new Map<string, RunProgress["state"]>();
  private pending: NodeJS.Timeout | undefined;
  readonly model: RunsTreeModel;

  constructor(
    private readonly runsDirs: () => string[],
    onProblem: (message: string) => void,
  ) {
    this.model = new RunsTreeModel(runsDirs, (runId) => this.liveState(runId), onProblem);
    this.watcher = new RunsFolderWatcher(() => this.refresh());
    this.view = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: this, canSelectMany: true, showCollapseAll: true });
    this.refresh();
  }

  /** Reads the runs folders again, re-arms the watches and redraws the tree. */
  refresh(): void {
    this.model.refresh();
    this.watcher.watch(this.runsDirs(), this.model.runDirs);
    const filter = this.model.filter;
    this.view.description = filter === undefined ? undefined : vscode.workspace.asRelativePath(filter);
    this.view.message = filter !== undefined && this.model.groups.length === 0 ? `No runs of ${path.basename(filter)} yet.` : undefined;
    void vscode.commands.executeCommand("setContext", CONTEXT_KEYS.runsFiltered, filter !== undefined);
    this.changed.fire(undefined);
    this.refreshed.fire();
  }

  /** Several events in a row (a run starting, the folders it writes) become one refresh. */
  private refreshSoon(): void {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.refresh(), 100);
  }

  /** Shows only `objectiveFile`'s runs (undefined: all) and brings the view forward. */
  async showObjective(objectiveFile: string | undefined): Promise<void> {
    this.model.setFilter(objectiveFile);
    this.refresh();
    await vscode.commands.executeCommand(`${RUNS_VIEW_ID}.focus`);
  }

  // RunEvents of this window's runs: the state of each, for the status icons.
  launched(event: RunEventBase): void {
    this.liveStates.set(event.runId, "running");
    this.refreshSoon();
  }

  started(): void {
    this.refreshSoon();
  }

  progress(event: RunEventBase & { progress: RunProgress }): void {
    const state = event.progress.state;
    if (this.liveStates.get(event.runId) === state) return;
    this.liveStates.set(event.runId, state);
    this.refreshSoon();
  }

  finished(event: RunEventBase): void {
    this.liveStates.delete(event.runId);
    this.refreshSoon();
  }

  /** This window's state of a run, if it runs it. */
  liveState(runId: string): "running" | "paused" | undefined {
    const state = this.liveStates.get(runId);
    return state === "paused" ? "paused" : state === undefined ? undefined : "running";
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
    return node.kind === "objective" ? groupItem(node) : runItem(node);
  }

  getChildren(node?: RunsTreeNode): RunsTreeNode[] {
    if (!node) return [...this.model.groups];
    return node.kind === "objective" ? node.runs : [];
  }

  getParent(node: RunsTreeNode): RunsTreeNode | undefined {
    if (node.kind === "objective") return undefined;
    return this.model.group(node.summary.objectiveFile);
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.watcher.dispose();
    this.view.dispose();
    this.changed.dispose();
    this.refreshed.dispose();
  }
}

function groupItem(group: ObjectiveGroup): vscode.TreeItem {
  const uri = vscode.Uri.file(group.objectiveFile);
  const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `objective:${group.objectiveFile}`;
  item.label = path.basename(group.objectiveFile);
  const folder = path.dirname(vscode.workspace.asRelativePath(uri));
  item.description = `${folder === "." ? "" : `${folder} · `}${group.runs.length} run${group.runs.length === 1 ? "" : "s"}`;
  item.tooltip = group.objectiveFile;
  item.contextValue = "objective";
  return item;
}

function runItem(node: RunNode): vscode.TreeItem {
  const { summary } = node;
  const item = new vscode.TreeItem(summary.optimizer, vscode.TreeItemCollapsibleState.None);
  item.id = `run:${summary.dir}`;
  item.description = runDescription(node);
  item.tooltip = runTooltip(node);
  const { icon, color } = STATUS_ICONS[node.status];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  item.contextValue = runContextValue(node);
  item.command = { title: "Open Dashboard", command: COMMANDS.runsOpenDashboard, arguments: [node] };
  return item;
}
