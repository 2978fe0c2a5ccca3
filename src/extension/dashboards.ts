// The open dashboards, one per objective file, and their restoration after a
// window reload: VS Code gives the serializer the panel and the state the
// webview last stored, which names the objective; the dashboard then shows
// that objective's stored runs again from its runs folder.
import * as path from "node:path";
import * as vscode from "vscode";
import { DashboardPanel, type PanelServices } from "./dashboardPanel";
import type { ObjectiveHub } from "./objectiveHub";
import { displayPathInState, type FolderRef, resolveDisplayPath } from "./panelState";

export interface OpenOptions {
  preserveFocus?: boolean;
  /** A run to select once the stored runs are loaded (Show Runs). */
  selectRunId?: string;
  /** Runs to show alone on the convergence chart once the stored runs are loaded (Compare Selected). */
  showOnly?: string[];
}

export function workspaceFolderRefs(): FolderRef[] {
  return (vscode.workspace.workspaceFolders ?? []).map((folder) => ({ name: folder.name, path: folder.uri.fsPath }));
}

export class Dashboards implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly panels = new Map<string, DashboardPanel>();

  constructor(
    private readonly hub: ObjectiveHub,
    private readonly services: PanelServices,
  ) {}

  /** Opens (or reveals) the dashboard of an objective file. */
  open(objectiveFile: string, options: OpenOptions = {}): DashboardPanel {
    const entry = this.hub.get(objectiveFile);
    let dashboard = this.panels.get(entry.objectiveFile);
    if (dashboard) dashboard.reveal(options.preserveFocus);
    else {
      const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
      dashboard = this.adopt(DashboardPanel.create(entry, this.services, column, options.preserveFocus ?? false));
    }
    if (options.selectRunId !== undefined) {
      const runId = options.selectRunId;
      void entry.history.then(() => {
        if (entry.session.select(runId)) this.hub.loadDetails(entry, runId);
      });
    }
    if (options.showOnly !== undefined) {
      const runIds = options.showOnly;
      const opened = dashboard;
      void entry.history.then(() => opened.showOnly(runIds));
    }
    return dashboard;
  }

  /** The dashboard in the active editor group's active tab, if any. */
  active(): DashboardPanel | undefined {
    return [...this.panels.values()].find((dashboard) => dashboard.panel.active);
  }

  /** Shows a message in an objective's dashboard, if one is open (a run of it failed). */
  showError(objectiveFile: string, message: string): void {
    this.panels.get(path.resolve(objectiveFile))?.postError(message);
  }

  /** Every dashboard again, e.g. after Workspace Trust was granted. */
  refreshAll(): void {
    for (const dashboard of this.panels.values()) dashboard.postSnapshot();
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const displayPath = displayPathInState(state);
    const objectiveFile = displayPath === undefined ? undefined : resolveDisplayPath(displayPath, workspaceFolderRefs());
    if (objectiveFile === undefined) {
      this.services.log.warn(`a dashboard could not be restored: ${displayPath === undefined ? "it named no objective" : `${displayPath} was not found`}`);
      panel.dispose();
      return;
    }
    if (this.panels.has(this.hub.get(objectiveFile).objectiveFile)) {
      panel.dispose(); // one dashboard per objective
      return;
    }
    this.adopt(new DashboardPanel(panel, this.hub.get(objectiveFile), this.services));
  }

  private adopt(dashboard: DashboardPanel): DashboardPanel {
    const key = dashboard.objectiveFile;
    this.panels.set(key, dashboard);
    dashboard.onDidDispose(() => {
      if (this.panels.get(key) === dashboard) this.panels.delete(key);
    });
    return dashboard;
  }

  /** Stops listening; the panels stay open, so VS Code restores them after a reload. */
  dispose(): void {
    for (const dashboard of this.panels.values()) dashboard.detach();
    this.panels.clear();
  }
}
