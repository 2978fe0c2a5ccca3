// What the dashboard shows of a run, from what the run layer reports: trace
// lines become chart points, progress events and results become run headers,
// the optimizer's inspection becomes the history-buffer inspector's data.
// Pure functions, no vscode import.
import type { Inspection, SearchInspection } from "../engine";
import { describeEvaluator, type EvaluatorStatus } from "../objective/batch-evaluator";
import type { InspectionSummary, RunConfig, RunProgress, RunResult, RunState, StopConditions, StopReason, TraceLine } from "../run/types";
import { type InspectorData, type RunHeader, type RunStatus, type SearchData, type StopSettings, type WireNumber, toWireNumber } from "../protocol";
import type { TracePoint } from "./decimate";

export function tracePointOf(line: TraceLine): TracePoint {
  const { iteration, evaluations, value, best, baseline, gradientNorm, stepNorm, metrics } = line;
  return { iteration, evaluations, value, best, baseline, gradientNorm, stepNorm, ...(metrics ? { metrics } : {}) };
}

/** The stop conditions the dashboard shows (a time limit has no field there). */
export function stopSettingsOf(stop: StopConditions): StopSettings {
  const shown: StopSettings = {};
  if (stop.iterations !== undefined) shown.iterations = stop.iterations;
  if (stop.evaluations !== undefined) shown.evaluations = stop.evaluations;
  if (stop.target !== undefined) shown.target = stop.target;
  return shown;
}

/** "cpu" -> "CPU", "cpu,cuda" -> "CPU, CUDA"; null for objectives without an ONNX model. */
export function providerLabel(provider: string | undefined | null): string | null {
  if (!provider) return null;
  return provider
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((name) => name.toUpperCase())
    .join(", ");
}

const REASON_TEXT: Record<StopReason, string> = {
  iterations: "iteration limit reached",
  evaluations: "evaluation budget used",
  target: "target value reached",
  time: "time limit reached",
  stopped: "stopped",
  objective: "the objective failed",
  error: "an error ended the run",
};

/** Why a run ended, in words: the error's own message when it failed. */
export function reasonOf(result: RunResult): string {
  return result.error?.message ?? REASON_TEXT[result.reason] ?? String(result.reason);
}

export function liveStatus(state: RunState | "starting"): RunStatus {
  return state === "finished" ? "running" : state;
}

function rate(evaluations: number, elapsedMs: number): WireNumber {
  return elapsedMs > 0 ? toWireNumber((evaluations * 1000) / elapsedMs) : null;
}

export interface HeaderIdentity {
  runId: string;
  label: string;
  optimizer: string;
  seed: number;
  stop: StopSettings;
}

/** The header of a run that has not reported anything yet (queued or loading its objective). */
export function startingHeader(identity: HeaderIdentity): RunHeader {
  return {
    ...identity,
    status: "starting",
    iteration: 0,
    evaluations: 0,
    value: null,
    bestValue: null,
    elapsedMs: 0,
    evaluationsPerSecond: null,
    provider: null,
  };
}

/** The header after a progress event; a "finished" event keeps the run running until its result says how it ended. */
export function progressHeader(previous: RunHeader, progress: RunProgress): RunHeader {
  return {
    ...previous,
    status: liveStatus(progress.state),
    iteration: progress.iteration,
    evaluations: progress.evaluations,
    value: toWireNumber(progress.value),
    bestValue: toWireNumber(progress.best),
    elapsedMs: progress.elapsedMs,
    evaluationsPerSecond: toWireNumber(progress.evaluationsPerSecond),
    ...(progress.evaluator ? { evaluator: evaluatorLabel(progress.evaluator) } : {}),
  };
}

/** "queue redis://host:port, 6 workers", or "waiting for workers on redis://host:port". */
export function evaluatorLabel(status: EvaluatorStatus): string {
  return status.waitingForWorkers ? `waiting for workers on ${status.label.replace(/^queue /, "")}` : describeEvaluator(status);
}

/** The header once the run has ended. */
export function resultHeader(previous: RunHeader, result: RunResult): RunHeader {
  const ranAtAll = result.iterations > 0 || result.runDir !== undefined;
  return {
    ...previous,
    status: result.status,
    reason: reasonOf(result),
    iteration: ranAtAll ? result.iterations : previous.iteration,
    evaluations: ranAtAll ? result.evaluations : previous.evaluations,
    value: ranAtAll ? toWireNumber(result.finalValue) : previous.value,
    bestValue: ranAtAll ? toWireNumber(result.bestValue) : previous.bestValue,
    elapsedMs: ranAtAll ? result.elapsedMs : previous.elapsedMs,
    evaluationsPerSecond: ranAtAll ? rate(result.evaluations, result.elapsedMs) : previous.evaluationsPerSecond,
    provider: providerLabel(result.provider) ?? previous.provider,
  };
}

