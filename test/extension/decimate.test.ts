// The host-side decimation: bounded rows, the value envelope and the
// best-so-far kept exactly, incremental updates that rebuild the same series.
import assert from "node:assert/strict";
import { TraceDecimator, type TracePoint, decimate, summarizeParameters } from "../../src/extension/decimate";
import { type DecimatedSeries, SERIES_COLUMNS, applySeriesUpdate, emptySeries } from "../../src/protocol";

/** A noisy, decreasing trace with occasional spikes, like a real run's. */
function syntheticTrace(n: number, seed = 1): TracePoint[] {
  let s = seed >>> 0;
  const random = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const trace: TracePoint[] = [];
  let best = Infinity;
  for (let t = 0; t < n; t++) {
    const value = 10 * Math.exp(-t / (n / 5)) * (0.5 + random()) + (random() < 0.001 ? 50 : 0);
    // The best covers every query of the iteration, so it can be below the logged value.
    best = Math.min(best, value * (0.8 + 0.2 * random()));
    trace.push({ iteration: t, evaluations: 11 * (t + 1), value, best, baseline: value + random(), gradientNorm: 1 + 10 * random(), stepNorm: 0.01 * random() });
  }
  return trace;
}

function rowsOf(series: DecimatedSeries): number {
  return series.iteration.length;
}

describe("trace decimation", () => {
  it("keeps a short trace whole", () => {
    const trace = syntheticTrace(500);
    const series = decimate(trace);
    assert.equal(rowsOf(series), 500);
    assert.deepEqual(series.value, trace.map((p) => p.value));
    assert.deepEqual(series.gradientNorm, trace.map((p) => p.gradientNorm));
  });

  it("reduces 100,000 iterations to at most 2,000 rows per series, each a real iteration", () => {
    const trace = syntheticTrace(100_000);
    const series = decimate(trace);
    const rows = rowsOf(series);
    assert.ok(rows <= 2000 && rows > 1000, `${rows} rows`);
    for (const column of SERIES_COLUMNS) assert.equal(series[column].length, rows, column);
    for (let r = 0; r < rows; r++) {
      const point = trace[series.iteration[r]];
      assert.equal(series.evaluations[r], point.evaluations);
      assert.equal(series.value[r], point.value, `value at row ${r}`);
      assert.equal(series.best[r], point.best, `best-so-far at row ${r} is the run's best at that iteration`);
      if (r > 0) assert.ok(series.iteration[r] > series.iteration[r - 1], "rows in iteration order");
    }
  });

  it("keeps the value envelope: every bucket's min and max, the global extremes and the last point", () => {
    const trace = syntheticTrace(100_000, 3);
    const decimator = new TraceDecimator();
    for (const point of trace) decimator.append(point);
    const series = decimator.snapshot();
    const width = decimator.bucketWidth;
    const values = trace.map((p) => p.value);
    assert.ok(series.value.includes(Math.min(...values)));
    assert.ok(series.value.includes(Math.max(...values)), "the spikes survive");
    for (let start = 0; start < trace.length; start += width) {
      const bucket = values.slice(start, start + width);
      const shown = series.value.filter((_, r) => series.iteration[r] >= start && series.iteration[r] < start + width);
      assert.ok(shown.includes(Math.min(...bucket)) && shown.includes(Math.max(...bucket)), `bucket at ${start}`);
    }
    assert.equal(series.iteration[rowsOf(series) - 1], 99_999);
    assert.equal(series.best[rowsOf(series) - 1], trace[99_999].best, "the final best is exact");
  });

  it("keeps each diagnostic's envelope", () => {
    const trace = syntheticTrace(50_000, 5);
    const series = decimate(trace);
    for (const key of ["gradientNorm", "stepNorm", "baseline"] as const) {
      const all = trace.map((p) => p[key]);
      assert.ok(series[key].includes(Math.max(...all)), `${key} max`);
      assert.ok(series[key].includes(Math.min(...all)), `${key} min`);
    }
  });

  it("sends incremental updates that rebuild exactly the decimated series", () => {
    const trace = syntheticTrace(30_000, 7);
    const decimator = new TraceDecimator(400);
    const received = emptySeries();
    let updates = 0;
    let largest = 0;
    for (let t = 0; t < trace.length; t++) {
      decimator.append(trace[t]);
      if (t % 37 !== 0 && t !== trace.length - 1) continue;
      const update = decimator.takeUpdate();
      if (!update) continue;
      assert.ok(applySeriesUpdate(received, update));
      assert.equal(rowsOf(received), update.total);
      updates++;
      largest = Math.max(largest, rowsOf(update.rows));
    }
    assert.equal(decimator.takeUpdate(), null, "nothing changed since the last update");
    assert.deepEqual(received, decimate(trace, 400));
    assert.ok(updates > 700);
    assert.ok(rowsOf(received) <= 400);
    // Most updates carry only the last buckets; a whole series only when the width doubles.
    assert.ok(largest <= 400);
  });

  it("follows a snapshot with updates relative to it", () => {
    // 300 rows: 149 buckets of 32 iterations hold 4,768 iterations, so no merge happens past 4,000.
    const trace = syntheticTrace(4500);
    const decimator = new TraceDecimator(300);
    trace.slice(0, 4000).forEach((p) => decimator.append(p));
    const received = decimator.snapshot();
    trace.slice(4000).forEach((p) => decimator.append(p));
    const update = decimator.takeUpdate()!;
    assert.equal(decimator.bucketWidth, 32);
    assert.ok(update.from > 200 && rowsOf(update.rows) < 40, "the unchanged rows are not sent again");
    applySeriesUpdate(received, update);
    assert.deepEqual(received, decimate(trace, 300));
  });

  it("refuses an update that starts past the end of the series (a missed message)", () => {
    const series = decimate(syntheticTrace(10));
    const before = structuredClone(series);
    assert.equal(applySeriesUpdate(series, { from: 11, total: 12, rows: decimate(syntheticTrace(1)) }), false);
    assert.deepEqual(series, before);
  });

  it("writes null for values that are not finite (JSON has no NaN)", () => {
    const trace = syntheticTrace(3).map((p, i) => ({ ...p, baseline: NaN, best: i === 0 ? Infinity : p.best }));
    const series = decimate(trace);
    assert.deepEqual(series.baseline, [null, null, null]);
    assert.equal(series.best[0], null);
  });

  it("rejects a limit too small to hold a bucket", () => {
    assert.throws(() => new TraceDecimator(2), /maxPoints/);
  });
});

describe("parameter summary", () => {
  it("keeps the first coordinates and counts every coordinate in the histogram", () => {
    const point = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const summary = summarizeParameters("run-1", { value: 0.5, iteration: 12, point });
    assert.equal(summary.dimension, 1000);
    assert.deepEqual(summary.head, Array.from(point.subarray(0, 20)));
    assert.equal(summary.histogram.counts.reduce((a, b) => a + b, 0), 1000);
    assert.equal(summary.histogram.min, Math.min(...point));
    assert.equal(summary.histogram.max, Math.max(...point));
  });

  it("puts equal coordinates in one bin", () => {
    const summary = summarizeParameters("run-1", { value: 1, iteration: 0, point: new Float64Array(5).fill(2) }, 3, 4);
    assert.deepEqual(summary.head, [2, 2, 2]);
    assert.deepEqual(summary.histogram.counts, [5, 0, 0, 0]);
  });
});
