// Chooses the default smoothing radius mu and learning rate for objectives
// that declare named parameters, where the engine works on normalised
// coordinates in [0, 1]. Runs a grid of (mu, lr) on problems with mixed kinds
// and scales, every one from its declared initial point, for several seeds,
// and ranks the settings by the median best value each problem reaches.
// Writes bench/results/parameter-defaults.json and .md.
//   npx tsx bench/parameter-defaults.ts [--optimizers zoar,radazo] [--iterations 1000] [--seeds 5] [--mus ...] [--lrs ...] [--out name]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createOptimizer, type OptimizerConfig } from "../src/engine";
import {
  choice,
  decodeParameters,
  encodeParameters,
  initialValues,
  integer,
  logUniform,
  type ParameterSpace,
  uniform,
  vector,
} from "../src/objective/parameters";
import { machine } from "./machine";

const { values: args } = parseArgs({
  options: {
    optimizers: { type: "string", default: "zoar,radazo" },
    iterations: { type: "string", default: "1000" },
    seeds: { type: "string", default: "5" },
    mus: { type: "string", default: "0.005,0.01,0.02,0.05,0.1" },
    lrs: { type: "string", default: "0.001,0.002,0.005,0.01,0.02,0.05" },
    out: { type: "string", default: "parameter-defaults" },
  },
});

interface Problem {
  name: string;
  space: ParameterSpace;
  /** The minimum value, so results compare as regrets. */
  minimum: number;
  f(p: Record<string, unknown>): number;
}

const target16 = Float64Array.from({ length: 16 }, (_, i) => 0.5 * Math.sin(i + 1));

const PROBLEMS: Problem[] = [
  {
    // The loss of examples/mixed-parameters.ts.
    name: "mixed-parameters example",
    space: {
      learningRate: logUniform(1e-5, 1e-1, { initial: 1e-4 }),
      temperature: uniform(0, 2),
      layers: integer(1, 8, { initial: 2 }),
      solver: choice(["cg", "gmres", "bicgstab"]),
      weights: vector(16, { lower: -1, upper: 1 }),
    },
    minimum: 0,
    f: (p) => {
      const w = p.weights as Float64Array;
      let loss = (Math.log10(p.learningRate as number) - Math.log10(3e-3)) ** 2 + ((p.temperature as number) - 0.7) ** 2;
      loss += 0.1 * ((p.layers as number) - 5) ** 2 + { cg: 0.5, gmres: 0, bicgstab: 0.25 }[p.solver as "cg"];
      for (let i = 0; i < 16; i++) loss += (w[i] - target16[i]) ** 2;
      return loss;
    },
  },
  {
    // A validation loss over training hyperparameters: two log scales, an integer, a choice.
    name: "hyperparameters (log, log, integer, choice)",
    space: {
      lr: logUniform(1e-6, 1, { initial: 1e-5 }),
      weightDecay: logUniform(1e-8, 1e-1, { initial: 1e-2 }),
      depth: integer(1, 12, { initial: 2 }),
      optimizer: choice(["sgd", "adam", "rmsprop"]),
    },
    minimum: 0,
    f: (p) =>
      (Math.log10(p.lr as number) + 2.5) ** 2 +
      0.5 * (Math.log10(p.weightDecay as number) + 5) ** 2 +
      0.05 * ((p.depth as number) - 7) ** 2 +
      { sgd: 0.4, adam: 0, rmsprop: 0.15 }[p.optimizer as "sgd"],
  },
  {
    // Branin: two coordinates of different ranges; minimum 0.397887.
    name: "Branin, x1 in [-5, 10], x2 in [0, 15]",
    space: { x1: uniform(-5, 10), x2: uniform(0, 15) },
    minimum: 0.397887,
    f: (p) => {
      const [x1, x2] = [p.x1 as number, p.x2 as number];
      const b = 5.1 / (4 * Math.PI ** 2);
      return (x2 - b * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
    },
  },
  {
    // Six coordinates whose ranges span 1e-3 to 1e4: one step size fits none of them in raw units.
    name: "ill-scaled quadratic, ranges 1e-3 .. 1e4",
    space: Object.fromEntries([-3, -2, -1, 0, 1, 2, 3, 4].map((k, i) => [`x${i}`, uniform(0, 10 ** k, { initial: 0.1 * 10 ** k })])),
    minimum: 0,
    f: (p) => [-3, -2, -1, 0, 1, 2, 3, 4].reduce((sum, k, i) => sum + ((p[`x${i}`] as number) / 10 ** k - 0.7) ** 2, 0),
  },
  {
    // 64 weights at scale 10 starting far from the optimum: the distance to travel decides.
    name: "far start, 64 coordinates in [-10, 10] from -8 to 6",
    space: { w: vector(64, { lower: -10, upper: 10, initial: -8 }) },
    minimum: 0,
    f: (p) => (p.w as Float64Array).reduce((sum, wi) => sum + (wi - 6) ** 2, 0),
  },
  {
    name: "Rosenbrock, 6 coordinates in [-2, 2]",
    space: { x: vector(6, { lower: -2, upper: 2, initial: -1 }) },
    minimum: 0,
    f: (p) => {
      const x = p.x as Float64Array;
      let sum = 0;
      for (let i = 0; i < x.length - 1; i++) sum += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
      return sum;
    },
  },
  {
    name: "Levy, 20 coordinates in [-10, 10]",
    space: { x: vector(20, { lower: -10, upper: 10, initial: -4 }) },
    minimum: 0,
    f: (p) => {
      const x = p.x as Float64Array;
      const w = (xi: number) => 1 + (xi - 1) / 4;
      let sum = Math.sin(Math.PI * w(x[0])) ** 2;
      for (let i = 0; i < x.length - 1; i++) sum += (w(x[i]) - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w(x[i]) + 1) ** 2);
      const last = w(x[x.length - 1]);
      return sum + (last - 1) ** 2 * (1 + Math.sin(2 * Math.PI * last) ** 2);
    },
  },
];

