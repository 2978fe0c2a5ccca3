// Words for a run outside the dashboard: the status bar item and the lines of
// the run log. No vscode import.
import * as path from "node:path";
import type { RunErrorRecord, RunProgress, RunResult, RunStarted } from "../run/types";
import { reasonOf } from "./runView";

/** 4 significant digits, exponent form when very large or small; "-" when not finite. */
export function formatValue(x: number): string {
  if (!Number.isFinite(x)) return "-";
  if (x === 0) return "0";
  const magnitude = Math.abs(x);
  if (magnitude >= 1e6 || magnitude < 1e-3) return x.toExponential(3);
  return String(Number(x.toPrecision(5)));
}

export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "-";
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export interface StatusFigures {
  optimizer: string;
  state: "starting" | "running" | "paused";
  iteration: number;
  best: number;
  /** Other runs going at the same time (other objectives). */
  others: number;
}

/** The status bar item: an icon for the state, the optimizer, the iteration and the best value. */
export function statusBarText(figures: StatusFigures): string {
  const icon = figures.state === "paused" ? "$(debug-pause)" : "$(sync~spin)";
  const more = figures.others > 0 ? ` (+${figures.others})` : "";
  if (figures.state === "starting") return `${icon} zoar: starting ${figures.optimizer}${more}`;
  return `${icon} zoar: ${figures.optimizer} · it ${formatCount(figures.iteration)} · best ${formatValue(figures.best)}${more}`;
}

/** file:line:column of a failure, when it points at one. */
export function errorPlace(error: RunErrorRecord): string | undefined {
  if (!error.file) return undefined;
  if (error.line === undefined) return error.file;
  return error.column === undefined ? `${error.file}:${error.line}` : `${error.file}:${error.line}:${error.column}`;
}

export function startedLine(runId: string, started: RunStarted): string {
  const { config } = started;
  const stop = Object.entries(config.stop)
    .map(([key, value]) => `${key} ${value}`)
    .join(", ");
  const provider = started.provider ? `, ONNX provider ${started.provider}` : "";
  const note = started.providerNote ? ` (${started.providerNote})` : "";
  return `run ${runId}: ${config.optimizer} on ${config.objective.name} (d = ${config.objective.dimension}), seed ${config.seed}, stop at ${stop || "no limit"}${provider}${note}; folder ${started.runDir}`;
}

export function progressLine(runId: string, progress: RunProgress): string {
  return `run ${runId}: iteration ${formatCount(progress.iteration)}, evaluations ${formatCount(progress.evaluations)}, value ${formatValue(progress.value)}, best ${formatValue(progress.best)}, ${formatSeconds(progress.elapsedMs)}`;
}

export function finishedLine(runId: string, result: RunResult): string {
  const figures = `${formatCount(result.iterations)} iterations, ${formatCount(result.evaluations)} evaluations, best ${formatValue(result.bestValue)}, ${formatSeconds(result.elapsedMs)}`;
  const error = result.error;
  const place = error ? errorPlace(error) : undefined;
  // Objective errors name their place already (relative to the objective's folder).
  const named = error?.file !== undefined && error.line !== undefined && error.message.includes(`${path.basename(error.file)}:${error.line}`);
  const where = place && !named ? ` at ${place}` : "";
  return `run ${runId} ${result.status}: ${reasonOf(result)}${where}; ${figures}`;
}
