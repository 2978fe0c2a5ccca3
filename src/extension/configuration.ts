// The zoar.* settings as VS Code holds them, for one objective's folder
// (settings may differ per workspace folder). Problems are logged once each.
import * as vscode from "vscode";
import { readSettings, runsFolderFor, type ZoarSettings } from "./settings";

export class Configuration {
  private readonly reported = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The settings that apply to `resource` (an objective file), or the window's. */
  read(resource?: string): ZoarSettings {
    const config = vscode.workspace.getConfiguration("zoar", resource ? vscode.Uri.file(resource) : undefined);
    const { settings, problems } = readSettings((key) => config.get(key));
    for (const problem of problems) {
      if (this.reported.has(problem)) continue;
      this.reported.add(problem);
      this.log.warn(problem);
    }
    return settings;
  }

  /** The runs folder of an objective. */
  runsDirOf(objectiveFile: string): string {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(objectiveFile));
    return runsFolderFor(objectiveFile, folder?.uri.fsPath, this.read(objectiveFile).runsFolder);
  }
}
