// The Runs view's data: the stored runs of every runs folder the window knows,
// grouped by objective file, each with the status this window knows best (a
// run of this window may be paused; the store only knows it is held by a live
// process). No vscode import: the view (runsView.ts) turns it into tree items.
import * as fs from "node:fs";
import * as path from "node:path";
import { listRuns, readRunSummary, RUN_FILES, type RunSummary } from "../run/store";
import { formatCount, formatValue } from "./runText";

/** What the tree shows of a run's state. "interrupted": no result and no live process (resumable). */
export type RunsTreeStatus = "starting" | "running" | "paused" | "done" | "failed" | "stopped" | "interrupted";

/** The state of a run this window is running, as its runner knows it. */
export type LiveState = "starting" | "running" | "paused";

export interface RunNode {
  kind: "run";
  summary: RunSummary;
  status: RunsTreeStatus;
}

export interface ObjectiveGroup {
  kind: "objective";
  objectiveFile: string;
  /** Newest first. */
  runs: RunNode[];
}

export type RunsTreeNode = ObjectiveGroup | RunNode;

/** A ThemeIcon id and the theme color that tints it, per status. */
export const STATUS_ICONS: Readonly<Record<RunsTreeStatus, { icon: string; color?: string }>> = {
  starting: { icon: "loading~spin" },
  running: { icon: "sync~spin", color: "charts.blue" },
  paused: { icon: "debug-pause", color: "charts.yellow" },
  done: { icon: "pass", color: "testing.iconPassed" },
  failed: { icon: "error", color: "testing.iconFailed" },
  stopped: { icon: "debug-stop" },
  interrupted: { icon: "debug-disconnect", color: "charts.orange" },
};

export function runStatus(summary: RunSummary, live: LiveState | undefined): RunsTreeStatus {
  // This window's runner knows paused from running; the store cannot tell them apart.
  if (live !== undefined && (summary.status === "running" || summary.status === "interrupted")) return live;
  return summary.status;
}

/** Runs grouped by objective file; groups ordered by their newest run, newest first. */
export function groupRuns(runs: readonly RunSummary[], live: (runId: string) => LiveState | undefined = () => undefined): ObjectiveGroup[] {
  const groups = new Map<string, ObjectiveGroup>();
  const newestFirst = [...runs].sort((a, b) => b.created.localeCompare(a.created) || b.id.localeCompare(a.id));
  for (const summary of newestFirst) {
    const file = path.resolve(summary.objectiveFile);
    let group = groups.get(file);
    if (!group) {
      group = { kind: "objective", objectiveFile: file, runs: [] };
      groups.set(file, group);
    }
    group.runs.push({ kind: "run", summary, status: runStatus(summary, live(summary.id)) });
  }
  return [...groups.values()];
}

/** "best 0.0123 · 1,000 it": the figures beside a run's optimizer. */
export function runDescription(node: RunNode): string {
  const { summary, status } = node;
  const parts = [`best ${formatValue(summary.bestValue)}`, `${formatCount(summary.iterations)} it`];
  if (status !== "done") parts.push(status);
  return parts.join(" · ");
}

export function runTooltip(node: RunNode): string {
  const { summary, status } = node;
  const state = status === "interrupted" ? "interrupted (resumable)" : status;
  return [`${summary.optimizer} on ${summary.objective}: ${state}`, `best ${formatValue(summary.bestValue)} after ${formatCount(summary.iterations)} iterations`, `run ${summary.id}`, summary.dir].join("\n");
}

/** The item's contextValue: menus test it with `viewItem =~ /.../`. */
export function runContextValue(node: RunNode): string {
  const resumable = node.status === "interrupted" || node.status === "stopped" || node.status === "paused";
  const stoppable = node.status === "running" || node.status === "paused" || node.status === "starting";
  return ["run", resumable ? "resumable" : "", stoppable ? "stoppable" : "", stoppable ? "" : "deletable"].filter(Boolean).join(" ");
}

