// Summaries over seeds: what every bench table reports.

export interface Spread {
  /** Number of seeds. */
  n: number;
  mean: number;
  /** Sample standard deviation (0 for one seed). */
  sd: number;
  median: number;
  min: number;
  max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) return { n: 0, mean: NaN, sd: NaN, median: NaN, min: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const variance = n > 1 ? values.reduce((sum, v) => sum + (v - mean) * (v - mean), 0) / (n - 1) : 0;
  const middle = n >> 1;
  const median = n % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { n, mean, sd: Math.sqrt(variance), median, min: sorted[0], max: sorted[n - 1] };
}

/** "1.23e-4 ± 5.6e-5 (n = 5)". */
export function formatSpread(spread: Spread, digits = 3): string {
  return `${spread.mean.toPrecision(digits)} ± ${spread.sd.toPrecision(2)} (n = ${spread.n})`;
}

/** Pointwise median, min and max of curves sampled at the same x. */
export function bandOf(curves: readonly (readonly number[])[]): { median: number[]; low: number[]; high: number[] } {
  const length = Math.min(...curves.map((c) => c.length));
  const median: number[] = [];
  const low: number[] = [];
  const high: number[] = [];
  for (let i = 0; i < length; i++) {
    const s = spreadOf(curves.map((c) => c[i]));
    median.push(s.median);
    low.push(s.min);
    high.push(s.max);
  }
  return { median, low, high };
}
