// Log-axis ticks: lines at powers of ten across several decades, and labels
// only where they do not run into each other.
import assert from "node:assert/strict";
import type uPlot from "uplot";
import { LABEL_GAP_PX, decadeLines, spacedLabels } from "../../webview/logTicks";

/** A stand-in for the chart's geometry: y on a log scale from `min` (bottom) to `max` (top) over `height` pixels. */
function logAxis(min: number, max: number, height: number): uPlot {
  const valToPos = (value: number) => height * (1 - (Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)));
  return { axes: [{ scale: "x" }, { scale: "y" }], valToPos } as unknown as uPlot;
}

/** The ticks uPlot offers on a log scale: 1..9 times each power of ten. */
function logSplits(min: number, max: number): number[] {
  const splits: number[] = [];
  for (let exponent = Math.floor(Math.log10(min)); exponent <= Math.ceil(Math.log10(max)); exponent++) {
    for (let m = 1; m <= 9; m++) {
      const x = Number((m * 10 ** exponent).toPrecision(12));
      if (x >= min && x <= max) splits.push(x);
    }
  }
  return splits;
}

const labelled = (splits: number[], kept: (number | null)[]) => splits.filter((_, i) => kept[i] !== null);

describe("log-axis ticks", () => {
  it("labels a chart of 40 to 1,000 without crowding: powers of ten first, then 5s and 2s where there is room", () => {
    const u = logAxis(40, 1000, 200);
    const splits = logSplits(40, 1000);
    const labels = labelled(splits, spacedLabels(u, splits, 1, 0, 0));
    assert.ok(labels.includes(100) && labels.includes(1000), `powers of ten are labelled: ${labels}`);
    assert.ok(labels.includes(50) && labels.includes(500), `then the 5s: ${labels}`);
    assert.ok(!labels.includes(900) && !labels.includes(800), `no label squeezed under 1,000: ${labels}`);
    const positions = labels.map((x) => u.valToPos(x, "y")).sort((a, b) => a - b);
    for (let i = 1; i < positions.length; i++) assert.ok(positions[i] - positions[i - 1] >= LABEL_GAP_PX, `labels ${LABEL_GAP_PX} px apart: ${labels}`);
    // Lines stay at every tick when the chart spans under three decades.
    assert.deepEqual(decadeLines(u, splits, 1, 0, 0), splits);
  });

  it("keeps lines and labels at powers of ten only across many decades", () => {
    const u = logAxis(1e-4, 1e3, 260);
    const splits = logSplits(1e-4, 1e3);
    const lines = labelled(splits, decadeLines(u, splits, 1, 0, 0));
    assert.deepEqual(lines, [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000]);
    assert.deepEqual(labelled(splits, spacedLabels(u, splits, 1, 0, 0)), lines);
  });
});
