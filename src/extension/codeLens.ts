// "Optimize" above an objective's definition (defineObjective( or the
// default-exported function) in TypeScript files, and the objective's record
// so far ("best 0.0123 · zoar · 3 runs"), which opens the Runs view on it.
import * as vscode from "vscode";
import { COMMANDS } from "./commandIds";
import { isObjectiveFileName, objectiveLine } from "./objectiveLines";

export class ObjectiveCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  /**
   * @param enabled whether lenses show for a document (zoar.codeLens.enabled)
   * @param record the objective's record, e.g. "best 0.0123 · zoar · 3 runs"; undefined before its first run
   */
  constructor(
    private readonly enabled: (document: vscode.TextDocument) => boolean,
    private readonly record: (objectiveFile: string) => string | undefined = () => undefined,
  ) {}

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
    const lenses = [
      lens("$(play) Optimize", COMMANDS.optimize, "Optimize this objective with the default optimizer (zoar.optimizer)"),
      lens("Compare Optimizers", COMMANDS.compare, "Run several optimizers on this objective with the same seed and budget"),
      lens("Dashboard", COMMANDS.openDashboard, "Open this objective's dashboard"),
    ];
    const record = this.record(document.uri.fsPath);
    if (record !== undefined) lenses.push(lens(record, COMMANDS.showObjectiveRuns, "Show this objective's runs in the Runs view"));
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
