// The end of `zoar run` and `zoar resume`: save the parameters when asked,
// print the outcome (a summary, or one JSON object with --json), name the
// failure and its place on stderr, and say how to resume.
import type { JsonParameterValues } from "../objective/parameters";
import { parametersOfRun, pointFields, saveRunParameters } from "../run/params";
import type { RunResult, RunStarted, StopReason } from "../run/types";
import { EXIT_FAILED, exitCodeOf } from "./exit";
import type { Followed } from "./follow";
import { describeFailure, displayPath, formatDuration, formatNamedParameters, formatValue } from "./format";

export interface SaveRequest {
  /** Where to write; undefined for beside the objective. */
  file: string | undefined;
  force: boolean;
}

export interface ReportOptions {
  json: boolean;
  save: SaveRequest | undefined;
  started: RunStarted | undefined;
}

const REASONS: Record<StopReason, string> = {
  iterations: "reached the iteration limit",
  evaluations: "reached the evaluation budget",
  target: "reached the target value",
  time: "reached the time limit",
  stopped: "stopped on request",
  objective: "the objective failed",
  error: "the run failed",
};

/** Prints the outcome and returns the exit code. */
export function reportRun({ result }: Followed, options: ReportOptions): number {
  let code = exitCodeOf(result);
  let paramsFile: string | undefined;
  if (options.save && result.status !== "failed" && result.runDir && result.iterations > 0) {
    try {
      paramsFile = saveRunParameters(result.runDir, options.save.file, { force: options.save.force });
    } catch (error) {
      process.stderr.write(`zoar: parameters not saved: ${error instanceof Error ? error.message : String(error)}\n`);
      code = Math.max(code, EXIT_FAILED);
    }
  }
  const best = bestParametersOf(result);
  if (options.json) {
    process.stdout.write(JSON.stringify(jsonSummary(result, options.started, paramsFile, best)) + "\n");
  } else if (result.runDir) {
    process.stdout.write(summary(result, paramsFile, best) + "\n");
  }
  if (result.error) {
    const what = result.reason === "objective" ? "the objective failed" : "the run failed";
    process.stderr.write(`zoar: ${what}: ${describeFailure(result.error)}\n`);
  }
  const hint = resumeHint(result);
  if (hint) process.stderr.write(hint + "\n");
  return code;
}

/** The best point of a run with completed iterations: a vector, or values by name; undefined when unreadable. */
export function bestParametersOf(result: RunResult): number[] | JsonParameterValues | undefined {
  if (!result.runDir || result.iterations === 0) return undefined;
  try {
    const run = parametersOfRun(result.runDir);
    return pointFields(run.parameters, run.space).parameters;
  } catch {
    return undefined;
  }
}

function summary(result: RunResult, paramsFile: string | undefined, best: number[] | JsonParameterValues | undefined): string {
  const rows: [string, string][] = [
    ["status", `${result.status}: ${REASONS[result.reason]}`],
    ["best value", `${formatValue(result.bestValue)}${result.bestIteration >= 0 ? ` (iteration ${result.bestIteration})` : ""}`],
    ["final value", formatValue(result.finalValue)],
    ["evaluations", `${result.evaluations} in ${result.iterations} iterations, ${formatDuration(result.elapsedMs)}`],
    ["run", displayPath(result.runDir!)],
  ];
  if (best && !Array.isArray(best)) rows.splice(1, 0, ["best parameters", formatNamedParameters(best)]);
  if (result.provider) rows.push(["ONNX provider", result.provider]);
  if (result.metrics) {
    const metrics = Object.entries(result.metrics).map(([name, value]) => `${name} ${formatValue(value)}`);
    rows.push(["final metrics", metrics.join(", ")]);
  }
  if (paramsFile) rows.push(["parameters", displayPath(paramsFile)]);
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join("\n");
}

function resumeHint(result: RunResult): string | undefined {
  if (!result.runDir || result.status === "done") return undefined;
  const command = `zoar resume ${displayPath(result.runDir)}`;
  if (result.status === "stopped") return `stopped at iteration ${result.iterations}; resume with: ${command}`;
  if (result.reason === "objective") return `after fixing the objective, continue from the last checkpoint with: ${command}`;
  return `resume from the last checkpoint with: ${command}`;
}

/** The --json object; non-finite numbers become null. `bestParameters`: the best point, by name when the objective declares parameters. */
export function jsonSummary(
  result: RunResult,
  started: RunStarted | undefined,
  paramsFile: string | undefined,
  bestParameters?: number[] | JsonParameterValues,
): Record<string, unknown> {
  const config = started?.config;
  return {
    status: result.status,
    reason: result.reason,
    bestValue: result.bestValue,
    bestIteration: result.bestIteration,
    finalValue: result.finalValue,
    evaluations: result.evaluations,
    iterations: result.iterations,
    elapsedMs: result.elapsedMs,
    runDir: result.runDir ?? null,
    ...(config ? { objective: config.objective.file, optimizer: config.optimizer, seed: config.seed } : {}),
    ...(bestParameters ? { bestParameters } : {}),
    ...(paramsFile ? { paramsFile } : {}),
    ...(result.provider ? { provider: result.provider } : {}),
    ...(result.metrics ? { metrics: result.metrics } : {}),
    ...(result.error ? { error: result.error } : {}),
  };
}
