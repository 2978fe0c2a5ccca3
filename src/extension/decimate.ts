// Host-side reduction of a run's trace to what the dashboard draws, so a
// 100,000-iteration run costs the webview at most ~2,000 rows per series.
//
// The trace is cut into buckets of equal width (a power of two of
// iterations). Each finished bucket keeps two of its own records: the one
// with the smallest and the one with the largest logged value, so the value
// curve keeps its full envelope and every row is a real iteration (value and
// best-so-far exact at that x). The last bucket also keeps its latest record,
// so the final value and the final best are always shown. Diagnostics
// (baseline, gradient and step norms) carry the bucket's own min/max,
// placed on the bucket's rows in the order they occurred. When the buckets
// outgrow the limit, neighbours merge and the width doubles: appending stays
// O(1) amortised and nothing is ever re-read.
//
// No vscode import: the tests and the benchmark run it directly.
import type { ParameterSpace } from "../objective/parameters";
import { type DecimatedSeries, type ParameterSummary, type SeriesUpdate, emptySeries, toWireNumber } from "../protocol";
import { namedParameterRows } from "./parameterRows";
import type { TraceLine } from "../run/types";

/** One iteration of a run's trace: what the charts use of a trace line. */
export type TracePoint = Omit<TraceLine, "elapsedMs" | "skipped">;

export const DEFAULT_MAX_POINTS = 2000;

const DIAGNOSTICS = ["baseline", "gradientNorm", "stepNorm"] as const;
type Diagnostic = (typeof DIAGNOSTICS)[number];

interface Envelope {
  min: number;
  minAt: number;
  max: number;
  maxAt: number;
}

interface Bucket {
  /** Index (arrival order) and record of the smallest and largest value. */
  minAt: number;
  min: TracePoint;
  maxAt: number;
  max: TracePoint;
  lastAt: number;
  last: TracePoint;
  diagnostics: Record<Diagnostic, Envelope>;
}

function envelopeOf(x: number, at: number): Envelope {
  return Number.isFinite(x) ? { min: x, minAt: at, max: x, maxAt: at } : { min: NaN, minAt: -1, max: NaN, maxAt: -1 };
}

function widen(envelope: Envelope, x: number, at: number): void {
  if (!Number.isFinite(x)) return;
  if (envelope.minAt < 0 || x < envelope.min) {
    envelope.min = x;
    envelope.minAt = at;
  }
  if (envelope.maxAt < 0 || x > envelope.max) {
    envelope.max = x;
    envelope.maxAt = at;
  }
}

function mergeEnvelopes(a: Envelope, b: Envelope): Envelope {
  const merged = { ...a };
  if (b.minAt >= 0) widen(merged, b.min, b.minAt);
  if (b.maxAt >= 0) widen(merged, b.max, b.maxAt);
  return merged;
}

/** Whether value x at index `at` beats the current extreme (NaN never does; a finite value beats NaN). */
function beats(x: number, current: number, smaller: boolean): boolean {
  if (Number.isNaN(x)) return false;
  if (Number.isNaN(current)) return true;
  return smaller ? x < current : x > current;
}

export class TraceDecimator {
  private readonly buckets: Bucket[] = [];
  private readonly maxBuckets: number;
  private width = 1;
  private count = 0;
  /** First bucket changed since the rows were last taken (Infinity: none). */
  private dirtyFrom = 0;
  /** Rows the receiver holds: those before the dirty bucket are unchanged. */
  private rowsTaken = 0;

  /** `maxPoints` bounds the rows of `series()`: two per finished bucket, three for the last. */
  constructor(maxPoints = DEFAULT_MAX_POINTS) {
    if (!Number.isInteger(maxPoints) || maxPoints < 3) throw new RangeError(`maxPoints must be an integer >= 3 (got ${maxPoints})`);
    this.maxBuckets = Math.floor((maxPoints - 1) / 2);
  }

  /** Records appended so far. */
  get length(): number {
    return this.count;
  }

  /** Iterations per bucket. */
  get bucketWidth(): number {
    return this.width;
  }

  append(point: TracePoint): void {
    const at = this.count++;
    const index = Math.floor(at / this.width);
    if (index < this.buckets.length) {
      this.extend(this.buckets[index], point, at);
      this.dirtyFrom = Math.min(this.dirtyFrom, index);
      return;
    }
    // The previous bucket is finished: it no longer shows its latest record.
    this.buckets.push(this.open(point, at));
    this.dirtyFrom = Math.min(this.dirtyFrom, Math.max(0, index - 1));
    if (this.buckets.length > this.maxBuckets) this.halve();
  }

  /** All rows; what follows with `takeUpdate` is relative to these. */
  snapshot(): DecimatedSeries {
    const series = this.rowsFrom(0);
    this.rowsTaken = series.iteration.length;
    this.dirtyFrom = Infinity;
    return series;
  }

  /** Rows changed since the last snapshot or update, or null when nothing changed. */
  takeUpdate(): SeriesUpdate | null {
    if (this.dirtyFrom === Infinity) return null;
    let from = 0;
    for (let b = 0; b < this.dirtyFrom && b < this.buckets.length; b++) from += this.recordsOf(b).length;
    // The receiver may hold fewer rows than the unchanged prefix if it never took them.
    from = Math.min(from, this.rowsTaken);
    const rows = this.rowsFrom(from);
    const total = from + rows.iteration.length;
    this.rowsTaken = total;
    this.dirtyFrom = Infinity;
    return { from, total, rows };
  }

