// The Gaussian generator side by side in one process: Rng.fillNormal (one
// stream at a time, JavaScript) against the WebAssembly kernel (four streams
// in the lanes of a v128, kernels/normals.ts), drawing the same numbers, and,
// given --baseline DIR (a checkout of an earlier commit, e.g. made with
// `git worktree add --detach DIR <commit>`), against that checkout's kernel
// too. Raw normals in float64 and float32, and an iteration's query rows
// theta + mu u (drawQueryRows against QueryRowWriter), rounds alternating,
// medians. Time is the process's CPU time (one core: on a shared machine it
// leaves out the time other jobs held the core). Writes
// bench/results/normals.json.
//   flock /tmp/zoar-heavy.lock npx tsx bench/normals.ts [--baseline DIR] [--note ...]
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { drawQueryRows, GaussianLanes, KERNEL_TILE, makeDirectionSource, type Precision, type QueryRows, QueryRowWriter, Rng, zeros } from "../src/engine";
import { machine } from "./machine";

const { values: args } = parseArgs({ options: { note: { type: "string", default: "" }, rounds: { type: "string", default: "21" }, baseline: { type: "string" } } });
const rounds = Number(args.rounds);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU ns per normal of each way (each drawing `normals` numbers a call), medians over rounds of about 40 ms, the ways alternating. */
function sideBySide(normals: number, ways: Record<string, () => void>): Record<string, number> {
  const samples: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, draw] of Object.entries(ways)) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      let reps = 0;
      do {
        draw();
        reps++;
      } while (performance.now() - started < 40);
      const used = process.cpuUsage(cpu);
      (samples[name] ??= []).push(((used.user + used.system) * 1e3) / (reps * normals));
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, ns]) => [name, median(ns)]));
}

interface Figures {
  /** CPU ns per normal of each way. */
  ns: Record<string, number>;
  /** Millions of normals a second on one core. */
  millionsPerSecond: Record<string, number>;
  /** The kernel's speed over each other way. */
  kernelSpeedup: Record<string, number>;
}

function figures(ns: Record<string, number>): Figures {
  const millionsPerSecond = Object.fromEntries(Object.entries(ns).map(([name, t]) => [name, 1e3 / t]));
  const kernelSpeedup = Object.fromEntries(Object.entries(ns).filter(([name]) => name !== "kernel").map(([name, t]) => [name, t / ns.kernel]));
  return { ns, millionsPerSecond, kernelSpeedup };
}

function report(name: string, result: Figures): void {
  const ways = Object.entries(result.millionsPerSecond).map(([way, m]) => `${way} ${m.toFixed(0)} M/s`);
  const speedups = Object.entries(result.kernelSpeedup).map(([way, x]) => `${x.toFixed(2)}x over ${way}`);
  console.log(`${name}: ${ways.join(", ")} (kernel ${speedups.join(", ")})`);
}

void (async () => {
  const lanes = GaussianLanes.create();
  if (lanes === null) throw new Error("this platform cannot run the WebAssembly kernel");
  type Kernels = { GaussianLanes: typeof GaussianLanes; QueryRowWriter: typeof QueryRowWriter };
  let baseline: Kernels | null = null;
  if (args.baseline !== undefined) {
    const dir = resolve(args.baseline);
    const kernels = (await import(join(dir, "src", "engine", "kernels", "normals.ts"))) as Pick<Kernels, "GaussianLanes">;
    const rows = (await import(join(dir, "src", "engine", "query-rows.ts"))) as Pick<Kernels, "QueryRowWriter">;
    baseline = { GaussianLanes: kernels.GaussianLanes, QueryRowWriter: rows.QueryRowWriter };
  }
  const baselineLanes = baseline?.GaussianLanes.create() ?? null;
  if (baseline !== null && baselineLanes === null) throw new Error(`the baseline's kernel cannot run here`);

  const results: Record<string, Figures> = {};
  const d = 10_000;
  for (const precision of ["float64", "float32"] as Precision[]) {
    for (const streams of [1, 4, 8, 10]) {
      const seeds = Array.from({ length: streams }, (_, j) => 7 * j + 1);
      const rng = new Rng(0);
      const row = zeros(precision, d);
      const kernelDraw = (kernel: GaussianLanes) => () => {
        kernel.start(seeds);
        for (let from = 0; from < d; from += KERNEL_TILE) kernel.draw(Math.min(KERNEL_TILE, d - from), precision);
      };
      const ways: Record<string, () => void> = {
        js: () => {
          for (const seed of seeds) {
            rng.reseed(seed);
            rng.fillNormal(row, 0, d);
          }
        },
        kernel: kernelDraw(lanes),
      };
      if (baselineLanes !== null) ways.baseline = kernelDraw(baselineLanes);
      const name = `raw ${precision}, ${streams} stream${streams > 1 ? "s" : ""} of d = ${d}`;
      results[name] = figures(sideBySide(streams * d, ways));
      report(name, results[name]);
    }
  }
  for (const dimension of [1e4, 1e6]) {
    for (const precision of ["float64", "float32"] as Precision[]) {
      const queries = 10;
      const theta = zeros(precision, dimension).fill(0.25);
      const points = zeros(precision, (queries + 1) * dimension);
      const rows: QueryRows = { sampler: "gaussian", dimension, points, theta, mu: 0.005, antithetic: false, firstRow: 1, seeds: Uint32Array.from({ length: queries }, (_, k) => 99 + k), from: 0, to: queries };
      const source = makeDirectionSource("gaussian", dimension);
      const writer = new QueryRowWriter("gaussian", dimension);
      const ways: Record<string, () => void> = { js: () => drawQueryRows(source, rows), kernel: () => writer.write(rows) };
      if (baseline !== null) {
        const before = new baseline.QueryRowWriter("gaussian", dimension);
        ways.baseline = () => before.write(rows);
      }
      const name = `query rows ${precision}, K = ${queries}, d = ${dimension}`;
      results[name] = figures(sideBySide(queries * dimension, ways));
      report(name, results[name]);
    }
  }
  writeFileSync(
    join(__dirname, "results", "normals.json"),
    JSON.stringify({ machine: machine(), date: new Date().toISOString(), note: args.note, baseline: args.baseline ?? null, rounds, timing: "process CPU time, medians", results }, null, 2) + "\n",
  );
})();
