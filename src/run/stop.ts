// Stop conditions: checking them, and how far a run is from the nearest one.
import type { StopConditions, StopReason } from "./types";

export class StopConditionError extends Error {
  override readonly name = "StopConditionError";
}

/** Throws naming the first invalid condition. */
export function checkStopConditions(stop: StopConditions): void {
  const rules: [keyof StopConditions, (x: number) => boolean, string][] = [
    ["iterations", (x) => Number.isInteger(x) && x >= 0, "an integer >= 0"],
    ["evaluations", (x) => Number.isInteger(x) && x >= 1, "an integer >= 1"],
    ["target", (x) => !Number.isNaN(x), "a number"],
    ["timeMs", (x) => x > 0, "a number > 0"],
  ];
  for (const [key, valid, rule] of rules) {
    const value = stop[key];
    if (value !== undefined && (typeof value !== "number" || !valid(value))) {
      throw new StopConditionError(`stop condition ${key} must be ${rule} (got ${String(value)})`);
    }
  }
}

/** Where a run stands, for the checks and the estimate. */
export interface RunPosition {
  /** Completed iterations. */
  iteration: number;
  evaluations: number;
  bestValue: number;
  elapsedMs: number;
}

/** The condition that forbids starting the next iteration, which costs `rowsPerIteration` evaluations. */
export function stopBeforeIteration(stop: StopConditions, at: RunPosition, rowsPerIteration: number): StopReason | undefined {
  if (stop.target !== undefined && at.bestValue <= stop.target) return "target";
  if (stop.iterations !== undefined && at.iteration >= stop.iterations) return "iterations";
  if (stop.evaluations !== undefined && at.evaluations + rowsPerIteration > stop.evaluations) return "evaluations";
  if (stop.timeMs !== undefined && at.elapsedMs >= stop.timeMs) return "time";
  return undefined;
}

/** Pace of the current session (since the run started or resumed). */
export interface Pace {
  msPerIteration: number;
  msPerEvaluation: number;
}

/**
 * Estimated time to the nearest iteration, evaluation or time limit, and the
 * largest fraction of a limit used; both undefined when no such limit is set
 * (a target alone gives no estimate).
 */
export function remaining(stop: StopConditions, at: RunPosition, pace: Pace | undefined): { etaMs?: number; fraction?: number } {
  const etas: number[] = [];
  const fractions: number[] = [];
  if (stop.iterations !== undefined) {
    fractions.push(stop.iterations === 0 ? 1 : at.iteration / stop.iterations);
    if (pace) etas.push(Math.max(0, stop.iterations - at.iteration) * pace.msPerIteration);
  }
  if (stop.evaluations !== undefined) {
    fractions.push(at.evaluations / stop.evaluations);
    if (pace) etas.push(Math.max(0, stop.evaluations - at.evaluations) * pace.msPerEvaluation);
  }
  if (stop.timeMs !== undefined) {
    fractions.push(at.elapsedMs / stop.timeMs);
    etas.push(Math.max(0, stop.timeMs - at.elapsedMs));
  }
  const finiteEtas = etas.filter(Number.isFinite);
  return {
    etaMs: finiteEtas.length > 0 ? Math.min(...finiteEtas) : undefined,
    fraction: fractions.length > 0 ? Math.min(1, Math.max(...fractions)) : undefined,
  };
}
