// A run's trace as CSV, one row per iteration, for spreadsheets and plotting
// scripts: `zoar show --csv` and the dashboard's Export Trace write it.
// Non-finite numbers (no baseline yet, ...) are empty cells.
import type { TraceLine } from "./types";

export const TRACE_CSV_COLUMNS = ["iteration", "evaluations", "value", "best", "baseline", "gradientNorm", "stepNorm", "elapsedMs", "skipped"] as const;

function cell(value: number | undefined): string {
  return value !== undefined && Number.isFinite(value) ? String(value) : "";
}

export function traceCsv(lines: Iterable<TraceLine>): string {
  const rows = [TRACE_CSV_COLUMNS.join(",")];
  for (const line of lines) rows.push(TRACE_CSV_COLUMNS.map((column) => cell(column === "skipped" ? (line.skipped ?? 0) : line[column])).join(","));
  return rows.join("\n") + "\n";
}
