// "Optimize" above an objective's definition (defineObjective( or the
// default-exported function) in TypeScript files.
import * as vscode from "vscode";
import { COMMANDS } from "./commandIds";
import { isObjectiveFileName, objectiveLine } from "./objectiveLines";

export class ObjectiveCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly enabled: (document: vscode.TextDocument) => boolean) {}

  /** Shows or hides the lenses again (the setting changed). */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (document.uri.scheme !== "file" || !isObjectiveFileName(document.fileName) || !this.enabled(document)) return [];
    const line = objectiveLine(document.getText());
    if (line < 0) return [];
    const range = new vscode.Range(line, 0, line, 0);
    const lens = (title: string, command: string, tooltip: string) => new vscode.CodeLens(range, { title, command, tooltip, arguments: [document.uri] });
    return [
      lens("$(play) Optimize", COMMANDS.optimize, "Optimize this objective with the default optimizer (zoar.optimizer)"),
      lens("Compare Optimizers", COMMANDS.compare, "Run several optimizers on this objective with the same seed and budget"),
      lens("Dashboard", COMMANDS.openDashboard, "Open this objective's dashboard"),
    ];
  }

  dispose(): void {
    this.changed.dispose();
  }
}