/** An objective's record so far, for the CodeLens: `best 0.0123 · zoar · 3 runs`. */
export interface ObjectiveRecord {
  runs: number;
  bestValue: number;
  bestOptimizer: string | undefined;
}

export function objectiveRecord(group: ObjectiveGroup | undefined): ObjectiveRecord {
  const record: ObjectiveRecord = { runs: group?.runs.length ?? 0, bestValue: NaN, bestOptimizer: undefined };
  for (const { summary } of group?.runs ?? []) {
    if (!Number.isFinite(summary.bestValue)) continue;
    if (Number.isNaN(record.bestValue) || summary.bestValue < record.bestValue) {
      record.bestValue = summary.bestValue;
      record.bestOptimizer = summary.optimizer;
    }
  }
  return record;
}

export function recordText(record: ObjectiveRecord): string {
  const runs = `${record.runs} run${record.runs === 1 ? "" : "s"}`;
  if (record.bestOptimizer === undefined) return runs;
  return `best ${formatValue(record.bestValue)} · ${record.bestOptimizer} · ${runs}`;
}

/**
 * The runs of a set of runs folders, read again on refresh(). A folder that
 * cannot be listed is reported and the others are still shown.
 */
export class RunsTreeModel {
  private groupList: ObjectiveGroup[] = [];
  private filterFile: string | undefined;
  /** Runs with a result, by folder: they change only when resumed (the result goes) or deleted. */
  private readonly ended = new Map<string, RunSummary>();

  constructor(
    private readonly runsDirs: () => Iterable<string>,
    private readonly live: (runId: string) => LiveState | undefined = () => undefined,
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {}

  /** Reads every runs folder again; an ended run is read once, until its result goes (it was resumed) or its folder does. */
  refresh(): void {
    const byDir = new Map<string, RunSummary>();
    for (const dir of new Set([...this.runsDirs()].map((d) => path.resolve(d)))) {
      try {
        for (const run of this.listRuns(dir)) byDir.set(run.dir, run);
      } catch (error) {
        this.onProblem(`the runs in ${dir} could not be listed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const dir of this.ended.keys()) if (!byDir.has(dir)) this.ended.delete(dir);
    this.groupList = groupRuns([...byDir.values()], this.live);
  }

  /** The runs of one runs folder, with ended runs (their folders hold a result) from the cache. */
  private listRuns(runsDir: string): RunSummary[] {
    return listRuns(runsDir, (dir) => {
      const known = this.ended.get(dir);
      if (known && fs.existsSync(path.join(dir, RUN_FILES.result))) return known;
      const summary = readRunSummary(dir);
      if (summary.status !== "running" && summary.status !== "interrupted") this.ended.set(dir, summary);
      return summary;
    });
  }

  /** Every group, whatever the filter. */
  get allGroups(): readonly ObjectiveGroup[] {
    return this.groupList;
  }

  /** The groups the view shows: all, or the filtered objective's. */
  get groups(): readonly ObjectiveGroup[] {
    return this.filterFile === undefined ? this.groupList : this.groupList.filter((group) => group.objectiveFile === this.filterFile);
  }

  group(objectiveFile: string): ObjectiveGroup | undefined {
    const file = path.resolve(objectiveFile);
    return this.groupList.find((group) => group.objectiveFile === file);
  }

  /** Show only one objective's runs (undefined: all). */
  setFilter(objectiveFile: string | undefined): void {
    this.filterFile = objectiveFile === undefined ? undefined : path.resolve(objectiveFile);
  }

  get filter(): string | undefined {
    return this.filterFile;
  }

  /**
   * Every run's folder: the watcher follows each, since a running run's trace
   * grows there and an ended run may be resumed (its result goes) by another process.
   */
  get runDirs(): string[] {
    return this.groupList.flatMap((group) => group.runs.map((run) => run.summary.dir));
  }
}
