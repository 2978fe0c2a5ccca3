// `zoar bench synthetic` through the built command line: the JSON line format
// other tools read, the table, and usage errors.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const cli = join(__dirname, "..", "..", "dist", "cli.js");

function zoar(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
}

describe("zoar bench synthetic", () => {
  it("prints one JSON object per optimizer with the stable fields and a trace that ends at the last iteration", () => {
    const run = zoar("bench", "synthetic", "--function", "rosenbrock", "--dimension", "200", "--iterations", "250", "--optimizers", "vanilla,zoar", "--json");
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.optimizer), ["vanilla", "zoar"]);
    for (const line of lines) {
      for (const key of ["optimizer", "function", "dimension", "iterations", "evaluations", "initial", "final", "msPerIteration", "trace"]) assert.ok(key in line, key);
      assert.equal(line.function, "rosenbrock");
      assert.equal(line.dimension, 200);
      assert.equal(line.evaluations, 250 * 11);
      assert.equal(line.trace.at(-1)[0], 249);
      assert.equal(line.trace.at(-1)[1], line.final);
      assert.equal(line.trace[0][1], line.initial);
      assert.ok(line.trace.length >= 100 && line.trace.length <= 130);
      assert.ok(line.final < line.initial);
    }
    // The same x0 for every optimizer.
    assert.equal(lines[0].initial, lines[1].initial);
  });

  it("applies hyperparameter flags and reports the table", () => {
    const run = zoar("bench", "synthetic", "--function", "quadratic", "--dimension", "50", "--iterations", "100", "--optimizers", "zoar", "--queries", "4", "--no-measure-center");
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /quadratic, d = 50, 100 iterations/);
    // 4 queries per iteration without the centre: 400 evaluations.
    assert.match(run.stdout, /^zoar\s+456\s+.*\s400\s/m);
  });

  it("rejects bad values with exit code 2 and names the option", () => {
    const bad = zoar("bench", "synthetic", "--mu", "-1");
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--mu <mu>.*-1.*expected a finite number > 0/);
    const unknown = zoar("bench", "synthetic", "--optimizers", "zoar,nope");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown nope/);
  });
});