  private open(point: TracePoint, at: number): Bucket {
    const diagnostics = {} as Record<Diagnostic, Envelope>;
    for (const key of DIAGNOSTICS) diagnostics[key] = envelopeOf(point[key], at);
    return { minAt: at, min: point, maxAt: at, max: point, lastAt: at, last: point, diagnostics };
  }

  private extend(bucket: Bucket, point: TracePoint, at: number): void {
    if (beats(point.value, bucket.min.value, true)) {
      bucket.min = point;
      bucket.minAt = at;
    }
    if (beats(point.value, bucket.max.value, false)) {
      bucket.max = point;
      bucket.maxAt = at;
    }
    bucket.last = point;
    bucket.lastAt = at;
    for (const key of DIAGNOSTICS) widen(bucket.diagnostics[key], point[key], at);
  }

  /** Merge neighbouring buckets pairwise and double the width. */
  private halve(): void {
    const merged: Bucket[] = [];
    for (let b = 0; b < this.buckets.length; b += 2) {
      const left = this.buckets[b];
      const right = this.buckets[b + 1];
      if (!right) {
        merged.push(left);
        continue;
      }
      const takeRightMin = beats(right.min.value, left.min.value, true);
      const takeRightMax = beats(right.max.value, left.max.value, false);
      const diagnostics = {} as Record<Diagnostic, Envelope>;
      for (const key of DIAGNOSTICS) diagnostics[key] = mergeEnvelopes(left.diagnostics[key], right.diagnostics[key]);
      merged.push({
        minAt: takeRightMin ? right.minAt : left.minAt,
        min: takeRightMin ? right.min : left.min,
        maxAt: takeRightMax ? right.maxAt : left.maxAt,
        max: takeRightMax ? right.max : left.max,
        lastAt: right.lastAt,
        last: right.last,
        diagnostics,
      });
    }
    this.buckets.length = 0;
    this.buckets.push(...merged);
    this.width *= 2;
    this.dirtyFrom = 0;
  }

  /** The records a bucket shows, in arrival order: min and max of value, and the latest for the last bucket. */
  private recordsOf(b: number): { at: number; point: TracePoint }[] {
    const bucket = this.buckets[b];
    const picks = [
      { at: bucket.minAt, point: bucket.min },
      { at: bucket.maxAt, point: bucket.max },
    ];
    if (b === this.buckets.length - 1) picks.push({ at: bucket.lastAt, point: bucket.last });
    picks.sort((x, y) => x.at - y.at);
    return picks.filter((pick, i) => i === 0 || pick.at !== picks[i - 1].at);
  }

  private rowsFrom(firstRow: number): DecimatedSeries {
    const series = emptySeries();
    let row = 0;
    for (let b = 0; b < this.buckets.length; b++) {
      const records = this.recordsOf(b);
      if (row + records.length <= firstRow) {
        row += records.length;
        continue;
      }
      const diagnostics = this.buckets[b].diagnostics;
      records.forEach(({ point }, i) => {
        if (row++ < firstRow) return;
        series.iteration.push(point.iteration);
        series.evaluations.push(point.evaluations);
        series.value.push(toWireNumber(point.value));
        series.best.push(toWireNumber(point.best));
        for (const key of DIAGNOSTICS) series[key].push(toWireNumber(diagnosticAt(diagnostics[key], point[key], i, records.length)));
      });
    }
    return series;
  }
}

/**
 * The diagnostic shown on a bucket's row i of n: the envelope's extreme that
 * occurred first on the first row, the other on the second (a third row, the
 * latest record of the last bucket, shows its own value).
 */
function diagnosticAt(envelope: Envelope, own: number, i: number, n: number): number {
  if (n === 1 || i >= 2 || envelope.minAt < 0) return own;
  const minFirst = envelope.minAt <= envelope.maxAt;
  return (i === 0) === minFirst ? envelope.min : envelope.max;
}

/** Decimate a whole trace at once. */
export function decimate(points: Iterable<TracePoint>, maxPoints = DEFAULT_MAX_POINTS): DecimatedSeries {
  const decimator = new TraceDecimator(maxPoints);
  for (const point of points) decimator.append(point);
  return decimator.snapshot();
}

export const PARAMETER_HEAD = 20;
export const HISTOGRAM_BINS = 30;

/** A parameter vector for display: its first coordinates and a histogram of all of them. */
export function summarizeParameters(
  runId: string,
  best: { value: number; iteration: number; point: ArrayLike<number> },
  head = PARAMETER_HEAD,
  bins = HISTOGRAM_BINS,
  space?: ParameterSpace,
): ParameterSummary {
  const point = best.point;
  const d = point.length;
  const summary: ParameterSummary = {
    runId,
    iteration: best.iteration,
    value: toWireNumber(best.value),
    dimension: d,
    head: Array.from({ length: Math.min(head, d) }, (_, i) => point[i]),
    histogram: histogramOf(point, bins),
  };
  if (space) summary.named = namedParameterRows(space, point, bins);
  return summary;
}

/** `bins` equal bins from the smallest value to the largest. */
export function histogramOf(point: ArrayLike<number>, bins = HISTOGRAM_BINS): { min: number; max: number; counts: number[] } {
  const d = point.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < d; i++) {
    const x = point[i];
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const counts = new Array<number>(bins).fill(0);
  if (d > 0) {
    const width = (max - min) / bins;
    for (let i = 0; i < d; i++) {
      const bin = width > 0 ? Math.min(bins - 1, Math.floor((point[i] - min) / width)) : 0;
      counts[bin]++;
    }
  }
  return { min: d > 0 ? min : 0, max: d > 0 ? max : 0, counts };
}
