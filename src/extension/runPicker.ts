// Picking a stored run: "Show Runs" and "Save Tuned Parameters" list the runs
// in the runs folders of the workspace (and of any objective this window
// opened outside it), newest first.
import * as path from "node:path";
import * as vscode from "vscode";
import { listRuns, type RunSummary } from "../run/store";
import { formatCount, formatValue } from "./runText";

export interface RunPick extends vscode.QuickPickItem {
  summary: RunSummary;
}

/** The runs under `runsDirs`, each once, newest first. */
export function collectRuns(runsDirs: Iterable<string>, onProblem: (message: string) => void): RunSummary[] {
  const byDir = new Map<string, RunSummary>();
  for (const dir of new Set(runsDirs)) {
    try {
      for (const run of listRuns(dir)) byDir.set(run.dir, run);
    } catch (error) {
      onProblem(`the runs in ${dir} could not be listed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return [...byDir.values()].sort((a, b) => b.created.localeCompare(a.created) || b.id.localeCompare(a.id));
}

export function runPick(summary: RunSummary): RunPick {
  return {
    label: `${summary.optimizer} on ${summary.objective}`,
    description: `${summary.status} · ${formatCount(summary.iterations)} iterations · best ${formatValue(summary.bestValue)}`,
    detail: `${summary.id} · ${vscode.workspace.asRelativePath(summary.objectiveFile)} · ${path.basename(path.dirname(summary.dir))}`,
    summary,
  };
}

export async function pickRun(runs: RunSummary[], placeHolder: string): Promise<RunSummary | undefined> {
  if (runs.length === 0) {
    void vscode.window.showInformationMessage("zoar: no runs yet. Run an objective with “zoar: Optimize Objective”.");
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(runs.map(runPick), { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return picked?.summary;
}
