import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { useTemporaryFolder } from "../run/helpers";
import { explain, jsonOf, RUN_FIXTURES, runCli } from "./helpers";

describe("zoar compare, runs, show, new", () => {
  const temporary = useTemporaryFolder("zoar-cli-test-");
  const quadratic = path.join(RUN_FIXTURES, "quadratic.ts");

  it("compare runs every optimizer with the same budget and seeds, and averages over the seeds", async () => {
    const outcome = await runCli(["compare", quadratic, "--optimizers", "vanilla,zoar", "--seeds", "2", "--seed", "5", "--budget", "220", "--json"], temporary.dir);
    assert.equal(outcome.code, 0, explain(outcome));
    const json = jsonOf(outcome) as {
      seeds: number[];
      runs: { optimizer: string; seed: number; evaluations: number; finalValue: number; bestValue: number; bestParameters: number[] }[];
      summary: { optimizer: string; runs: number; failed: number; final: number; best: number; bestMin: number; bestMax: number; evaluations: number }[];
    };
    assert.deepEqual(json.seeds, [5, 6]);
    assert.deepEqual(json.runs.map((r) => `${r.optimizer}:${r.seed}`), ["vanilla:5", "zoar:5", "vanilla:6", "zoar:6"]);
    assert.ok(json.runs.every((r) => r.evaluations === 220), "the same budget for each");
    assert.ok(json.runs.every((r) => r.bestParameters.length === 5), "each run's best point");
    for (const summary of json.summary) {
      const mine = json.runs.filter((r) => r.optimizer === summary.optimizer);
      assert.equal(summary.runs, 2);
      assert.equal(summary.failed, 0);
      assert.equal(summary.final, (mine[0].finalValue + mine[1].finalValue) / 2);
      assert.equal(summary.best, (mine[0].bestValue + mine[1].bestValue) / 2);
      assert.deepEqual([summary.bestMin, summary.bestMax], [Math.min(mine[0].bestValue, mine[1].bestValue), Math.max(mine[0].bestValue, mine[1].bestValue)]);
      assert.equal(summary.evaluations, 220);
    }
    assert.equal(fs.readdirSync(path.join(temporary.dir, ".zoar", "runs")).length, 4, "each run is stored");
    assert.match(outcome.stderr, /\[zoar seed 6\] running zoar/);
  });

  it("compare prints a table, and exits 1 when the objective fails", async () => {
    const [table, failing] = await Promise.all([
      runCli(["compare", quadratic, "--optimizers", "radazo,spsa", "--iterations", "10"], temporary.dir),
      runCli(["compare", path.join(RUN_FIXTURES, "fails-at-evaluation-100.ts"), "--optimizers", "vanilla", "--iterations", "20", "--runs-dir", "other"], temporary.dir),
    ]);
    assert.equal(table.code, 0, explain(table));
    assert.match(table.stdout, /^optimizer +runs +failed +final \(mean\) +best \(mean\) +evaluations +time$/m);
    assert.match(table.stdout, /^radazo +1 +0 +\S+ +\S+ +110 /m);
    assert.match(table.stdout, /^spsa +1 +0 +\S+ +\S+ +20 /m);
    assert.equal(failing.code, 1, explain(failing));
    assert.match(failing.stderr, /vanilla \(seed 0\) failed: .*evaluate threw at iteration 9, query 0/);
    assert.match(failing.stdout, /^vanilla +1 +1 +NaN +NaN +- +-$/m);
  });

  it("runs lists the stored runs and show prints one run's configuration, result and last trace lines", async () => {
    const [empty, doneRun, failed] = await Promise.all([
      runCli(["runs", "--runs-dir", "empty"], temporary.dir),
      runCli(["run", quadratic, "--iterations", "12", "--mu", "0.1", "--json"], temporary.dir),
      runCli(["run", path.join(RUN_FIXTURES, "fails-at-evaluation-100.ts")], temporary.dir),
    ]);
    assert.equal(empty.code, 0, explain(empty));
    assert.equal(empty.stdout, "no runs in empty\n");
    assert.equal(failed.code, 1);
    const done = jsonOf(doneRun);
    const listed = await runCli(["runs", "--json"], temporary.dir);
    const runs = JSON.parse(listed.stdout) as { id: string; status: string; iterations: number; objective: string }[];
    const byStatus = (status: string) => runs.find((r) => r.status === status)!;
    assert.equal(runs.length, 2);
    assert.deepEqual([byStatus("done").iterations, byStatus("done").objective], [12, "quadratic"]);
    assert.deepEqual([byStatus("failed").iterations, byStatus("failed").objective], [9, "fails-at-evaluation-100"]);
    const table = await runCli(["runs"], temporary.dir);
    assert.match(table.stdout, /^id +objective +optimizer +status +iterations +best$/m);
    assert.match(table.stdout, new RegExp(`^${byStatus("failed").id} +fails-at-evaluation-100 +zoar +failed +9 +0$`, "m"));

    const id = path.basename(done.runDir as string);
    const [shown, failedShown, missing] = await Promise.all([
      runCli(["show", id, "--lines", "3"], temporary.dir),
      runCli(["show", byStatus("failed").id], temporary.dir),
      runCli(["show", "nothing"], temporary.dir),
    ]);
    assert.equal(shown.code, 0, explain(shown));
    assert.match(shown.stdout, /^objective +quadratic \(.*quadratic\.ts, 5 parameters\)$/m);
    assert.match(shown.stdout, /^optimizer +zoar with mu=0\.1, seed 0$/m);
    assert.match(shown.stdout, /^stop +12 iterations$/m);
    assert.match(shown.stdout, /^status +done \(iterations\)/m);
    assert.match(shown.stdout, /last 3 of 12 iterations:\niteration +evaluations +value +best/);
    assert.match(shown.stdout, /^11 +132 /m);
    assert.match(failedShown.stdout, /^error: .*evaluate threw at iteration 9, query 0: RangeError: the simulator diverged\n {2}at .*fails-at-evaluation-100\.ts:\d+:\d+$/m);
    assert.equal(missing.code, 2, explain(missing));
    assert.match(missing.stderr, /no run at nothing/);
  });

  it("new writes a typed template that runs, and refuses to overwrite", async () => {
    const created = await runCli(["new", "objectives/tune", "--dimension", "3"], temporary.dir);
    assert.equal(created.code, 0, explain(created));
    const file = path.join(temporary.dir, "objectives", "tune.ts");
    const text = fs.readFileSync(file, "utf8");
    assert.match(text, /^import \{ defineObjective \} from "zoar";$/m);
    assert.match(text, /dimension: 3,/);
    assert.match(text, /evaluate\(x: Float64Array\): number \{/);

    const again = await runCli(["new", "objectives/tune.ts"], temporary.dir);
    assert.equal(again.code, 2, explain(again));
    assert.match(again.stderr, /objectives[/\\]tune\.ts already exists; not overwritten/);
    assert.equal(fs.readFileSync(file, "utf8"), text);

    const run = await runCli(["run", file, "--iterations", "5", "--save", "--json"], temporary.dir);
    assert.equal(run.code, 0, explain(run));
    assert.equal(jsonOf(run).paramsFile, path.join(temporary.dir, "objectives", "tune.params.json"));
  });
});