/** Best value a run reaches from the problem's initial point. */
function bestValue(problem: Problem, optimizer: string, overrides: Partial<OptimizerConfig>, seed: number, iterations: number): number {
  const initial = encodeParameters(problem.space, initialValues(problem.space));
  const d = initial.length;
  const engine = createOptimizer(optimizer, overrides, { initial, seed, bounds: { lower: 0, upper: 1 } });
  let best = Infinity;
  for (let t = 0; t < iterations; t++) {
    const batch = engine.ask();
    const values = new Float64Array(batch.rows);
    for (let r = 0; r < batch.rows; r++) {
      values[r] = problem.f(decodeParameters(problem.space, batch.points.subarray(r * d, (r + 1) * d)));
      if (values[r] < best) best = values[r];
    }
    engine.tell(values);
  }
  return best;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const iterations = Number(args.iterations);
const seeds = Array.from({ length: Number(args.seeds) }, (_, i) => 1000 + i);
const mus = args.mus.split(",").map(Number);
const lrs = args.lrs.split(",").map(Number);
const started = Date.now();

interface Cell {
  optimizer: string;
  mu: number | "default";
  lr: number | "default";
  /** Median regret (best - minimum) per problem, over the seeds. */
  regrets: number[];
  /** Mean over problems of the setting's rank among the settings of its optimizer (1 = best). */
  meanRank?: number;
  /** Geometric mean over problems of regret / the best regret any setting of the optimizer reached (1 = best everywhere). */
  gap?: number;
}

const cells: Cell[] = [];
for (const optimizer of args.optimizers.split(",")) {
  const settings: { mu: number | "default"; lr: number | "default" }[] = [{ mu: "default", lr: "default" }];
  for (const mu of mus) for (const lr of lrs) settings.push({ mu, lr });
  const ofOptimizer: Cell[] = [];
  for (const { mu, lr } of settings) {
    const overrides: Partial<OptimizerConfig> = {};
    if (mu !== "default") overrides.mu = mu;
    if (lr !== "default") overrides.lr = lr;
    const regrets = PROBLEMS.map((problem) => median(seeds.map((seed) => bestValue(problem, optimizer, overrides, seed, iterations) - problem.minimum)));
    ofOptimizer.push({ optimizer, mu, lr, regrets });
  }
  // Rank per problem (ties share the lower rank), then average over problems.
  for (const cell of ofOptimizer) {
    const ranks = PROBLEMS.map((_, p) => 1 + ofOptimizer.filter((other) => other.regrets[p] < cell.regrets[p] * (1 - 1e-9)).length);
    cell.meanRank = ranks.reduce((a, b) => a + b, 0) / ranks.length;
    // Regrets below 1e-9 count as 1e-9: past that, the differences are rounding, not progress.
    const floor = (x: number) => Math.max(x, 1e-9);
    const logGaps = PROBLEMS.map((_, p) => Math.log(floor(cell.regrets[p]) / Math.min(...ofOptimizer.map((other) => floor(other.regrets[p])))));
    cell.gap = Math.exp(logGaps.reduce((a, b) => a + b, 0) / logGaps.length);
  }
  cells.push(...ofOptimizer);
  console.log(`${optimizer}: done after ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const record = {
  what: "best value reached (median over seeds, as regret to the minimum) for a grid of mu and lr on normalised parameter spaces",
  iterations,
  seeds,
  problems: PROBLEMS.map((p) => p.name),
  cells,
  machine: machine(),
  date: new Date().toISOString(),
  note: "measured on a shared machine (other jobs running); the figures are values reached, not times, so load does not change them",
};
const resultsDir = join(__dirname, "results");
writeFileSync(join(resultsDir, `${args.out}.json`), JSON.stringify(record, null, 2) + "\n");

const format = (x: number) => (x < 1e-3 ? x.toExponential(1) : x.toPrecision(3));
const lines = [
  `# Defaults for named parameters (normalised coordinates in [0, 1])`,
  "",
  `${iterations} iterations, seeds ${seeds.join(", ")}; median regret (best value - minimum) per problem; gap: geometric mean over the problems of regret / the best regret of any setting of the same optimizer (1 = best on every problem); mean rank among those settings (1 = best).`,
  `Machine: ${record.machine.cpu}, ${record.machine.cores} cores, Node ${record.machine.node}; ${record.date.slice(0, 10)}. ${record.note}.`,
  "",
  `Problems: ${PROBLEMS.map((p, i) => `(${i + 1}) ${p.name}`).join("; ")}.`,
  "",
  `| optimizer | mu | lr | gap | mean rank | ${PROBLEMS.map((_, i) => `(${i + 1})`).join(" | ")} |`,
  `|---|---|---|---|---|${PROBLEMS.map(() => "---").join("|")}|`,
  ...[...cells]
    .sort((a, b) => (a.optimizer === b.optimizer ? a.gap! - b.gap! : a.optimizer.localeCompare(b.optimizer)))
    .map((c) => `| ${c.optimizer} | ${c.mu} | ${c.lr} | ${c.gap!.toFixed(1)} | ${c.meanRank!.toFixed(1)} | ${c.regrets.map(format).join(" | ")} |`),
  "",
];
writeFileSync(join(resultsDir, `${args.out}.md`), lines.join("\n"));
console.log(lines.join("\n"));
