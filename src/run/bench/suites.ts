// The benches that tell a user when to reach for which optimizer:
//   noise  the synthetic functions with noisy evaluations,
//   drift  a quadratic whose optimum moves: ZoAR's N against the learning rate,
//   peers  ZO methods against CMA-ES and sep-CMA-ES at d = 10 .. 10,000.
// Each is a list of runs, then a table (mean ± sd over seeds, n seeds) and
// an SVG plot (true value against evaluations, median and min-max band).
import { cpus } from "node:os";
import { standardNormalStart, syntheticFunction } from "../../engine";
import { type NoiseKind, type ScenarioResult, type ScenarioSettings, resample, runScenario } from "./scenario";
import { type Spread, formatSpread, spreadOf, bandOf } from "./statistics";
import { type PlotPanel, plotSvg } from "./svg-plot";

export type BenchName = "noise" | "drift" | "peers";

export interface BenchOptions {
  /** Small settings that finish in seconds (tests); the default is the recorded protocol. */
  quick: boolean;
  /** Seeds first, first + 1, ...; the default is the bench's own (5 or 3). */
  seeds?: number;
  firstSeed: number;
  /** Optimizers to run instead of the bench's own list. */
  optimizers?: string[];
}

/** One run of a bench, with the setting it belongs to (the group its seeds are pooled over). */
export interface BenchRun {
  group: string;
  label: string;
  settings: ScenarioSettings;
}

export interface BenchRecord extends ScenarioResult {
  bench: BenchName;
  group: string;
  label: string;
  machine: { cpu: string; cores: number; node: string; platform: string };
  date: string;
}

export interface BenchReport {
  bench: BenchName;
  records: BenchRecord[];
  /** Markdown: the settings, a table per setting, the machine. */
  table: string;
  svg: string;
}

interface BenchPlan {
  title: string;
  runs: BenchRun[];
  table: (records: BenchRecord[]) => string[];
  panels: (records: BenchRecord[]) => PlotPanel[];
  columns: number;
}

const ZO_AND_CMA = ["vanilla", "zoar-0", "zoar", "sep-cma-es"];

function seedsOf(options: BenchOptions, full: number, quick: number): number[] {
  const n = options.seeds ?? (options.quick ? quick : full);
  return Array.from({ length: n }, (_, i) => options.firstSeed + i);
}

function noisePlan(options: BenchOptions): BenchPlan {
  const functions = options.quick ? ["quadratic"] : ["quadratic", "rosenbrock", "ackley"];
  const dimension = options.quick ? 50 : 1000;
  const budget = options.quick ? 2200 : 33_000;
  const noises: { kind: NoiseKind; level: number }[] = options.quick
    ? [
        { kind: "gaussian", level: 0 },
        { kind: "gaussian", level: 0.01 },
        { kind: "student-t2", level: 0.01 },
      ]
    : [
        { kind: "gaussian", level: 0 },
        { kind: "gaussian", level: 0.001 },
        { kind: "gaussian", level: 0.01 },
        { kind: "gaussian", level: 0.1 },
        { kind: "student-t2", level: 0.001 },
        { kind: "student-t2", level: 0.01 },
      ];
  const optimizers = options.optimizers ?? ZO_AND_CMA;
  const runs: BenchRun[] = [];
  for (const fn of functions) {
    for (const noise of noises) {
      const group = `${fn}, ${noiseName(noise)}`;
      for (const seed of seedsOf(options, 3, 2)) {
        for (const optimizer of optimizers) {
          runs.push({ group, label: optimizer, settings: { optimizer, overrides: {}, function: fn, dimension, seed, budget, noise: noise.level > 0 ? noise : undefined } });
        }
      }
    }
  }
  return {
    title: `Noisy evaluations: true f(theta) at d = ${dimension}, ${budget.toLocaleString("en-US")} evaluations (noise sd as a fraction of f(x0))`,
    runs,
    columns: noises.length,
    table: (records) => groupTables(records, "final", "true final value"),
    panels: (records) => panelsByGroup(records),
  };
}

