// Which ticks of a log axis get a line and a label. uPlot offers nine ticks a
// decade; across several decades only the powers of ten keep their lines, and
// a label is drawn only where it has room: powers of ten first, then the 5s,
// then the 2s, each at least LABEL_GAP_PX from the labels already kept.
import type uPlot from "uplot";

/** Room a label needs along the axis, in CSS pixels (a 12 px line plus air). */
export const LABEL_GAP_PX = 18;

function mantissa(x: number): number {
  return x / 10 ** Math.floor(Math.log10(x) + 1e-9);
}

function isDecade(x: number): boolean {
  return x > 0 && Math.abs(mantissa(x) - 1) < 1e-6;
}

/** 0 for powers of ten, then 5s, then 2s, then the rest. */
function labelPriority(x: number): number {
  const m = mantissa(x);
  if (Math.abs(m - 1) < 1e-6) return 0;
  if (Math.abs(m - 5) < 1e-6) return 1;
  if (Math.abs(m - 2) < 1e-6) return 2;
  return 3;
}

/** Lines (grid and ticks): across three decades or more, only at powers of ten. */
export const decadeLines: uPlot.Axis.Filter = (_u, splits) => {
  const decades = splits.filter(isDecade).length;
  return decades >= 3 ? splits.map((x) => (isDecade(x) ? x : null)) : splits;
};

/** Labels: among the lines kept, those that have room, by priority. */
export const spacedLabels: uPlot.Axis.Filter = (u, splits, axisIndex, space, increment) => {
  const lines = decadeLines(u, splits, axisIndex, space, increment);
  const scale = u.axes[axisIndex].scale ?? "y";
  const candidates = lines.flatMap((x, index) => (x !== null && x > 0 ? [index] : []));
  candidates.sort((a, b) => labelPriority(splits[a]) - labelPriority(splits[b]) || a - b);
  const keptPositions: number[] = [];
  const kept = new Set<number>();
  for (const index of candidates) {
    const position = u.valToPos(splits[index], scale);
    if (keptPositions.every((other) => Math.abs(other - position) >= LABEL_GAP_PX)) {
      kept.add(index);
      keptPositions.push(position);
    }
  }
  return splits.map((x, index) => (kept.has(index) ? x : null));
};
