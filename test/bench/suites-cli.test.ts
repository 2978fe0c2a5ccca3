// `zoar bench noise|drift|peers --quick` through the built command line: the
// JSON lines keep the synthetic format and add the bench's fields, the table
// reports mean ± sd with the number of seeds, and the SVG plot is written.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { join } from "node:path";

const cli = join(__dirname, "..", "..", "dist", "cli.js");
const SYNTHETIC_FIELDS = ["optimizer", "function", "dimension", "iterations", "seed", "evaluations", "initial", "final", "best", "msPerIteration", "engineMsPerIteration", "peakRssMB", "bufferStorage", "trace"];

function zoar(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
}

function readLines(file: string) {
  return fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
}

describe("zoar bench noise, drift, peers (--quick)", () => {
  let out: string;
  before(() => (out = fs.mkdtempSync(join(os.tmpdir(), "zoar-bench-"))));
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it("noise: true final values under Gaussian and Student-t noise, per optimizer and seed, with a plot", () => {
    const run = zoar("bench", "noise", "--quick", "--out", out);
    assert.equal(run.status, 0, run.stderr);
    const lines = readLines(join(out, "noise.jsonl"));
    // 1 function x 3 noise settings x 2 seeds x 4 optimizers.
    assert.equal(lines.length, 24);
    for (const line of lines) {
      for (const key of [...SYNTHETIC_FIELDS, "bench", "group", "label", "curve", "budget", "noise", "machine", "date"]) assert.ok(key in line, key);
      assert.equal(line.bench, "noise");
      assert.ok(line.evaluations <= line.budget && line.evaluations > line.budget - 40, `${line.evaluations} of ${line.budget}`);
      assert.deepEqual(line.curve.at(-1), [line.evaluations, line.final]);
      assert.ok(line.final < line.initial, `${line.label}: ${line.initial} -> ${line.final}`);
    }
    const noisy = lines.filter((l) => l.noise !== null);
    assert.equal(noisy.length, 16);
    for (const line of noisy) assert.ok(Math.abs(line.noise.sd - line.noise.level * line.initial) < 1e-12 * line.initial);
    assert.deepEqual([...new Set(lines.map((l) => l.optimizer))], ["vanilla", "zoar-0", "zoar", "sep-cma-es"]);
    // The same x0 for every optimizer of a seed.
    const seed = lines.filter((l) => l.seed === 456);
    assert.equal(new Set(seed.map((l) => l.initial)).size, 1);

    const table = fs.readFileSync(join(out, "noise.md"), "utf8");
    assert.match(table, /\| quadratic, Student-t2 0\.01 f\(x0\) \|/);
    assert.match(table, /± .* \(n = 2\)/);
    assert.equal(run.stdout.trim(), table.trim());
    const svg = fs.readFileSync(join(out, "noise.svg"), "utf8");
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // One median line and one band per optimizer in each of the 3 panels.
    assert.equal(svg.match(/<polyline /g)?.length, 12);
    assert.equal(svg.match(/<polygon /g)?.length, 12);
  });

  it("drift: ZoAR's N against vanilla and ZoAR-0, with each method's best learning rate", () => {
    const run = zoar("bench", "drift", "--quick", "--seeds", "1", "--json");
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.label), ["vanilla", "zoar-0", "zoar N=2", "zoar N=5"]);
    for (const line of lines) {
      assert.equal(line.bench, "drift");
      assert.deepEqual(line.drift, { speed: 0.5 });
      assert.equal(line.overrides.lr, 0.002);
      assert.ok(Number.isFinite(line.secondHalfMean) && line.secondHalfMean > 0);
    }
    assert.equal(lines[2].overrides.histories, 2);
    // The optimum moves: even a converged optimizer keeps a positive tracking error, and a run is reproducible.
    const again = zoar("bench", "drift", "--quick", "--seeds", "1", "--json");
    assert.deepEqual(again.stdout.trim().split("\n").map((l) => JSON.parse(l).final), lines.map((l) => l.final));
  });

  it("peers: equal budgets per dimension, evaluations to targets, full CMA-ES included at small d", () => {
    const run = zoar("bench", "peers", "--quick", "--seeds", "2", "--out", out);
    assert.equal(run.status, 0, run.stderr);
    const lines = readLines(join(out, "peers.jsonl"));
    assert.equal(lines.length, 2 * 2 * 2 * 4);
    for (const line of lines) {
      assert.equal(line.budget, line.dimension === 10 ? 2000 : 4000);
      assert.equal(line.targets.length, 4);
      for (const t of line.targets) assert.ok(t.evaluations === null || (t.evaluations > 0 && t.evaluations <= line.evaluations));
    }
    // CMA-ES on a 10-d quadratic reaches 1e-8 f(x0) inside 2,000 evaluations.
    const cma = lines.filter((l) => l.optimizer === "cma-es" && l.function === "quadratic" && l.dimension === 10);
    assert.ok(cma.every((l) => l.targets[3].evaluations !== null));
    const table = fs.readFileSync(join(out, "peers.md"), "utf8");
    assert.match(table, /Evaluations to reach f\(x0\) x target/);
    assert.match(table, /\| quadratic, d = 10 \| cma-es \| \d+ \(2\/2\)/);
    assert.ok(fs.statSync(join(out, "peers.svg")).size > 1000);
  });

  it("bench synthetic runs cma-es generations; --measure-center adds f(m) to each", () => {
    const plain = zoar("bench", "synthetic", "--function", "quadratic", "--dimension", "10", "--iterations", "20", "--optimizers", "cma-es", "--json");
    const centred = zoar("bench", "synthetic", "--function", "quadratic", "--dimension", "10", "--iterations", "20", "--optimizers", "cma-es", "--measure-center", "--json");
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal(centred.status, 0, centred.stderr);
    assert.equal(JSON.parse(plain.stdout).evaluations, 20 * 10);
    const line = JSON.parse(centred.stdout);
    assert.equal(line.evaluations, 20 * 11);
    // With the centre measured, the first logged value is f(x0) itself: 0.5 ||x0||^2 as vanilla logs it.
    const vanilla = JSON.parse(zoar("bench", "synthetic", "--function", "quadratic", "--dimension", "10", "--iterations", "1", "--optimizers", "vanilla", "--json").stdout);
    assert.equal(line.initial, vanilla.initial);
  });

  it("refuses an unknown optimizer and --optimizers for drift, exit code 2 or 1 with the cause", () => {
    const unknown = zoar("bench", "peers", "--quick", "--optimizers", "zoar,cmaes");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown cmaes/);
    const drift = zoar("bench", "drift", "--quick", "--optimizers", "zoar");
    assert.notEqual(drift.status, 0);
    assert.match(drift.stderr, /--optimizers does not apply to the drift bench/);
  });
});
