// Keeps the zoar.editorHasObjective context key in step with the active
// editor, so the editor title shows "Optimize" only on objective files.
import * as vscode from "vscode";
import { CONTEXT_KEYS } from "./commandIds";
import { isObjectiveFileName, objectiveLine } from "./objectiveLines";

/** Typing pauses this long before the key is computed again. */
const EDIT_DELAY_MS = 300;

export function trackObjectiveEditor(): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  let current: boolean | undefined;
  const update = () => {
    const document = vscode.window.activeTextEditor?.document;
    const isObjective = document !== undefined && document.uri.scheme === "file" && isObjectiveFileName(document.fileName) && objectiveLine(document.getText()) >= 0;
    if (isObjective === current) return;
    current = isObjective;
    void vscode.commands.executeCommand("setContext", CONTEXT_KEYS.editorHasObjective, isObjective);
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(update, EDIT_DELAY_MS);
  };
  update();
  const subscriptions = [
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document === vscode.window.activeTextEditor?.document) later();
    }),
  ];
  return {
    dispose: () => {
      clearTimeout(timer);
      for (const subscription of subscriptions) subscription.dispose();
    },
  };
}
