// Progress of this window's runs where VS Code shows progress: a window
// progress entry (the status bar spinner) from the start of each run, and,
// for a run still going after LONG_RUN_MS, a notification with its iteration
// and best value whose Cancel stops it (it stays resumable). The status bar
// item of RunMonitor stays: its click opens the dashboard.
import * as path from "node:path";
import * as vscode from "vscode";
import type { RunProgress } from "../run/types";
import type { RunEventBase, RunEvents } from "./objectiveRunner";
import { formatCount, formatValue } from "./runText";

/** A run lasting longer than this gets a notification with a Stop (Cancel) button. */
export const LONG_RUN_MS = 10_000;

interface Reporter {
  report(value: { message?: string; increment?: number }): void;
}

interface Tracked {
  event: RunEventBase;
  done: () => void;
  finished: Promise<void>;
  window: Reporter | undefined;
  notification: Reporter | undefined;
  /** Fraction of the run reported to the notification so far, in percent. */
  reported: number;
  latest: RunProgress | undefined;
  timer: NodeJS.Timeout;
}

export function progressText(progress: RunProgress): string {
  return `iteration ${formatCount(progress.iteration)} · best ${formatValue(progress.best)}${progress.state === "paused" ? " · paused" : ""}`;
}

export class RunProgressNotifier implements RunEvents, vscode.Disposable {
  private readonly runs = new Map<string, Tracked>();

  /** @param stop stops a run of this window (the notification's Cancel) */
  constructor(private readonly stop: (event: RunEventBase) => void) {}

  launched(event: RunEventBase): void {
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const tracked: Tracked = { event, done, finished, window: undefined, notification: undefined, reported: 0, latest: undefined, timer: setTimeout(() => this.notify(tracked), LONG_RUN_MS) };
    this.runs.set(event.runId, tracked);
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `zoar: ${event.optimizer}` }, (progress) => {
      tracked.window = progress;
      return finished;
    });
  }

  progress(event: RunEventBase & { progress: RunProgress }): void {
    const tracked = this.runs.get(event.runId);
    if (!tracked) return;
    tracked.latest = event.progress;
    const message = progressText(event.progress);
    tracked.window?.report({ message });
    this.reportNotification(tracked, message);
  }

  finished(event: RunEventBase): void {
    const tracked = this.runs.get(event.runId);
    if (!tracked) return;
    this.runs.delete(event.runId);
    clearTimeout(tracked.timer);
    tracked.done();
  }

  private notify(tracked: Tracked): void {
    if (!this.runs.has(tracked.event.runId)) return;
    const { event } = tracked;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `zoar: ${event.optimizer} on ${path.basename(event.objectiveFile)}`, cancellable: true },
      (progress, cancel) => {
        tracked.notification = progress;
        cancel.onCancellationRequested(() => this.stop(event));
        if (tracked.latest) this.reportNotification(tracked, progressText(tracked.latest));
        return tracked.finished;
      },
    );
  }

  private reportNotification(tracked: Tracked, message: string): void {
    if (!tracked.notification) return;
    // The bar fills with the nearest limit's fraction, when the run has one.
    const percent = Math.floor((tracked.latest?.fraction ?? 0) * 100);
    const increment = Math.max(0, percent - tracked.reported);
    tracked.reported += increment;
    tracked.notification.report({ message, increment });
  }

  dispose(): void {
    for (const tracked of this.runs.values()) {
      clearTimeout(tracked.timer);
      tracked.done();
    }
    this.runs.clear();
  }
}
