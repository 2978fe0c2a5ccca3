// Records a long run of finetune.ts (the recorded budget) from its run
// folder: held-out accuracy and test loss at each metrics iteration, the
// time a step took against its two forward passes, and the settings; then
// plots every recorded long run (results-long*.json) into results-long.svg.
//
//   npx tsx examples/finetune-spam/record-long.ts <run-dir> <results-long-NAME.json> "<the command that made it>" "<machine note>" "<label>"
import * as fs from "node:fs";
import * as path from "node:path";
import { readRun, readTrace } from "../../src/run";
import { plotAccuracy } from "./plot";

const REFERENCES = { zeroShot: 0.72, linearProbe: 0.92 }; // README, "Results": the same 400 test e-mails

interface LongRecord {
  command: string;
  label?: string;
  accuracy: { iteration: number; accuracy: number; testLoss: number }[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function record(runDir: string, out: string, command: string, machine: string, label: string | undefined): void {
  const run = readRun(runDir);
  const rows = readTrace(path.join(runDir, "trace.jsonl")).lines;
  const accuracy = rows.flatMap((row) => (row.metrics ? [{ iteration: row.iteration, accuracy: row.metrics.accuracy, testLoss: row.metrics.testLoss }] : []));
  const last = run.result?.metrics;
  if (last) accuracy.push({ iteration: rows.length, accuracy: last.accuracy, testLoss: last.testLoss });
  // A step without metrics: the time between two trace rows; its forward passes: the mean minibatch pass the metrics report.
  const steps = rows.slice(1).flatMap((row, i) => (row.metrics || rows[i].metrics ? [] : [row.elapsedMs - rows[i].elapsedMs]));
  const forwardMs = rows.flatMap((row) => (row.metrics && row.iteration > 0 ? [row.metrics.msPerForward] : []));
  const msPerStep = median(steps);
  // Means over the same steps for the ratio: the objective reports the mean pass since the last metrics.
  const meanStep = steps.reduce((sum, ms) => sum + ms, 0) / steps.length;
  const msPerForward = forwardMs.reduce((sum, ms) => sum + ms, 0) / forwardMs.length;
  const result = {
    ...(label ? { label } : {}),
    command,
    date: run.config.created.slice(0, 10),
    machine,
    config: run.config.config,
    references: REFERENCES,
    accuracy,
    finalAccuracy: last?.accuracy,
    finalTestLoss: last?.testLoss,
    bestAccuracy: Math.max(...accuracy.map((p) => p.accuracy)),
    elapsedMs: rows[rows.length - 1].elapsedMs,
    msPerStepMedian: +msPerStep.toFixed(1),
    msPerStepMean: +meanStep.toFixed(1),
    msPerForwardMean: +msPerForward.toFixed(1),
    stepOverForwardPasses: +(meanStep / (2 * msPerForward)).toFixed(3),
  };
  fs.writeFileSync(path.join(__dirname, out), JSON.stringify(result, null, 2) + "\n");
  console.log(`${out}: final ${(100 * (result.finalAccuracy ?? NaN)).toFixed(2)}%, best ${(100 * result.bestAccuracy).toFixed(2)}%, ${result.msPerStepMedian} ms a step, ${result.stepOverForwardPasses}x its forward passes`);
}

function plotAll(): void {
  const files = fs.readdirSync(__dirname).filter((name) => /^results-long.*\.json$/.test(name)).sort();
  const runs = files.map((name) => {
    const long = JSON.parse(fs.readFileSync(path.join(__dirname, name), "utf8")) as LongRecord;
    const flags = long.command.replace(/^.*finetune\.ts /, "");
    return { method: long.label ?? flags, seed: 0, accuracy: long.accuracy };
  });
  const iterations = Math.max(...runs.map((r) => r.accuracy[r.accuracy.length - 1].iteration));
  fs.writeFileSync(path.join(__dirname, "results-long.svg"), plotAccuracy(runs, REFERENCES, iterations));
  console.log(`results-long.svg: ${files.join(", ")}`);
}

const [runDir, out, command, machine, label] = process.argv.slice(2);
if (runDir) record(runDir, out, command, machine, label);
plotAll();
