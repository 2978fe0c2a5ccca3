/**
 * The paper's MNIST attack for every bundled digit with vanilla, ZoAR and
 * R-AdaZO: each run stops at its first successful query (loss < 0) or after
 * an iteration cap, and the iterations and queries it took are recorded.
 *
 *   npx tsx examples/mnist-attack/run-attacks.ts [--seeds 0,1,2,3,4] [--iterations 5000] [--digits 0,1,...] [--optimizers vanilla,zoar,radazo]
 *
 * Writes examples/mnist-attack/results.json and prints a table.
 *
 * Settings (ALGORITHMS.md): eta = 0.01, K = 2, mu = 0.5, radazo update, N = 5
 * for ZoAR. `vanilla` and `zoar` keep their presets' Gaussian directions and
 * betas (0.9, 0.99); `radazo` keeps what makes it R-AdaZO as in its code -
 * unit-sphere directions and betas (0.9, 0.999) - with the same eta, K and mu.
 * Every optimizer also evaluates the centre f(theta) each iteration, so an
 * iteration costs K + 1 = 3 queries for all three.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { OptimizerConfig } from "../../src/engine";
import { startRun, type RunResult } from "../../src/run";

const ATTACK_FILE = path.join(__dirname, "attack.ts");
const RESULTS_FILE = path.join(__dirname, "results.json");

const SHARED_SETTINGS: Partial<OptimizerConfig> = { lr: 0.01, queries: 2, mu: 0.5, update: "radazo" };
const OVERRIDES: Record<string, Partial<OptimizerConfig>> = {
  vanilla: { ...SHARED_SETTINGS },
  zoar: { ...SHARED_SETTINGS, histories: 5 },
  radazo: { ...SHARED_SETTINGS },
};

/** K = 2 directions and the centre f(theta), for all three optimizers. */
const QUERIES_PER_ITERATION = 3;

/** The largest negative double: `best <= target` (how runs compare) then means exactly best < 0. */
const SUCCESS_TARGET = -Number.MIN_VALUE;

interface AttackRecord {
  digit: number;
  target: number;
  optimizer: string;
  seed: number;
  success: boolean;
  /** Iterations run: up to and including the one whose query succeeded, or the cap. */
  iterations: number;
  /** Objective evaluations (queries) those iterations made, centre queries included. */
  queries: number;
  bestValue: number;
  elapsedMs: number;
}

interface OptimizerSummary {
  optimizer: string;
  runs: number;
  successes: number;
  successRate: number;
  /** Over all runs, a failure counting as never (null when half or more failed): comparable across optimizers. */
  medianIterationsAllRuns: number | null;
  medianQueriesAllRuns: number | null;
  /** Over the successful runs only: each optimizer over the digits it flips. */
  medianIterations: number;
  meanIterations: number;
  medianQueries: number;
  meanQueries: number;
  /** Median over seeds of the iterations to success, per digit (null when no seed succeeded). */
  medianIterationsByDigit: (number | null)[];
}

function integerList(raw: string, name: string): number[] {
  const values = raw.split(",").map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isInteger(value) || value < 0)) throw new Error(`--${name} expects integers >= 0, got "${raw}"`);
  return values;
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medianOrNull(values: number[]): number | null {
  const value = median(values);
  return Number.isFinite(value) ? value : null;
}

