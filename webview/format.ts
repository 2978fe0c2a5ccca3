// How numbers read in the dashboard: values keep 4-5 significant digits,
// counts get thousands separators, durations read like a clock.
import type { RunStatus, WireNumber } from "../src/protocol";

export const DASH = "\u2014";

/** A logged value: 4 significant digits, exponent form when very large or small. */
export function formatValue(x: WireNumber | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  if (x === 0) return "0";
  const magnitude = Math.abs(x);
  if (magnitude >= 1e6 || magnitude < 1e-3) return x.toExponential(3);
  return Number(x.toPrecision(5)).toString();
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return Math.round(n).toLocaleString("en-US");
}

/** 59.2 s, 3 min 05 s, 2 h 03 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return DASH;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

export function formatRate(perSecond: WireNumber | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return DASH;
  return perSecond >= 100 ? formatCount(perSecond) : perSecond.toFixed(1);
}

const STATUS_TEXT: Record<RunStatus, string> = {
  starting: "Starting",
  running: "Running",
  paused: "Paused",
  done: "Done",
  stopped: "Stopped",
  failed: "Failed",
};

export function formatStatus(status: RunStatus): string {
  return STATUS_TEXT[status] ?? status;
}
