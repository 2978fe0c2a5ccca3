// Runs of earlier sessions, read back from the runs folder: the dashboard
// shows an objective's past runs next to its live ones, and the inspector and
// best parameters of a finished run come from its last checkpoint. File
// contents are read asynchronously so the extension host stays responsive.
// No vscode import.
import * as fs from "node:fs";
import * as path from "node:path";
import { restoreOptimizer } from "../engine";
import { parseExact } from "../run/checkpoint";
import { type Checkpoint, listRuns, RUN_FILES, RunStore, type RunSummary } from "../run/store";
import { parseTraceLine } from "../run/trace";
import type { RunConfig, TraceLine } from "../run/types";
import type { ParameterSpace } from "../objective/parameters";
import { summarizeParameters, type TracePoint } from "./decimate";
import { coordinateMap } from "./parameterRows";
import type { RunDetails } from "./objectiveRunner";
import { inspectorFromInspection, type StoredRunFacts } from "./runView";

/** Past runs the dashboard loads per objective, the newest kept. */
export const MAX_STORED_RUNS = 50;

export interface StoredRun extends StoredRunFacts {
  dir: string;
  points: TracePoint[];
}

/** The complete lines of a trace file (a torn last line is left out); a missing file is an empty trace. */
export async function readTraceLines(file: string): Promise<TraceLine[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const parts = text.split("\n");
  parts.pop(); // "" after the last newline, or a line still being written
  return parts.map((part, index) => parseTraceLine(part, index + 1, file));
}

/** The runs of `objectiveFile` under `runsDir`, oldest first, at most `limit` (the newest). */
export function storedRunsOf(runsDir: string, objectiveFile: string, limit = MAX_STORED_RUNS): RunSummary[] {
  const objective = path.resolve(objectiveFile);
  const mine = listRuns(runsDir).filter((run) => path.resolve(run.objectiveFile) === objective);
  return mine.slice(Math.max(0, mine.length - limit));
}

/** One run folder with its whole trace. */
export async function readStoredRun(summary: RunSummary): Promise<StoredRun> {
  const store = RunStore.open(summary.dir);
  const lines = await readTraceLines(store.file("trace"));
  const points = lines.map(({ iteration, evaluations, value, best, baseline, gradientNorm, stepNorm }) => ({ iteration, evaluations, value, best, baseline, gradientNorm, stepNorm }));
  return {
    id: summary.id,
    dir: summary.dir,
    config: store.readConfig(),
    result: store.readResult(),
    lastLine: lines[lines.length - 1],
    runningElsewhere: summary.status === "running",
    points,
  };
}

/**
 * The stored runs of an objective, read one by one; a damaged run is
 * reported through `onProblem` and left out rather than failing the rest.
 */
export async function loadStoredRuns(
  runsDir: string,
  objectiveFile: string,
  options: { skip?: (runId: string) => boolean; onProblem?: (message: string) => void; limit?: number } = {},
): Promise<StoredRun[]> {
  const runs: StoredRun[] = [];
  for (const summary of storedRunsOf(runsDir, objectiveFile, options.limit)) {
    if (options.skip?.(summary.id)) continue;
    try {
      runs.push(await readStoredRun(summary));
    } catch (error) {
      options.onProblem?.(`run ${summary.id} could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return runs;
}

/** The inspector (the optimizer restored from the checkpoint) and the best parameters of a run. */
export async function readRunDetails(runId: string, runDir: string): Promise<RunDetails> {
  let text: string;
  try {
    text = await fs.promises.readFile(path.join(runDir, RUN_FILES.checkpoint), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  const checkpoint = parseExact(text) as Checkpoint;
  if (checkpoint?.format !== "zoar-checkpoint/1") throw new Error(`${runDir} holds no zoar checkpoint`);
  const space = await declaredParameters(runDir);
  const details: RunDetails = {};
  if (checkpoint.iteration > 0) {
    const { best } = checkpoint;
    details.parameters = summarizeParameters(runId, { value: best.value, iteration: best.iteration, point: best.parameters }, undefined, undefined, space);
  }
  details.inspector = inspectorFromInspection(runId, restoreOptimizer(checkpoint.snapshot).inspect());
  if (space) details.inspector.coordinates = coordinateMap(space);
  return details;
}

/** The named parameters a run's objective declared (config.json), if any. */
async function declaredParameters(runDir: string): Promise<ParameterSpace | undefined> {
  try {
    const config = JSON.parse(await fs.promises.readFile(path.join(runDir, RUN_FILES.config), "utf8")) as RunConfig;
    return config.objective.parameters;
  } catch {
    return undefined;
  }
}
