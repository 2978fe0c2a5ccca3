// What the window shows of runs outside their dashboards: the status bar item
// (optimizer, iteration, best value; a click opens the dashboard), the run log
// in the output channel, context keys for the commands' when-clauses, and an
// error notification when a run fails, whose "Show" opens the failing line.
import * as path from "node:path";
import * as vscode from "vscode";
import type { RunErrorRecord, RunProgress, RunResult, RunStarted } from "../run/types";
import { COMMANDS, CONTEXT_KEYS } from "./commandIds";
import type { RunEventBase, RunEvents } from "./objectiveRunner";
import { errorPlace, finishedLine, progressLine, startedLine, statusBarText } from "./runText";

/** Least time between two progress lines of one run in the log. */
const LOG_PROGRESS_EVERY_MS = 5000;

interface ActiveRun {
  objectiveFile: string;
  optimizer: string;
  state: "starting" | "running" | "paused";
  iteration: number;
  best: number;
  lastLogged: number;
}

export class RunMonitor implements RunEvents, vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly runs = new Map<string, ActiveRun>();
  /** The run the status bar shows: the one that reported last. */
  private shown: string | undefined;
  private readonly failureListeners = new Set<(event: RunEventBase, error: RunErrorRecord) => void>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.item = vscode.window.createStatusBarItem("zoar.run", vscode.StatusBarAlignment.Left, 50);
    this.item.name = "zoar run";
    void this.updateContext();
  }

  launched(event: RunEventBase): void {
    this.runs.set(event.runId, { objectiveFile: event.objectiveFile, optimizer: event.optimizer, state: "starting", iteration: 0, best: NaN, lastLogged: -Infinity });
    this.log.info(`run ${event.runId}: starting ${event.optimizer} on ${event.objectiveFile}`);
    this.show(event.runId);
  }

  started(event: RunEventBase & { started: RunStarted }): void {
    const run = this.runs.get(event.runId);
    if (run) run.state = "running";
    this.log.info(startedLine(event.runId, event.started));
    if (event.started.providerNote) this.log.warn(`run ${event.runId}: ${event.started.providerNote}`);
    if (event.started.checkpointFallback) this.log.warn(`run ${event.runId}: ${event.started.checkpointFallback}`);
    this.show(event.runId);
  }

  progress(event: RunEventBase & { progress: RunProgress }): void {
    const run = this.runs.get(event.runId);
    if (!run) return;
    const { progress } = event;
    const state = progress.state === "paused" ? "paused" : "running";
    if (state !== run.state && run.state !== "starting") this.log.info(`run ${event.runId}: ${state}`);
    run.state = state;
    run.iteration = progress.iteration;
    run.best = progress.best;
    const now = performance.now();
    if (now - run.lastLogged >= LOG_PROGRESS_EVERY_MS) {
      run.lastLogged = now;
      this.log.info(progressLine(event.runId, progress));
    }
    this.show(event.runId);
  }

  finished(event: RunEventBase & { result: RunResult }): void {
    const { result } = event;
    this.runs.delete(event.runId);
    const line = finishedLine(event.runId, result);
    if (result.status === "failed") this.log.error(line);
    else this.log.info(line);
    this.show([...this.runs.keys()].pop());
    if (result.status !== "failed") return;
    const error = result.error ?? { message: "the run failed" };
    void this.notifyFailure(event, error);
    for (const listener of this.failureListeners) listener(event, error);
  }

  /** Called when a run fails, after the notification is shown. */
  onRunFailed(listener: (event: RunEventBase, error: RunErrorRecord) => void): void {
    this.failureListeners.add(listener);
  }

  problem(message: string): void {
    this.log.warn(message);
  }

  note(message: string): void {
    this.log.info(message);
  }

  private show(runId: string | undefined): void {
    this.shown = runId !== undefined && this.runs.has(runId) ? runId : undefined;
    const run = this.shown === undefined ? undefined : this.runs.get(this.shown);
    if (!run) this.item.hide();
    else {
      this.item.text = statusBarText({ optimizer: run.optimizer, state: run.state, iteration: run.iteration, best: run.best, others: this.runs.size - 1 });
      this.item.tooltip = `${run.optimizer} on ${path.basename(run.objectiveFile)} (run ${this.shown}): click to open its dashboard`;
      this.item.command = { title: "Open Dashboard", command: COMMANDS.openDashboard, arguments: [vscode.Uri.file(run.objectiveFile)] };
      this.item.show();
    }
    void this.updateContext();
  }

  private async updateContext(): Promise<void> {
    const states = [...this.runs.values()].map((run) => run.state);
    await vscode.commands.executeCommand("setContext", CONTEXT_KEYS.active, states.length > 0);
    await vscode.commands.executeCommand("setContext", CONTEXT_KEYS.running, states.includes("running"));
    await vscode.commands.executeCommand("setContext", CONTEXT_KEYS.paused, states.includes("paused"));
  }

  private async notifyFailure(event: RunEventBase, error: RunErrorRecord): Promise<void> {
    const showAction = "Show";
    const logAction = "Show Log";
    const place = errorPlace(error);
    const message = `zoar: ${event.optimizer} on ${path.basename(event.objectiveFile)} failed: ${error.message}`;
    const choice = await vscode.window.showErrorMessage(message, showAction, logAction);
    if (choice === logAction) this.log.show(true);
    if (choice === showAction) await openAt(error.file ?? event.objectiveFile, error.line, error.column, place === undefined);
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** Opens a file with the cursor on a 1-based line and column (the objective's own error positions). */
export async function openAt(file: string, line: number | undefined, column: number | undefined, preview = false): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const position = new vscode.Position(Math.max(0, (line ?? 1) - 1), Math.max(0, (column ?? 1) - 1));
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), preview });
}
