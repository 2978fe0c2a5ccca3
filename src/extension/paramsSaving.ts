// "Save Tuned Parameters": a run's best point (and its last logged iterate)
// written as JSON beside the objective, or where the user picks when
// zoar.paramsLocation is "ask"; a file of another objective is only replaced
// after the user agrees. The written file is opened beside the active editor.
import * as path from "node:path";
import * as vscode from "vscode";
import { checkParamsTarget, defaultParamsPath, ParamsConflictError, saveRunParameters } from "../run/params";
import { RunStore } from "../run/store";
import type { ParamsLocation } from "./settings";

export class SaveCancelled extends Error {
  override readonly name = "SaveCancelled";
}

/** Saves the parameters of the run in `runDir`; resolves with a line for the user. Rejects with SaveCancelled when the user backs out. */
export async function saveParameters(runDir: string, location: ParamsLocation): Promise<string> {
  const objectiveFile = RunStore.open(runDir).readConfig().objective.file;
  let target = defaultParamsPath(objectiveFile);
  if (location === "ask") {
    const chosen = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(target),
      filters: { JSON: ["json"] },
      saveLabel: "Save Parameters",
      title: "Save the tuned parameters",
    });
    if (!chosen) throw new SaveCancelled("Not saved: no file was chosen.");
    target = chosen.fsPath;
  }
  let force = false;
  try {
    checkParamsTarget(target, objectiveFile);
  } catch (error) {
    if (!(error instanceof ParamsConflictError)) throw error;
    const replace = "Replace";
    const choice = await vscode.window.showWarningMessage(`${path.basename(target)} exists and does not hold parameters of ${path.basename(objectiveFile)}.`, { modal: true, detail: error.message }, replace);
    if (choice !== replace) throw new SaveCancelled(`Not saved: ${path.basename(target)} was kept.`);
    force = true;
  }
  const written = saveRunParameters(runDir, target, { force });
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(written));
  // Beside the active editor: saving from the dashboard must not cover the dashboard.
  await vscode.window.showTextDocument(document, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
  return `Saved to ${vscode.workspace.asRelativePath(written)}`;
}
