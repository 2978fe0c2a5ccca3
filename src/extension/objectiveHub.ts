// Every objective this window has touched: its dashboard session, its
// runner, its runs folder. An objective's stored runs are loaded once, when it
// is first asked for. No vscode import: the extension supplies the launcher,
// the runs folder and the display path.
import * as fs from "node:fs";
import * as path from "node:path";
import { newRunId } from "../run/store";
import { type RunDetails, type RunEvents, ObjectiveRunner, type RunLauncher } from "./objectiveRunner";
import { checkRunRequest, type RunRequest, runSettingsFor, withoutAutoLr, type ZoarSettings } from "./settings";
import { loadStoredRuns, readRunDetails } from "./runHistory";
import { storedHeader } from "./runView";
import { ObjectiveSession } from "./session";

export interface ObjectiveEntry {
  readonly objectiveFile: string;
  readonly runsDir: string;
  readonly session: ObjectiveSession;
  readonly runner: ObjectiveRunner;
  /** Settles once the stored runs are in the session. */
  readonly history: Promise<void>;
}

export interface HubOptions {
  launch: RunLauncher;
  events?: RunEvents;
  /** The path shown for an objective (workspace-relative). */
  displayPath(objectiveFile: string): string;
  /** The folder holding an objective's runs. */
  runsDirOf(objectiveFile: string): string;
  readDetails?: (runId: string, runDir: string) => Promise<RunDetails>;
}

/** How a request to start runs went: the run ids, or why nothing started (and which form field is at fault). */
export type StartOutcome = { ok: true; runIds: string[] } | { ok: false; message: string; field?: string };

export interface LiveRunRef {
  objectiveFile: string;
  runId: string;
}

export class ObjectiveHub {
  private readonly entries = new Map<string, ObjectiveEntry>();
  private readonly detailsRequested = new Set<string>();

  constructor(private readonly options: HubOptions) {}

  /** The objective's entry, created (and its stored runs loaded) on first use. */
  get(objectiveFile: string): ObjectiveEntry {
    const file = path.resolve(objectiveFile);
    const known = this.entries.get(file);
    if (known) return known;
    const session = new ObjectiveSession(file, this.options.displayPath(file));
    const runner = new ObjectiveRunner(session, { launch: this.options.launch, events: this.options.events, readDetails: this.details });
    const runsDir = this.options.runsDirOf(file);
    const entry: ObjectiveEntry = { objectiveFile: file, runsDir, session, runner, history: this.loadHistory(session, runsDir) };
    this.entries.set(file, entry);
    return entry;
  }

  find(objectiveFile: string): ObjectiveEntry | undefined {
    return this.entries.get(path.resolve(objectiveFile));
  }

  all(): ObjectiveEntry[] {
    return [...this.entries.values()];
  }

  /** The runs of this window that are going (running, paused or starting), not those waiting in a queue. */
  activeRuns(): LiveRunRef[] {
    const refs: LiveRunRef[] = [];
    for (const entry of this.entries.values()) {
      const runId = entry.runner.activeRunId;
      if (runId !== undefined) refs.push({ objectiveFile: entry.objectiveFile, runId });
    }
    return refs;
  }

  /** Loads a stored run's inspector and parameters once, when it is first selected. */
  loadDetails(entry: ObjectiveEntry, runId: string): void {
    const runDir = entry.session.runDir(runId);
    const key = `${entry.objectiveFile}\n${runId}`;
    if (!runDir || entry.runner.isLive(runId) || entry.session.hasDetails(runId) || this.detailsRequested.has(key)) return;
    this.detailsRequested.add(key);
    this.details(runId, runDir).then(
      (details) => {
        if (details.inspector) entry.session.setInspector(runId, details.inspector);
        if (details.parameters) entry.session.setParameters(runId, details.parameters);
      },
      (error: unknown) => this.options.events?.problem?.(`could not read the checkpoint of run ${runId}: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /**
   * Starts `requests` on an objective, one after another, with the settings'
   * evaluation options. Nothing starts when a run of the objective is going
   * or a request is invalid.
   */
  startRuns(entry: ObjectiveEntry, requests: readonly RunRequest[], settings: ZoarSettings): StartOutcome {
    if (requests.length === 0) return { ok: false, message: "No optimizer was chosen." };
    if (entry.runner.busy) return { ok: false, message: "A run of this objective is in progress; stop it before starting another." };
    const plain = requests.map(withoutAutoLr);
    for (const { request } of plain) {
      const problem = checkRunRequest(request);
      if (problem) return { ok: false, field: problem.field, message: requests.length > 1 ? `${request.optimizer}: ${problem.message}` : problem.message };
    }
    const dirs = this.plannedRunDirs(entry, requests.length);
    const plan = plain.map(({ request }, i) => runSettingsFor(request, { objectiveFile: entry.objectiveFile, runDir: dirs[i], settings }));
    const tags = plain.map(({ request: { variant, seedGroup }, autoLr }) => ({ variant, seedGroup, autoLr }));
    return { ok: true, runIds: entry.runner.start(plan, tags) };
  }

  /** Run folders for `count` new runs of an objective: fresh ids that no folder uses yet. */
  plannedRunDirs(entry: ObjectiveEntry, count: number): string[] {
    const dirs: string[] = [];
    while (dirs.length < count) {
      const dir = path.join(entry.runsDir, newRunId());
      if (!dirs.includes(dir) && !fs.existsSync(dir) && !entry.session.hasRun(path.basename(dir))) dirs.push(dir);
    }
    return dirs;
  }

  /** Stops every run and cancels those waiting; resolves once all have ended. */
  async stopAll(): Promise<void> {
    for (const entry of this.entries.values()) entry.runner.stopAll();
    await Promise.all([...this.entries.values()].map((entry) => entry.runner.whenIdle()));
  }

  private readonly details = (runId: string, runDir: string): Promise<RunDetails> => (this.options.readDetails ?? readRunDetails)(runId, runDir);

  private async loadHistory(session: ObjectiveSession, runsDir: string): Promise<void> {
    // Let the caller attach its listeners and start runs first.
    await Promise.resolve();
    const problem = (message: string) => this.options.events?.problem?.(message);
    try {
      const runs = await loadStoredRuns(runsDir, session.objectiveFile, { skip: (runId) => session.hasRun(runId), onProblem: problem });
      for (const run of runs) {
        const header = storedHeader(run, "");
        session.addStoredRun({ runId: run.id, header, runDir: run.dir, created: run.config.created }, run.points);
        if (run.result) session.appendFinalMetrics(run.id, run.result);
      }
      // The newest run describes the objective until a run of this window loads it.
      const newest = runs[runs.length - 1];
      if (newest && Number.isNaN(session.objective.dimension)) {
        const { objective } = newest.config;
        session.setObjectiveInfo({ name: objective.name, dimension: objective.dimension, description: objective.description, optimizerDefaults: objective.optimizerDefaults });
      }
    } catch (error) {
      problem(`the runs in ${runsDir} could not be listed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
