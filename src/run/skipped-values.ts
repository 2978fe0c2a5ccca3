// Under the objective's non-finite policy "skip", unusable values arrive as
// NaN. The engine takes finite values only, so a skipped query is given the
// mean of the batch's finite values: its direction then carries (nearly) no
// weight in the estimate, which is what skipping it means.

/** Fills the non-finite entries of `values` in place and returns how many there were. */
export function fillSkippedValues(values: Float64Array): number {
  let sum = 0;
  let finite = 0;
  for (const value of values) {
    if (Number.isFinite(value)) {
      sum += value;
      finite++;
    }
  }
  const skipped = values.length - finite;
  if (skipped === 0 || finite === 0) return skipped;
  const mean = sum / finite;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) values[i] = mean;
  return skipped;
}
