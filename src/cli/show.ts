// `zoar show <run>`: a run's configuration, its outcome and its last trace lines.
import { Command } from "commander";
import { DEFAULT_RUNS_DIR, readRun, resolveRunDir, type RunDetails, RunStore } from "../run/store";
import { traceCsv } from "../run/traceCsv";
import type { StopConditions } from "../run/types";
import { UsageError } from "./exit";
import type { JsonParameterValues } from "../objective/parameters";
import { namedParameters, parametersOfRun } from "../run/params";
import { describeFailure, displayPath, formatDuration, formatNamedParameters, formatValue } from "./format";
import { integer } from "./parse";
import { formatTable } from "./table";

export function showCommand(): Command {
  return new Command("show")
    .description("show a run: configuration, result and last trace lines")
    .argument("<run>", "run folder, or run id under --runs-dir")
    .option("--runs-dir <dir>", "where runs are stored", DEFAULT_RUNS_DIR)
    .option("--lines <n>", "trace lines to show", integer(0), 10)
    .option("--json", "one JSON object on stdout: config, result, checkpoint, lastTrace")
    .option("--csv", "the whole trace as CSV on stdout, one row per iteration")
    .action((run: string, flags: { runsDir: string; lines: number; json?: boolean; csv?: boolean }) => {
      if (flags.json && flags.csv) throw new UsageError("--json and --csv cannot be given together");
      let details: RunDetails;
      try {
        const dir = resolveRunDir(run, flags.runsDir);
        if (flags.csv) {
          process.stdout.write(traceCsv(RunStore.open(dir).readTrace().lines));
          return;
        }
        details = readRun(dir, flags.lines);
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      process.stdout.write((flags.json ? JSON.stringify(details) : describeRun(details)) + "\n");
    });
}

function describeStop(stop: StopConditions): string {
  const parts: string[] = [];
  if (stop.iterations !== undefined) parts.push(`${stop.iterations} iterations`);
  if (stop.evaluations !== undefined) parts.push(`${stop.evaluations} evaluations`);
  if (stop.target !== undefined) parts.push(`best <= ${stop.target}`);
  if (stop.timeMs !== undefined) parts.push(formatDuration(stop.timeMs));
  return parts.length > 0 ? parts.join(", ") : "when stopped";
}

function describeRun({ dir, config, result, checkpoint, lastTrace, traceLines }: RunDetails): string {
  const overrides = Object.entries(config.overrides).map(([key, value]) => `${key}=${String(value)}`);
  const settings = Object.entries(config.config).map(([key, value]) => `${key} ${String(value)}`);
  const rows: [string, string][] = [
    ["run", displayPath(dir)],
    ["objective", `${config.objective.name} (${displayPath(config.objective.file)}, ${sizeOf(config.objective)})`],
    ["optimizer", `${config.optimizer}${overrides.length > 0 ? ` with ${overrides.join(", ")}` : ""}, seed ${config.seed}`],
    ["settings", settings.join(", ")],
    ["stop", describeStop(config.stop)],
    ["evaluation", `timeout ${config.timeoutMs > 0 ? formatDuration(config.timeoutMs) : "none"}, non-finite values: ${config.nonFinite}${config.provider ? `, ONNX provider ${config.provider}` : ""}`],
    ["created", config.created],
  ];
  if (config.initialFile) rows.push(["started from", displayPath(config.initialFile)]);
  if (result) {
    rows.push(
      ["status", `${result.status} (${result.reason}), ${result.finished}`],
      ["best value", `${formatValue(result.bestValue)} (iteration ${result.bestIteration})`],
      ["final value", formatValue(result.finalValue)],
      ["evaluations", `${result.evaluations} in ${result.iterations} iterations, ${formatDuration(result.elapsedMs)}`],
    );
    if (result.provider) rows.push(["ONNX provider", result.provider]);
  } else {
    rows.push(["status", `no result: running or interrupted; ${traceLines} iterations traced`]);
  }
  if (checkpoint) rows.push(["checkpoint", `iteration ${checkpoint.iteration} (${checkpoint.written})`]);
  const best = config.objective.parameters && checkpoint && checkpoint.iteration > 0 ? bestNamedParameters(dir) : undefined;
  if (best) rows.push(["best parameters", formatNamedParameters(best)]);
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`);
  if (result?.error) lines.push("", `error: ${describeFailure(result.error)}`);
  if (lastTrace.length > 0) {
    const columns = ["iteration", "evaluations", "value", "best", "gradient norm", "step norm", "elapsed"];
    const trace = lastTrace.map((l) => [
      String(l.iteration),
      String(l.evaluations),
      formatValue(l.value),
      formatValue(l.best),
      formatValue(l.gradientNorm),
      formatValue(l.stepNorm),
      formatDuration(l.elapsedMs),
    ]);
    lines.push("", `last ${lastTrace.length} of ${traceLines} iterations:`, formatTable(columns, trace));
  }
  return lines.join("\n");
}

/** The best point by name, from the checkpoint; undefined when it cannot be read. */
function bestNamedParameters(dir: string): JsonParameterValues | undefined {
  try {
    const { parameters, space } = parametersOfRun(dir);
    return space ? namedParameters(parameters, space) : undefined;
  } catch {
    return undefined;
  }
}

/** `10 parameters`, or `5 parameters in 22 coordinates` for named ones. */
function sizeOf(objective: RunDetails["config"]["objective"]): string {
  const { dimension, parameters } = objective;
  return parameters ? `${Object.keys(parameters).length} parameters in ${dimension} coordinates` : `${dimension} parameters`;
}
