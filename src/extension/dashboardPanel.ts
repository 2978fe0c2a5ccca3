// One dashboard: a webview panel showing one objective's session. It posts
// nothing before the webview's "ready", a full snapshot on "ready" and each
// time the panel becomes visible again, and otherwise the session's changes,
// paced to at most 20 updates per second and held back while it is hidden.
import * as path from "node:path";
import * as vscode from "vscode";
import { optimizerEntry, optimizerNames } from "../engine";
import type { ExportFormat, FormDefaults, HostMessage, OptimizerSchema } from "../protocol";
import { optimizerSchemas } from "../protocol";
import { DASHBOARD_VIEW_TYPE } from "./commandIds";
import { createNonce, dashboardHtml } from "./dashboardHtml";
import { type DashboardHost, DashboardMessages } from "./dashboardMessages";
import type { ObjectiveEntry, ObjectiveHub } from "./objectiveHub";
import type { RunAvailability } from "./session";
import { type ZoarSettings, defaultRequest, withoutAutoLr } from "./settings";
import { UpdatePacer } from "./updatePacer";

export interface PanelServices {
  extensionUri: vscode.Uri;
  hub: ObjectiveHub;
  log: vscode.LogOutputChannel;
  availability(): RunAvailability;
  settings(objectiveFile: string): ZoarSettings;
  /** Saves a run's best parameters; resolves with a line for the user. */
  saveParameters(runDir: string, objectiveFile: string): Promise<string>;
}

let schemas: OptimizerSchema[] | undefined;

/** The settings form's schema: the registry does not change while the extension runs. */
function optimizerList(): OptimizerSchema[] {
  schemas ??= optimizerSchemas(optimizerNames().map(optimizerEntry));
  return schemas;
}

/** The form starts from the settings "Optimize Objective" would use. */
export function formDefaults(settings: ZoarSettings): FormDefaults {
  // The form takes numbers: with "lr": "auto" it shows the optimizer's default rate (Optimize Objective picks one).
  const { optimizer, overrides, seed, stop } = withoutAutoLr(defaultRequest(settings)).request;
  return { optimizer, overrides, seed, stop, compare: [...settings.compareOptimizers] };
}

/** Webview options: scripts on, and only our bundle and media loadable. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist"), vscode.Uri.joinPath(extensionUri, "media")],
  };
}

const EXPORT_FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  png: { "PNG image": ["png"] },
  svg: { "SVG drawing": ["svg"] },
  csv: { "CSV table": ["csv"] },
};

/** Asks where to save an export (beside the objective by default) and writes it; undefined when the user cancels. */
async function saveExport(objectiveFile: string, name: string, format: ExportFormat, content: Uint8Array): Promise<string | undefined> {
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(path.join(path.dirname(objectiveFile), name)),
    filters: EXPORT_FILTERS[format],
    saveLabel: "Export",
    title: `Export ${name}`,
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, content);
  return `Exported to ${vscode.workspace.asRelativePath(target)}`;
}

export function dashboardTitle(objectiveFile: string): string {
  return `zoar: ${path.basename(objectiveFile)}`;
}

export class DashboardPanel implements vscode.Disposable {
  private ready = false;
  private disposed = false;
  private wasVisible: boolean;
  private readonly pacer: UpdatePacer;
  private readonly messages: DashboardMessages;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeListeners = new Set<() => void>();
  /** Runs to show alone on the chart once the webview holds them all (Compare Selected). */
  private pendingShowOnly: string[] | undefined;

