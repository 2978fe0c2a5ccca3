/**
 * What running each run in a process of its own costs, and how fast the
 * memory limit acts.
 *
 * 1. Overhead: `zoar run examples/levy.ts --iterations 3000` (d = 1000, the
 *    paper protocol through the command line) with the run in a child process
 *    (this tree's dist/) against the same command built from the commit
 *    before it, where the run was a worker thread of the zoar process. Runs
 *    alternate, old then new, and the medians of wall time are compared.
 *    Goal: at most 5% slower.
 * 2. Memory limit: an objective leaking Buffers (test/fixtures/runs/leaks-buffers.ts)
 *    under a 400 MB limit, its run process's resident memory sampled every
 *    2 ms from here: time from the first sample over the limit to the run
 *    ending (goal: under 1 s), and the peak of the process tree (this process
 *    plus the run process) against the limit.
 *
 *   node esbuild.config.mjs && flock /tmp/zoar-heavy.lock npx tsx bench/process-overhead.ts [--runs 5] [--base <commit>]
 *
 * Writes bench/results/process-overhead.json.
 */
import { execFileSync, spawn } from "node:child_process";
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { residentBytesOf } from "../src/run/memory-limit";
import { RunController } from "../src/run/controller";
import { machine } from "./machine";

const ROOT = path.resolve(__dirname, "..");
const ITERATIONS = 3000;
const GOAL_SLOWDOWN = 0.05;
const LIMIT_MB = 400;
const GOAL_BREACH_TO_END_MS = 1000;
const MB = 1024 * 1024;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The command line as it was at `commit`: its sources exported and bundled into .tmp/ (so node_modules resolve). */
async function buildCliAt(commit: string): Promise<string> {
  const dir = path.join(ROOT, ".tmp", `bench-base-${commit.slice(0, 12)}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const archive = execFileSync("git", ["archive", "--format=tar", commit, "src"], { cwd: ROOT, maxBuffer: 1 << 28 });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  await esbuild.build({
    absWorkingDir: dir,
    entryPoints: { cli: "src/cli/main.ts", "run-worker": "src/run/worker.ts", "objective-worker": "src/objective/worker.ts", "objective-sdk": "src/objective/sdk.ts" },
    outdir: path.join(dir, "dist"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["onnxruntime-node", "esbuild", "vscode", "tsx"],
    logLevel: "error",
  });
  return path.join(dir, "dist", "cli.js");
}

interface Timed {
  wallMs: number;
  loopMs: number;
  bestValue: number;
}

/** One `zoar run` of levy, timed from spawn to exit. */
function timeRun(cli: string, runsDir: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [cli, "run", path.join(ROOT, "examples", "levy.ts"), "--iterations", String(ITERATIONS), "--runs-dir", runsDir, "--json"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - start;
      if (code !== 0) return reject(new Error(`${cli} exited with ${code}`));
      const json = JSON.parse(stdout) as { elapsedMs: number; bestValue: number };
      resolve({ wallMs, loopMs: json.elapsedMs, bestValue: json.bestValue });
    });
  });
}

async function overhead(runs: number, base: string, scratch: string) {
  const oldCli = await buildCliAt(base);
  const newCli = path.join(ROOT, "dist", "cli.js");
  if (!fs.existsSync(newCli)) throw new Error("dist/cli.js is missing: run node esbuild.config.mjs first");
  const before: Timed[] = [];
  const after: Timed[] = [];
  await timeRun(newCli, path.join(scratch, "warmup")); // file caches, esbuild's first start
  for (let i = 0; i < runs; i++) {
    before.push(await timeRun(oldCli, path.join(scratch, "before")));
    after.push(await timeRun(newCli, path.join(scratch, "after")));
    console.log(`  run ${i + 1}/${runs}: worker thread ${Math.round(before[i].wallMs)} ms, own process ${Math.round(after[i].wallMs)} ms`);
  }
  if (before.some((run) => run.bestValue !== after[0].bestValue) || after.some((run) => run.bestValue !== after[0].bestValue)) {
    throw new Error("the two builds did not reach the same best value");
  }
  const wallBefore = median(before.map((run) => run.wallMs));
  const wallAfter = median(after.map((run) => run.wallMs));
  const slowdown = wallAfter / wallBefore - 1;
  const round = (value: number) => Math.round(value);
  return {
    command: `zoar run examples/levy.ts --iterations ${ITERATIONS} --json`,
    base,
    runsEach: runs,
    workerThread: { medianWallMs: round(wallBefore), medianLoopMs: round(median(before.map((run) => run.loopMs))), wallMs: before.map((run) => round(run.wallMs)) },
    ownProcess: { medianWallMs: round(wallAfter), medianLoopMs: round(median(after.map((run) => run.loopMs))), wallMs: after.map((run) => round(run.wallMs)) },
    slowdownPercent: Math.round(slowdown * 1000) / 10,
    goalPercent: GOAL_SLOWDOWN * 100,
    meetsGoal: slowdown <= GOAL_SLOWDOWN,
  };
}

async function memoryBreach(scratch: string) {
  const controller = RunController.start(
    { objectiveFile: path.join(ROOT, "test", "fixtures", "runs", "leaks-buffers.ts"), optimizer: "zoar", stop: { iterations: 1_000_000 }, runsDir: path.join(scratch, "leak") },
    { workerScript: path.join(ROOT, "dist", "run-worker.js"), objectiveWorkerScript: path.join(ROOT, "dist", "objective-worker.js"), memoryLimitMB: LIMIT_MB, output: () => undefined },
  );
  let firstOver: number | undefined;
  let runPeak = 0;
  let treePeak = 0;
  const sampler = setInterval(() => {
    const run = residentBytesOf(controller.pid!) ?? 0;
    runPeak = Math.max(runPeak, run);
    treePeak = Math.max(treePeak, run + process.memoryUsage.rss());
    if (firstOver === undefined && run > LIMIT_MB * MB) firstOver = performance.now();
  }, 2);
  const result = await controller.finished;
  const ended = performance.now();
  clearInterval(sampler);
  if (result.error?.kind !== "memory" || firstOver === undefined) throw new Error(`the leak did not end by its memory limit: ${result.error?.message}`);
  return {
    objective: "test/fixtures/runs/leaks-buffers.ts (1 MB of Buffers per evaluation after 200)",
    limitMB: LIMIT_MB,
    message: result.error.message,
    breachToEndMs: Math.round(ended - firstOver),
    goalBreachToEndMs: GOAL_BREACH_TO_END_MS,
    meetsGoal: ended - firstOver < GOAL_BREACH_TO_END_MS,
    runProcessPeakMB: Math.round(runPeak / MB),
    processTreePeakMB: Math.round(treePeak / MB),
    hostProcessMB: Math.round(process.memoryUsage.rss() / MB),
  };
}

async function main(): Promise<void> {
  const runs = Number(option("--runs", "5"));
  const base = option("--base", execFileSync("git", ["merge-base", "HEAD", "main"], { cwd: ROOT, encoding: "utf8" }).trim());
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-bench-process-"));
  try {
    console.log(`process overhead: ${runs} runs each of zoar run examples/levy.ts --iterations ${ITERATIONS}`);
    const overheadFigures = await overhead(runs, base, scratch);
    console.log(
      `  median wall time: worker thread ${overheadFigures.workerThread.medianWallMs} ms, own process ${overheadFigures.ownProcess.medianWallMs} ms: ` +
        `${overheadFigures.slowdownPercent}% (goal <= ${overheadFigures.goalPercent}%: ${overheadFigures.meetsGoal ? "met" : "NOT met"})`,
    );
    const breach = await memoryBreach(scratch);
    console.log(
      `memory limit ${LIMIT_MB} MB: run ended ${breach.breachToEndMs} ms after crossing it (goal < ${GOAL_BREACH_TO_END_MS} ms: ${breach.meetsGoal ? "met" : "NOT met"}); ` +
        `run process peaked at ${breach.runProcessPeakMB} MB, the process tree at ${breach.processTreePeakMB} MB`,
    );
    const result = {
      benchmark: "process-overhead",
      overhead: overheadFigures,
      memoryLimit: breach,
      machine: { ...machine(), loadAverage1min: Math.round(os.loadavg()[0] * 10) / 10 },
      note: "measured on a shared machine (2 cores, several other workloads at once): figures are noisy; the runs alternate so both builds see the same load",
      date: new Date().toISOString(),
    };
    const out = path.join(__dirname, "results", "process-overhead.json");
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written to ${path.relative(process.cwd(), out)}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(path.join(ROOT, ".tmp", `bench-base-${base.slice(0, 12)}`), { recursive: true, force: true });
  }
}

void main();