function noiseName(noise: { kind: NoiseKind; level: number }): string {
  return noise.level === 0 ? "no noise" : `${noise.kind === "gaussian" ? "Gaussian" : "Student-t2"} ${noise.level} f(x0)`;
}

function driftPlan(options: BenchOptions): BenchPlan {
  const dimension = options.quick ? 20 : 100;
  const budget = options.quick ? 3300 : 55_000;
  const speeds = options.quick ? [0.5] : [0.1, 0.5, 2];
  const learningRates = options.quick ? [0.002] : [0.0005, 0.001, 0.002, 0.005, 0.01];
  const histories = options.quick ? [2, 5] : [1, 2, 5, 10, 20];
  const runs: BenchRun[] = [];
  for (const speed of speeds) {
    for (const lr of learningRates) {
      const group = `speed ${speed} per 1,000 evaluations, lr ${lr}`;
      const configs: { label: string; optimizer: string; histories?: number }[] = [
        { label: "vanilla", optimizer: "vanilla" },
        { label: "zoar-0", optimizer: "zoar-0" },
        ...histories.map((n) => ({ label: `zoar N=${n}`, optimizer: "zoar", histories: n })),
      ];
      for (const seed of seedsOf(options, 3, 2)) {
        for (const c of configs) {
          const overrides = c.histories === undefined ? { lr } : { lr, histories: c.histories };
          runs.push({ group, label: c.label, settings: { optimizer: c.optimizer, overrides, function: "quadratic", dimension, seed, budget, drift: { speed } } });
        }
      }
    }
  }
  return {
    title: `Drifting optimum: 0.5 ||x - c(t)||^2 at d = ${dimension}, ${budget.toLocaleString("en-US")} evaluations; the best lr of each method per speed`,
    runs,
    columns: speeds.length,
    table: (records) => [...driftBestTable(records), ...groupTables(records, "secondHalfMean", "mean true value over the second half (tracking error)")],
    panels: (records) => driftPanels(records),
  };
}

/** Per speed, each method at its best learning rate. */
function bestPerSpeed(records: BenchRecord[]): Map<string, Map<string, { lr: number; group: string; spread: Spread }>> {
  const bySpeed = new Map<string, Map<string, { lr: number; group: string; spread: Spread }>>();
  for (const [group, labels] of grouped(records)) {
    const speed = group.split(", lr ")[0];
    const lr = Number(group.split(", lr ")[1]);
    const methods = bySpeed.get(speed) ?? new Map();
    bySpeed.set(speed, methods);
    for (const [label, runs] of labels) {
      const spread = spreadOf(runs.map((r) => r.secondHalfMean));
      const current = methods.get(label);
      if (!current || spread.mean < current.spread.mean) methods.set(label, { lr, group, spread });
    }
  }
  return bySpeed;
}

function driftBestTable(records: BenchRecord[]): string[] {
  const lines = ["### Each method at its best learning rate", "", "| speed | method | best lr | tracking error (mean ± sd, n) |", "|---|---|---|---|"];
  for (const [speed, methods] of bestPerSpeed(records)) {
    const sorted = [...methods.entries()].sort((a, b) => a[1].spread.mean - b[1].spread.mean);
    for (const [label, best] of sorted) lines.push(`| ${speed} | ${label} | ${best.lr} | ${formatSpread(best.spread)} |`);
  }
  return [...lines, ""];
}

function driftPanels(records: BenchRecord[]): PlotPanel[] {
  const groups = grouped(records);
  return [...bestPerSpeed(records)].map(([speed, methods]) => ({
    title: speed,
    series: [...methods.entries()].map(([label, best]) => seriesOf(`${label}`, groups.get(best.group)!.get(label)!)),
  }));
}