/** A run read back from its folder: its config, its result when it ended, and the last line of its trace. */
export interface StoredRunFacts {
  id: string;
  config: RunConfig;
  result: RunResult | undefined;
  lastLine: TraceLine | undefined;
  /** A live process other than this one is running it (the command line, another window). */
  runningElsewhere: boolean;
}

/** The header of a run from another session: ended, interrupted (resumable), or running in another process. */
export function storedHeader(facts: StoredRunFacts, label: string): RunHeader {
  const { id, config, result, lastLine } = facts;
  const identity: HeaderIdentity = { runId: id, label, optimizer: config.optimizer, seed: config.seed, stop: stopSettingsOf(config.stop) };
  const base = startingHeader(identity);
  if (result) return resultHeader({ ...base, status: "done" }, result);
  const iteration = lastLine ? lastLine.iteration + 1 : 0;
  const evaluations = lastLine?.evaluations ?? 0;
  const elapsedMs = lastLine?.elapsedMs ?? 0;
  return {
    ...base,
    // Only this window's runs can be paused or stopped from here.
    status: "stopped",
    reason: facts.runningElsewhere ? "running in another process" : "interrupted (resumable with zoar resume)",
    iteration,
    evaluations,
    value: toWireNumber(lastLine?.value ?? NaN),
    bestValue: toWireNumber(lastLine?.best ?? NaN),
    elapsedMs,
    evaluationsPerSecond: rate(evaluations, elapsedMs),
  };
}

/** "zoar #2": the optimizer and the how-many-th run of it this is, for legends. */
export function runLabel(optimizer: string, ordinal: number): string {
  return `${optimizer} #${ordinal}`;
}

function wireNorms(norms: { gradient: number; theta: number; m: number; v: number }): InspectorData["norms"] {
  return { gradient: toWireNumber(norms.gradient), theta: toWireNumber(norms.theta), m: toWireNumber(norms.m), v: toWireNumber(norms.v) };
}

function wireSearch(search: SearchInspection): SearchData {
  const { spread } = search;
  return {
    variant: search.variant,
    sigma: toWireNumber(search.sigma),
    population: search.population,
    parents: search.parents,
    effectiveParents: toWireNumber(search.effectiveParents),
    topWeights: search.topWeights.map(toWireNumber),
    spread: { min: toWireNumber(spread.min), rms: toWireNumber(spread.rms), max: toWireNumber(spread.max) },
    axisRatio: toWireNumber(search.axisRatio),
    stepPathRatio: toWireNumber(search.stepPathRatio),
  };
}

/** The inspector's data from a live run's progress event. */
export function inspectorFromSummary(runId: string, summary: InspectionSummary): InspectorData {
  return {
    runId,
    optimizer: summary.name,
    iteration: summary.iteration,
    dimension: summary.dimension,
    estimator: summary.config.estimator,
    update: summary.config.update,
    history: summary.config.history,
    baseline: toWireNumber(summary.baseline),
    buffer: summary.buffer,
    bufferCapacity: summary.bufferCapacity,
    heldEstimates: summary.heldEstimates.map((held) => ({ iteration: held.iteration, norm: toWireNumber(held.norm) })),
    norms: wireNorms(summary.norms),
    ...(summary.search ? { search: wireSearch(summary.search) } : {}),
  };
}

function norm(values: Float64Array | Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
}

/** The inspector's data from an optimizer restored from a checkpoint. */
export function inspectorFromInspection(runId: string, inspection: Inspection): InspectorData {
  return {
    runId,
    optimizer: inspection.name,
    iteration: inspection.iteration,
    dimension: inspection.dimension,
    estimator: inspection.config.estimator,
    update: inspection.config.update,
    history: inspection.config.history,
    baseline: toWireNumber(inspection.baseline),
    buffer: inspection.buffer,
    bufferCapacity: inspection.bufferCapacity,
    heldEstimates: inspection.heldEstimates.map((held) => ({ iteration: held.iteration, norm: toWireNumber(held.norm) })),
    norms: wireNorms({ gradient: norm(inspection.gradient), theta: norm(inspection.theta), m: norm(inspection.m), v: norm(inspection.v) }),
    ...(inspection.search ? { search: wireSearch(inspection.search) } : {}),
  };
}