  /** A new panel for `entry`'s objective. */
  static create(entry: ObjectiveEntry, services: PanelServices, column: vscode.ViewColumn, preserveFocus: boolean): DashboardPanel {
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, dashboardTitle(entry.objectiveFile), { viewColumn: column, preserveFocus }, webviewOptions(services.extensionUri));
    return new DashboardPanel(panel, entry, services);
  }

  /** Adopts `panel` (a new one, or one VS Code restored after a reload). */
  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly entry: ObjectiveEntry,
    private readonly services: PanelServices,
  ) {
    const { webview } = panel;
    this.wasVisible = panel.visible;
    webview.options = webviewOptions(services.extensionUri);
    panel.title = dashboardTitle(entry.objectiveFile);
    panel.iconPath = {
      light: vscode.Uri.joinPath(services.extensionUri, "media", "dashboard-light.svg"),
      dark: vscode.Uri.joinPath(services.extensionUri, "media", "dashboard-dark.svg"),
    };
    this.pacer = new UpdatePacer(() => this.flush());
    const host: DashboardHost = {
      post: (message) => this.post(message),
      sendSnapshot: () => {
        this.ready = true;
        this.postSnapshot();
      },
      availability: () => services.availability(),
      settings: () => services.settings(entry.objectiveFile),
      saveParameters: (_runId, runDir) => services.saveParameters(runDir, entry.objectiveFile),
      saveExport: (name, format, content) => saveExport(entry.objectiveFile, name, format, content),
      log: services.log,
    };
    this.messages = new DashboardMessages(services.hub, entry, host);
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => void this.messages.receive(raw)),
      panel.onDidChangeViewState(() => {
        // Shown again: everything, since updates were held back while hidden (focus changes alone send nothing).
        if (panel.visible && !this.wasVisible) this.postSnapshot();
        this.wasVisible = panel.visible;
      }),
      panel.onDidDispose(() => this.dispose()),
      { dispose: entry.session.onDidChange(() => this.pacer.request()) },
    );
    webview.html = this.html();
  }

  get objectiveFile(): string {
    return this.entry.objectiveFile;
  }

  onDidDispose(listener: () => void): void {
    this.disposeListeners.add(listener);
  }

  reveal(preserveFocus = false): void {
    this.panel.reveal(undefined, preserveFocus);
  }

  /** Everything again, e.g. after Workspace Trust was granted. */
  postSnapshot(): void {
    if (!this.ready || this.disposed) return;
    const snapshot = this.entry.session.snapshot(this.services.availability(), optimizerList());
    snapshot.formDefaults = formDefaults(this.services.settings(this.entry.objectiveFile));
    this.post({ type: "snapshot", snapshot });
    const showOnly = this.pendingShowOnly;
    if (showOnly && showOnly.every((runId) => this.entry.session.hasRun(runId))) {
      this.pendingShowOnly = undefined;
      this.post({ type: "showOnly", runIds: showOnly });
    }
  }

  /** Shows only `runIds` on the convergence chart, as soon as the webview has them. */
  showOnly(runIds: string[]): void {
    this.pendingShowOnly = runIds;
    this.postSnapshot();
  }

  postError(message: string): void {
    if (this.ready) this.post({ type: "error", message });
  }

  private html(): string {
    const { webview } = this.panel;
    const dist = vscode.Uri.joinPath(this.services.extensionUri, "dist");
    return dashboardHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, "webview.js")).toString(),
      styleUris: [webview.asWebviewUri(vscode.Uri.joinPath(dist, "webview.css")).toString()],
      cspSource: webview.cspSource,
      nonce: createNonce(),
      title: dashboardTitle(this.entry.objectiveFile),
    });
  }

  /** Sends what changed; a hidden panel gets a snapshot when it shows again instead. */
  private flush(): void {
    if (!this.ready || this.disposed || !this.panel.visible) return;
    const update = this.entry.session.takeUpdate();
    if (update.kind === "snapshot") this.postSnapshot();
    else if (update.kind === "progress") for (const message of update.messages) this.post(message);
  }

  private post(message: HostMessage): void {
    if (this.disposed) return;
    this.panel.webview.postMessage(message).then(undefined, (error: unknown) => this.services.log.warn(`posting to the dashboard failed: ${String(error)}`));
  }

  /** Stops listening and posting, leaving the panel open (the extension is shutting down). */
  detach(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pacer.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  /** Closes the panel. */
  dispose(): void {
    const wasAttached = !this.disposed;
    this.detach();
    this.panel.dispose();
    if (wasAttached) for (const listener of this.disposeListeners) listener();
  }
}
