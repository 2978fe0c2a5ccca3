// Runs of one optimizer (and swept value) with several seeds, drawn as the
// papers draw them: the mean best-so-far per optimizer with a min-max band.
// Pure: no DOM.
import type { RunSnapshot, WireNumber, XAxis } from "../src/protocol";

export interface SeedGroup {
  /** "zoar" or "zoar lr=0.01": the runs it holds differ only by seed. */
  name: string;
  runs: RunSnapshot[];
}

/** The runs grouped by their seed group (the others alone), in the order each group first appears. */
export function seedGroups(runs: readonly RunSnapshot[]): SeedGroup[] {
  const groups = new Map<string, SeedGroup>();
  for (const run of runs) {
    const { optimizer, variant, seedGroup, runId } = run.header;
    const key = seedGroup === undefined ? `run:${runId}` : `group:${seedGroup}`;
    let group = groups.get(key);
    if (!group) {
      group = { name: variant === undefined ? optimizer : `${optimizer} ${variant}`, runs: [] };
      groups.set(key, group);
    }
    group.runs.push(run);
  }
  return [...groups.values()];
}

export interface SeedBand {
  x: number[];
  mean: WireNumber[];
  min: WireNumber[];
  max: WireNumber[];
}

/** Each run's best so far at x: its last best at or before x (best so far only falls). */
function stepAt(xs: number[], bests: WireNumber[]): (x: number) => number | null {
  let i = 0;
  let last: number | null = null;
  // Called with increasing x.
  return (x) => {
    while (i < xs.length && xs[i] <= x) {
      const b = bests[i];
      if (b !== null) last = b;
      i++;
    }
    return last;
  };
}

/** Mean, min and max of the runs' best so far, where every run has reached x. */
export function seedBand(runs: readonly RunSnapshot[], axis: XAxis): SeedBand {
  const columns = runs.map((run) => ({ xs: axis === "iteration" ? run.series.iteration : run.series.evaluations, bests: run.series.best }));
  const band: SeedBand = { x: [], mean: [], min: [], max: [] };
  if (columns.some((c) => c.xs.length === 0)) return band;
  const start = Math.max(...columns.map((c) => c.xs[0]));
  const end = Math.min(...columns.map((c) => c.xs[c.xs.length - 1]));
  const grid = [...new Set(columns.flatMap((c) => c.xs))].filter((x) => x >= start && x <= end).sort((a, b) => a - b);
  const steps = columns.map((c) => stepAt(c.xs, c.bests));
  for (const x of grid) {
    const values = steps.map((step) => step(x)).filter((v): v is number => v !== null);
    if (values.length < runs.length) continue;
    band.x.push(x);
    band.mean.push(values.reduce((s, v) => s + v, 0) / values.length);
    band.min.push(Math.min(...values));
    band.max.push(Math.max(...values));
  }
  return band;
}
