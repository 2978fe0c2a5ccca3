// `zoar sweep`: every combination of the listed values with the same seeds,
// each a stored run; JSON lines per run and a summary naming the best; a
// table sorted by best value; bad values refused naming their flag.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { useTemporaryFolder } from "../run/helpers";
import { explain, RUN_FIXTURES, runCli } from "./helpers";

interface RunLine {
  optimizer: string;
  seed: number;
  hyperparameters: Record<string, number>;
  status: string;
  bestValue: number;
  evaluations: number;
  runDir: string;
}

interface SummaryLine {
  summary: true;
  seeds: number[];
  best: { hyperparameters: Record<string, number>; bestMean: number };
  points: { hyperparameters: Record<string, number>; runs: number; failed: number; bestMean: number; bestMin: number; bestMax: number }[];
}

describe("zoar sweep", () => {
  const temporary = useTemporaryFolder("zoar-sweep-test-");
  const quadratic = path.join(RUN_FIXTURES, "quadratic.ts");

  it("runs every combination with the same seeds, one JSON line per run, then a summary naming the best", async () => {
    const outcome = await runCli(["sweep", quadratic, "--optimizer", "zoar", "--lr", "0.001,0.1", "--mu", "0.01,0.05", "--seeds", "2", "--seed", "7", "--iterations", "15", "--json"], temporary.dir);
    assert.equal(outcome.code, 0, explain(outcome));
    const lines = outcome.stdout.trim().split("\n").map((line) => JSON.parse(line) as RunLine | SummaryLine);
    assert.equal(lines.length, 9, outcome.stdout);
    const runs = lines.slice(0, 8) as RunLine[];
    const summary = lines[8] as SummaryLine;
    assert.deepEqual(
      runs.map((run) => `${run.hyperparameters.lr}/${run.hyperparameters.mu}/${run.seed}`),
      ["0.001/0.01/7", "0.001/0.01/8", "0.001/0.05/7", "0.001/0.05/8", "0.1/0.01/7", "0.1/0.01/8", "0.1/0.05/7", "0.1/0.05/8"],
    );
    assert.ok(runs.every((run) => run.optimizer === "zoar" && run.status === "done"));
    // Each run is stored, with the hyperparameters it was given.
    assert.equal(new Set(runs.map((run) => run.runDir)).size, 8);
    for (const run of runs) {
      const config = JSON.parse(fs.readFileSync(path.join(run.runDir, "config.json"), "utf8")) as { overrides: Record<string, number>; seed: number };
      assert.deepEqual([config.overrides, config.seed], [run.hyperparameters, run.seed]);
    }
    assert.equal(summary.summary, true);
    assert.deepEqual(summary.seeds, [7, 8]);
    assert.equal(summary.points.length, 4);
    for (const point of summary.points) {
      const mine = runs.filter((run) => run.hyperparameters.lr === point.hyperparameters.lr && run.hyperparameters.mu === point.hyperparameters.mu).map((run) => run.bestValue);
      assert.equal(point.runs, 2);
      assert.equal(point.bestMean, (mine[0] + mine[1]) / 2);
      assert.deepEqual([point.bestMin, point.bestMax], [Math.min(...mine), Math.max(...mine)]);
    }
    const means = summary.points.map((point) => point.bestMean);
    assert.deepEqual(means, [...means].sort((a, b) => a - b), "points sorted by mean best value");
    assert.deepEqual(summary.best, { hyperparameters: summary.points[0].hyperparameters, bestMean: means[0] });
    // On the quadratic, a learning rate 100 times larger gets much further in 15 iterations.
    assert.equal(summary.best.hyperparameters.lr, 0.1);
  });

  it("prints a table sorted by best value, and the best combination", async () => {
    const outcome = await runCli(["sweep", quadratic, "--lr", "0.001,0.01,0.1", "--iterations", "10"], temporary.dir);
    assert.equal(outcome.code, 0, explain(outcome));
    const [header, rule, ...rows] = outcome.stdout.trim().split("\n");
    assert.match(header, /^lr +runs +failed +best +final$/);
    assert.match(rule, /^-+ +-+/);
    const table = rows.slice(0, 3).map((row) => row.trim().split(/ +/));
    assert.deepEqual(table.map((row) => row[0]), ["0.1", "0.01", "0.001"]);
    const bests = table.map((row) => Number(row[3]));
    assert.deepEqual(bests, [...bests].sort((a, b) => a - b));
    assert.match(rows[3], /^best: lr=0\.1 \(best \S+\)$/);
    assert.equal(fs.readdirSync(path.join(temporary.dir, ".zoar", "runs")).length, 3);
  });

  it("refuses a bad value naming its flag, and a sweep of nothing, before running anything", async () => {
    const [badLr, badQueries, nothing, refused] = await Promise.all([
      runCli(["sweep", quadratic, "--lr", "0.01,fast"], temporary.dir),
      runCli(["sweep", quadratic, "--queries", "10,2.5"], temporary.dir),
      runCli(["sweep", quadratic, "--iterations", "5"], temporary.dir),
      runCli(["sweep", quadratic, "--optimizer", "spsa", "--lr", "0.01,0.01"], temporary.dir),
    ]);
    assert.equal(badLr.code, 2, explain(badLr));
    assert.match(badLr.stderr, /option '--lr <values>' argument '0\.01,fast' is invalid\. expected a finite number > 0, got "fast"/);
    assert.equal(badQueries.code, 2, explain(badQueries));
    assert.match(badQueries.stderr, /--queries <values>.*expected an integer >= 1, got "2\.5"/);
    assert.equal(nothing.code, 2, explain(nothing));
    assert.match(nothing.stderr, /sweep needs values of at least one hyperparameter: --lr, --mu/);
    assert.equal(refused.code, 2, explain(refused));
    assert.match(refused.stderr, /--lr <values>.*listed twice/);
    assert.ok(!fs.existsSync(path.join(temporary.dir, ".zoar")), "nothing ran");
  });
});