/** Budgets of the peers bench: equal evaluations for every optimizer at each dimension. */
export const PEER_BUDGETS: Readonly<Record<number, number>> = { 10: 5_000, 100: 33_000, 1000: 100_000, 10000: 22_000 };
/** Full CMA-ES runs up to this dimension in the peers bench (above, its O(d^3) updates take hours in the budget). */
const PEER_FULL_CMA_LIMIT = 100;
/** Targets of the peers bench, as fractions of f(x0). */
const PEER_TARGETS = [1e-1, 1e-2, 1e-4, 1e-8];

function peersPlan(options: BenchOptions): BenchPlan {
  const functions = options.quick ? ["quadratic", "rosenbrock"] : ["quadratic", "levy", "rosenbrock", "ackley"];
  const dimensions = options.quick ? [10, 50] : [10, 100, 1000, 10000];
  const budgets: Record<number, number> = options.quick ? { 10: 2000, 50: 4000 } : PEER_BUDGETS;
  const runs: BenchRun[] = [];
  for (const d of dimensions) {
    const optimizers = options.optimizers ?? ["vanilla", "zoar", ...(d <= PEER_FULL_CMA_LIMIT ? ["cma-es"] : []), "sep-cma-es"];
    for (const fn of functions) {
      const group = `${fn}, d = ${d}`;
      for (const seed of seedsOf(options, 5, 2)) {
        for (const optimizer of optimizers) {
          runs.push({ group, label: optimizer, settings: { optimizer, overrides: {}, function: fn, dimension: d, seed, budget: budgets[d], relativeTargets: PEER_TARGETS } as PeerSettings });
        }
      }
    }
  }
  return {
    title: `ZO methods against CMA-ES at equal evaluation budgets (${dimensions.map((d) => `d = ${d}: ${budgets[d].toLocaleString("en-US")}`).join(", ")})`,
    runs,
    columns: dimensions.length,
    table: (records) => [...groupTables(records, "final", "true final value"), ...targetTables(records)],
    panels: (records) => panelsByGroup(records, (group) => Number(group.split("d = ")[1]), (group) => group.split(",")[0]),
  };
}

/** Peers targets are fractions of f(x0), which is known only once x0 is drawn. */
type PeerSettings = ScenarioSettings & { relativeTargets?: number[] };

function targetTables(records: BenchRecord[]): string[] {
  const lines = ["### Evaluations to reach f(x0) x target (median over the seeds that reached it; reached / seeds)", ""];
  lines.push(`| setting | optimizer | ${PEER_TARGETS.map((t) => `${t}`).join(" | ")} |`, `|---|---|${PEER_TARGETS.map(() => "---").join("|")}|`);
  for (const [group, labels] of grouped(records)) {
    for (const [label, runs] of labels) {
      const cells = PEER_TARGETS.map((_, i) => {
        const reached = runs.map((r) => r.targets[i]?.evaluations).filter((e): e is number => e !== null && e !== undefined);
        return reached.length === 0 ? `never (0/${runs.length})` : `${Math.round(spreadOf(reached).median).toLocaleString("en-US")} (${reached.length}/${runs.length})`;
      });
      lines.push(`| ${group} | ${label} | ${cells.join(" | ")} |`);
    }
  }
  return [...lines, ""];
}

/** group -> label -> runs, in first-seen order. */
function grouped(records: BenchRecord[]): Map<string, Map<string, BenchRecord[]>> {
  const groups = new Map<string, Map<string, BenchRecord[]>>();
  for (const r of records) {
    const labels = groups.get(r.group) ?? new Map<string, BenchRecord[]>();
    groups.set(r.group, labels);
    labels.set(r.label, [...(labels.get(r.label) ?? []), r]);
  }
  return groups;
}

