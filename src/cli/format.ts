// How the command line writes numbers, durations, paths and failures.
import * as path from "node:path";
import type { JsonParameterValues } from "../objective/parameters";
import type { RunErrorRecord } from "../run/types";

/** Six significant digits, exponent form for very small or large magnitudes; NaN and the infinities as words. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e7)) return value.toExponential(5).replace(/\.?0+e/, "e");
  return String(Number(value.toPrecision(6)));
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "?";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.round(seconds % 60)).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "?";
  return perSecond >= 100 ? Math.round(perSecond).toLocaleString("en-US") : perSecond.toPrecision(3);
}

/** Relative to the current folder when inside it, else absolute. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" ? "." : relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/** `file:line:column` of a failure, when it has one. */
export function failurePlace(error: RunErrorRecord): string | undefined {
  if (error.file === undefined || error.line === undefined) return undefined;
  return `${displayPath(error.file)}:${error.line}${error.column === undefined ? "" : `:${error.column}`}`;
}

/** What stderr gets for a failed run: the message (it names the iteration and query), then the place as file:line:col from here. */
export function describeFailure(error: RunErrorRecord): string {
  const place = failurePlace(error);
  return place ? `${error.message}\n  at ${place}` : error.message;
}

/** `learningRate 0.0031, layers 3, solver "gmres", weights [64 values]`: named parameters on one line. */
export function formatNamedParameters(values: JsonParameterValues): string {
  return Object.entries(values)
    .map(([name, value]) => {
      if (Array.isArray(value)) return `${name} [${value.length} values]`;
      return `${name} ${typeof value === "number" ? formatValue(value) : JSON.stringify(value)}`;
    })
    .join(", ");
}
