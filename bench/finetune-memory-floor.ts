/**
 * The floor under the fine-tuning run's resident memory: plain Node processes
 * (no tsx) that do a little more each, so the difference between two rows
 * is what the added piece costs. Each row is a fresh `node -e` process;
 * its VmHWM (peak resident) is read at its end; the median of 3.
 *
 *   node esbuild.config.mjs && flock /tmp/zoar-heavy.lock npx tsx bench/finetune-memory-floor.ts
 *
 * Rows: bare Node; onnxruntime-node loaded; a session of the frozen USE-Lite
 * model (28 MB, every weight an initializer: the same weights as the
 * layernorm model); 5 forward passes of 8 e-mails x 64 tokens; the same plus
 * an idle worker thread (the run process runs its objective in one); zoar's
 * run bundle loaded (dist/run-worker.js, as the run process starts) and
 * zoar's command-line bundle (`zoar --help`). Appends one record to
 * bench/results/finetune-memory-floor.json.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { modelFile } from "../examples/finetune-spam/model/models";
import { machine } from "./machine";

const ROOT = path.resolve(__dirname, "..");
const RESULTS = path.join(__dirname, "results/finetune-memory-floor.json");
const REPEATS = 3;

const peak = `const s = require("fs").readFileSync("/proc/self/status", "latin1"); process.stdout.write(String(Number(/^VmHWM:\\s*(\\d+)/m.exec(s)[1]) / 1024));`;
const session = `const ort = require("onnxruntime-node"); const session = await ort.InferenceSession.create(${JSON.stringify(modelFile("frozen"))}, { intraOpNumThreads: 1, executionProviders: ["cpu"] });`;
const passes = `const dims = [8, 64]; const ids = new BigInt64Array(8 * 64).map((_, i) => BigInt(100 + ((i * 7919) % 7000))); const mask = new Float32Array(8 * 64).fill(1);
  for (let r = 0; r < 5; r++) await session.run({ ids: new ort.Tensor("int64", ids, dims), mask: new ort.Tensor("float32", mask, dims) });`;
const worker = `const { Worker } = require("worker_threads"); const w = new Worker("require('worker_threads').parentPort.postMessage(1); setTimeout(() => {}, 1e9)", { eval: true }); await new Promise((r) => w.once("message", r));`;

const ROWS: { label: string; code: string }[] = [
  { label: "node -e (bare Node 20)", code: "" },
  { label: "+ onnxruntime-node loaded", code: `require("onnxruntime-node");` },
  { label: "+ a session of the 28 MB USE-Lite model", code: session },
  { label: "+ 5 forward passes of 8 e-mails x 64 tokens", code: `${session} ${passes}` },
  { label: "+ an idle worker thread (a second V8 heap)", code: `${session} ${passes} ${worker}` },
  { label: "node + zoar's run bundle (dist/run-worker.js) loaded, nothing run", code: `try { require(${JSON.stringify(path.join(ROOT, "dist/run-worker.js"))}); } catch {}` },
  { label: "node + an idle worker thread", code: worker },
];

function peakOf(code: string): number {
  const script = `(async () => { ${code} ${peak} process.exit(0); })().catch((e) => { console.error(e); process.exit(1); });`;
  const child = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (child.status !== 0) throw new Error(`exited with ${child.status}: ${script}`);
  return Number(child.stdout);
}

function cliHelpPeak(): number {
  const child = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, path.join(ROOT, "dist/cli.js"), "--help"], { cwd: ROOT, encoding: "utf8" });
  return Number(child.stderr.trim().split("\n").pop()) / 1024;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function main(): void {
  const rows = ROWS.map(({ label, code }) => ({ label, peakMB: +median(Array.from({ length: REPEATS }, () => peakOf(code))).toFixed(1) }));
  rows.push({ label: "zoar --help (the command-line bundle loaded)", peakMB: +median(Array.from({ length: REPEATS }, cliHelpPeak)).toFixed(1) });
  for (const row of rows) console.log(`${row.peakMB.toFixed(1).padStart(7)} MB  ${row.label}`);
  const previous = fs.existsSync(RESULTS) ? (JSON.parse(fs.readFileSync(RESULTS, "utf8")) as unknown[]) : [];
  const record = { date: new Date().toISOString(), machine: { ...machine(), note: "shared with other jobs" }, command: "npx tsx bench/finetune-memory-floor.ts", node: process.version, rows };
  fs.writeFileSync(RESULTS, JSON.stringify([...previous, record], null, 2) + "\n");
}

main();