function groupTables(records: BenchRecord[], field: "final" | "secondHalfMean", what: string): string[] {
  const groups = grouped(records);
  const labels = [...new Set(records.map((r) => r.label))];
  const lines = [`### ${what[0].toUpperCase()}${what.slice(1)}: mean ± sd over seeds (n seeds)`, "", `| setting | f(x0) | ${labels.join(" | ")} |`, `|---|---|${labels.map(() => "---").join("|")}|`];
  for (const [group, byLabel] of groups) {
    const initial = spreadOf([...byLabel.values()].flat().map((r) => r.initial));
    const best = Math.min(...[...byLabel.values()].map((runs) => spreadOf(runs.map((r) => r[field])).mean));
    const cells = labels.map((label) => {
      const runs = byLabel.get(label);
      if (!runs) return "-";
      const s = spreadOf(runs.map((r) => r[field]));
      const text = formatSpread(s);
      return s.mean === best ? `**${text}**` : text;
    });
    lines.push(`| ${group} | ${initial.mean.toPrecision(4)} | ${cells.join(" | ")} |`);
  }
  return [...lines, ""];
}

function seriesOf(label: string, runs: BenchRecord[]) {
  const budget = Math.min(...runs.map((r) => r.evaluations));
  const xs = Array.from({ length: 101 }, (_, i) => Math.round((budget * i) / 100));
  const band = bandOf(runs.map((r) => resample(r.curve, xs)));
  return { label, x: xs, ...band };
}

/** One panel per group, each optimizer a series; optionally ordered by a column key and a row key. */
function panelsByGroup(records: BenchRecord[], column?: (group: string) => number, row?: (group: string) => string): PlotPanel[] {
  let entries = [...grouped(records)];
  if (column && row) {
    const rows = [...new Set(entries.map(([g]) => row(g)))];
    entries = entries.sort(([a], [b]) => rows.indexOf(row(a)) - rows.indexOf(row(b)) || column(a) - column(b));
  }
  return entries.map(([group, labels]) => ({ title: group, series: [...labels].map(([label, runs]) => seriesOf(label, runs)) }));
}

export function benchPlan(bench: BenchName, options: BenchOptions): BenchPlan {
  return bench === "noise" ? noisePlan(options) : bench === "drift" ? driftPlan(options) : peersPlan(options);
}

export function machine(): BenchRecord["machine"] {
  return { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` };
}

/** Runs every run of the bench in order and builds its report; `onRecord` sees each record as it completes. */
export function runBench(bench: BenchName, options: BenchOptions, onRecord?: (record: BenchRecord, index: number, total: number) => void): BenchReport {
  const plan = benchPlan(bench, options);
  const where = machine();
  const records: BenchRecord[] = [];
  for (const [index, run] of plan.runs.entries()) {
    const { relativeTargets, ...settings } = run.settings as PeerSettings;
    const result = relativeTargets ? runWithRelativeTargets(settings, relativeTargets) : runScenario(settings);
    const record: BenchRecord = { bench, group: run.group, label: run.label, ...result, machine: where, date: new Date().toISOString() };
    records.push(record);
    onRecord?.(record, index, plan.runs.length);
  }
  const first = records[0];
  const seeds = new Set(records.map((r) => r.seed)).size;
  const table = [
    `## ${plan.title}`,
    "",
    `${seeds} seed${seeds === 1 ? "" : "s"} (${first ? [...new Set(records.map((r) => r.seed))].join(", ") : "-"}); x0 ~ N(0, I) from each seed, the same for every optimizer; values are true (noise-free) f(theta).`,
    `Machine: ${where.cpu}, ${where.cores} cores, Node ${where.node}; recorded ${first?.date.slice(0, 10) ?? "-"}. The machine was shared with other jobs: timings are noisy, values are not.`,
    "",
    ...plan.table(records),
  ].join("\n");
  const svg = plotSvg(plan.panels(records), {
    title: plan.title,
    xLabel: "evaluations",
    yLabel: bench === "drift" ? "0.5 ||theta - c(t)||^2" : "f(theta)",
    columns: plan.columns,
    floor: 1e-12,
  });
  return { bench, records, table, svg };
}

/** Targets relative to the true f(x0) of the run's seed. */
function runWithRelativeTargets(settings: ScenarioSettings, fractions: number[]): ScenarioResult {
  const initial = syntheticFunction(settings.function).value(standardNormalStart(settings.dimension, settings.seed), 0, settings.dimension);
  return runScenario({ ...settings, targets: fractions.map((fraction) => fraction * initial) });
}