function mean(values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

async function attack(digit: number, optimizer: string, seed: number, iterationCap: number, runsDir: string): Promise<AttackRecord> {
  // The objective worker copies the environment when it starts, inside startRun.
  process.env.ZOAR_MNIST_DIGIT = String(digit);
  const loop = await startRun({
    objectiveFile: ATTACK_FILE,
    optimizer,
    overrides: OVERRIDES[optimizer],
    seed,
    stop: { target: SUCCESS_TARGET, iterations: iterationCap },
    provider: "cpu",
    // Named here: generated run ids resolve only to the second, and these runs start several a second.
    runDir: path.join(runsDir, `digit-${digit}-${optimizer}-seed-${seed}`),
  });
  const result: RunResult = await loop.run();
  if (result.status !== "done") throw new Error(`digit ${digit}, ${optimizer}, seed ${seed}: run ${result.status}: ${result.error?.message ?? result.reason}`);
  return {
    digit,
    target: (digit + 1) % 10,
    optimizer,
    seed,
    success: result.reason === "target",
    iterations: result.iterations,
    queries: result.evaluations,
    bestValue: result.bestValue,
    elapsedMs: Math.round(result.elapsedMs),
  };
}

function summarize(optimizer: string, records: AttackRecord[], digits: number[]): OptimizerSummary {
  const own = records.filter((record) => record.optimizer === optimizer);
  const succeeded = own.filter((record) => record.success);
  return {
    optimizer,
    runs: own.length,
    successes: succeeded.length,
    successRate: own.length === 0 ? NaN : succeeded.length / own.length,
    medianIterationsAllRuns: medianOrNull(own.map((record) => (record.success ? record.iterations : Infinity))),
    medianQueriesAllRuns: medianOrNull(own.map((record) => (record.success ? record.queries : Infinity))),
    medianIterations: median(succeeded.map((record) => record.iterations)),
    meanIterations: mean(succeeded.map((record) => record.iterations)),
    medianQueries: median(succeeded.map((record) => record.queries)),
    meanQueries: mean(succeeded.map((record) => record.queries)),
    medianIterationsByDigit: digits.map((digit) => {
      const values = succeeded.filter((record) => record.digit === digit).map((record) => record.iterations);
      return values.length === 0 ? null : median(values);
    }),
  };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ");
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

const whole = (value: number) => (Number.isNaN(value) ? "-" : String(Math.round(value)));

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      seeds: { type: "string", default: "0,1,2,3,4" },
      iterations: { type: "string", default: "5000" },
      digits: { type: "string", default: "0,1,2,3,4,5,6,7,8,9" },
      optimizers: { type: "string", default: "vanilla,zoar,radazo" },
    },
  });
  const seeds = integerList(flags.seeds, "seeds");
  const digits = integerList(flags.digits, "digits");
  const [iterationCap] = integerList(flags.iterations, "iterations");
  const optimizers = flags.optimizers.split(",").map((name) => name.trim());
  for (const optimizer of optimizers) if (!(optimizer in OVERRIDES)) throw new Error(`unknown optimizer "${optimizer}" (known: ${Object.keys(OVERRIDES).join(", ")})`);

  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-mnist-attacks-"));
  const records: AttackRecord[] = [];
  const started = performance.now();
  try {
    for (const digit of digits) {
      for (const optimizer of optimizers) {
        for (const seed of seeds) {
          const record = await attack(digit, optimizer, seed, iterationCap, runsDir);
          records.push(record);
          const outcome = record.success ? `success after ${record.iterations} iterations (${record.queries} queries)` : `no success in ${record.iterations} iterations`;
          process.stderr.write(`digit ${digit} -> ${record.target}  ${optimizer.padEnd(7)} seed ${seed}: ${outcome}, best ${record.bestValue.toFixed(4)}\n`);
        }
      }
    }
  } finally {
    fs.rmSync(runsDir, { recursive: true, force: true });
  }

  const summaries = optimizers.map((optimizer) => summarize(optimizer, records, digits));
  const results = {
    experiment: "mnist-attack",
    protocol: "ALGORITHMS.md, Black-box adversarial attack protocol (MNIST); success = first query with loss < 0",
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` },
    settings: { overrides: OVERRIDES, iterationCap, seeds, digits, queriesPerIteration: QUERIES_PER_ITERATION },
    totalSeconds: Math.round((performance.now() - started) / 100) / 10,
    summaries,
    runs: records,
  };
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);

  console.log(
    table(
      ["optimizer", "success", "median iterations (all runs)", "median queries (all runs)", "median / mean iterations (successes)", "median / mean queries (successes)"],
      summaries.map((s) => [
        s.optimizer,
        `${s.successes}/${s.runs}`,
        s.medianIterationsAllRuns === null ? `> ${iterationCap}` : whole(s.medianIterationsAllRuns),
        s.medianQueriesAllRuns === null ? `> ${QUERIES_PER_ITERATION * iterationCap}` : whole(s.medianQueriesAllRuns),
        `${whole(s.medianIterations)} / ${whole(s.meanIterations)}`,
        `${whole(s.medianQueries)} / ${whole(s.meanQueries)}`,
      ]),
    ),
  );
  console.log();
  console.log("median iterations to success per digit (over seeds):");
  console.log(
    table(
      ["digit -> target", ...optimizers],
      digits.map((digit, index) => [`${digit} -> ${(digit + 1) % 10}`, ...summaries.map((s) => (s.medianIterationsByDigit[index] === null ? "-" : whole(s.medianIterationsByDigit[index]!)))]),
    ),
  );
  console.log(`\nwrote ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
