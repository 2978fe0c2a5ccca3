import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { readSavedParameters } from "../../src/run/params";
import { RunStore } from "../../src/run/store";
import { sphereModelBytes } from "../objective/sphere-model";
import { positionOf, useTemporaryFolder } from "../run/helpers";
import { copyFixture, explain, jsonOf, RUN_FIXTURES, runCli } from "./helpers";

describe("zoar run", () => {
  const temporary = useTemporaryFolder("zoar-cli-test-");

  it("keeps stdout for the JSON result: what the objective prints goes to stderr", async () => {
    const objective = copyFixture("prints.ts", temporary.dir, "prints.ts");
    const outcome = await runCli(["run", objective, "--iterations", "20", "--json"], temporary.dir);
    assert.equal(outcome.code, 0, explain(outcome));
    assert.equal(jsonOf(outcome).status, "done", "stdout parses as one JSON object");
    assert.match(outcome.stderr, /prints: warming up\n/);
    assert.match(outcome.stderr, /prints: evaluation 200\n/);
    assert.ok(!outcome.stdout.includes("prints:"));
  });

  it("runs an objective: exit 0, one JSON result on stdout, plain progress on stderr, parameters saved beside it", async () => {
    const objective = copyFixture("quadratic.ts", temporary.dir, "project/quadratic.ts");
    const outcome = await runCli(["run", objective, "--iterations", "40", "--lr", "0.05", "--seed", "4", "--json", "--save"], temporary.dir);
    assert.equal(outcome.code, 0, explain(outcome));
    const json = jsonOf(outcome);
    assert.equal(json.status, "done");
    assert.equal(json.iterations, 40);
    assert.equal(json.evaluations, 440);
    assert.equal(json.optimizer, "zoar");
    assert.equal(json.seed, 4);
    assert.equal(json.objective, objective);
    assert.equal(typeof json.bestValue, "number");
    assert.equal(typeof json.finalValue, "number");
    assert.equal(path.dirname(json.runDir as string), path.join(temporary.dir, ".zoar", "runs"));
    assert.equal(json.paramsFile, path.join(temporary.dir, "project", "quadratic.params.json"));
    assert.equal(json.provider, undefined, "no ONNX model, no provider");

    const result = RunStore.open(json.runDir as string).readResult()!;
    assert.equal(result.bestValue, json.bestValue);
    const saved = readSavedParameters(json.paramsFile as string);
    assert.equal(saved.value, json.bestValue);
    assert.equal(saved.final.value, json.finalValue);
    assert.equal(saved.parameters.length, 5);
    assert.match(outcome.stderr, /running zoar on "quadratic" \(5 parameters, seed 4\) -> \.zoar[/\\]runs[/\\]/);
    assert.match(outcome.stderr, /iteration 40 \(100%\) {2}best /);
    assert.ok(!outcome.stderr.includes("\u001b["), "no terminal control codes when stderr is not a terminal");
  });

  it("reports the ONNX provider an objective's model ran on", async () => {
    const objective = path.join(temporary.dir, "onnx-sphere.ts");
    fs.copyFileSync(path.resolve(RUN_FIXTURES, "../objectives/onnx-sphere.ts"), objective);
    fs.writeFileSync(path.join(temporary.dir, "sphere.onnx"), sphereModelBytes([1, 2, 3]));
    const outcome = await runCli(["run", objective, "--iterations", "5", "--provider", "cpu", "--json"], temporary.dir);
    assert.equal(outcome.code, 0, explain(outcome));
    const json = jsonOf(outcome);
    assert.equal(json.provider, "cpu");
    assert.equal(RunStore.open(json.runDir as string).readResult()!.provider, "cpu");
    assert.match(outcome.stderr, /ONNX provider: cpu/);
  });

  it("prints a readable summary without --json, honouring --runs-dir and the hyperparameter flags", async () => {
    const outcome = await runCli(
      ["run", path.join(RUN_FIXTURES, "quadratic.ts"), "--optimizer", "radazo", "--budget", "100", "--queries", "4", "--runs-dir", "stored"],
      temporary.dir,
    );
    assert.equal(outcome.code, 0, explain(outcome));
    assert.match(outcome.stdout, /^status +done: reached the evaluation budget$/m);
    assert.match(outcome.stdout, /^evaluations +100 in 20 iterations/m, "5 evaluations per iteration with --queries 4");
    const [id] = fs.readdirSync(path.join(temporary.dir, "stored"));
    assert.match(outcome.stdout, new RegExp(`^run +stored[/\\\\]${id}$`, "m"));
    const config = RunStore.open(path.join(temporary.dir, "stored", id)).readConfig();
    assert.equal(config.optimizer, "radazo");
    assert.equal(config.config.queries, 4);
    assert.deepEqual(config.stop, { evaluations: 100 });
  });

  it("--lr-schedule decays lr over --iterations unless --lr-decay-steps says otherwise, and refuses a run without a horizon", async () => {
    const quadratic = path.join(RUN_FIXTURES, "quadratic.ts");
    const [overRun, ownHorizon, noHorizon, unknown] = await Promise.all([
      runCli(["run", quadratic, "--iterations", "30", "--lr-schedule", "cosine", "--lr-final-fraction", "0.1", "--runs-dir", "a", "--json"], temporary.dir),
      runCli(["run", quadratic, "--iterations", "30", "--lr-schedule", "linear", "--lr-decay-steps", "12", "--runs-dir", "b", "--json"], temporary.dir),
      runCli(["run", quadratic, "--time", "5", "--lr-schedule", "cosine"], temporary.dir),
      runCli(["run", quadratic, "--lr-schedule", "step"], temporary.dir),
    ]);
    assert.equal(overRun.code, 0, explain(overRun));
    const decaying = RunStore.open(jsonOf(overRun).runDir as string).readConfig();
    assert.deepEqual([decaying.config.lrSchedule, decaying.config.lrDecaySteps, decaying.config.lrFinalFraction], ["cosine", 30, 0.1]);
    assert.deepEqual(decaying.overrides, { lrSchedule: "cosine", lrFinalFraction: 0.1 }, "the horizon is the run's, not the user's");
    assert.equal(ownHorizon.code, 0, explain(ownHorizon));
    const linear = RunStore.open(jsonOf(ownHorizon).runDir as string).readConfig();
    assert.deepEqual([linear.config.lrSchedule, linear.config.lrDecaySteps, linear.config.lrFinalFraction], ["linear", 12, 0]);
    assert.equal(noHorizon.code, 2, explain(noHorizon));
    assert.match(noHorizon.stderr, /zoar: zoar: Invalid lrDecaySteps: the cosine schedule needs its horizon/);
    assert.equal(unknown.code, 2, explain(unknown));
    assert.match(unknown.stderr, /'--lr-schedule <kind>' argument 'step' is invalid\. expected one of constant, cosine, linear/);
  });

  it("exits 1 when the objective throws, naming file:line:col, iteration and query, and how to resume", async () => {
    const file = path.join(RUN_FIXTURES, "fails-at-evaluation-100.ts");
    const place = positionOf(file, "new RangeError");
    const outcome = await runCli(["run", file, "--iterations", "30"], temporary.dir);
    assert.equal(outcome.code, 1, explain(outcome));
    assert.match(outcome.stderr, /zoar: the objective failed: fails-at-evaluation-100\.ts:\d+:\d+: evaluate threw at iteration 9, query 0: RangeError: the simulator diverged/);
    assert.ok(outcome.stderr.includes(`  at ${file}:${place.line}:${place.column}\n`), explain(outcome));
    assert.match(outcome.stderr, /continue from the last checkpoint with: zoar resume \.zoar[/\\]runs[/\\]\S+/);
    assert.match(outcome.stdout, /^status +failed: the objective failed$/m);
  });

  it("exits 1 when an evaluation runs past --timeout, and when the objective does not load (JSON names the place)", async () => {
    const [hung, broken] = await Promise.all([
      runCli(["run", path.join(RUN_FIXTURES, "hangs-at-evaluation-50.ts"), "--timeout", "0.6"], temporary.dir),
      runCli(["run", path.resolve(RUN_FIXTURES, "../objectives/load-throws.ts"), "--json"], temporary.dir),
    ]);
    assert.equal(hung.code, 1, explain(hung));
    assert.match(hung.stderr, /evaluation did not finish within 600 ms at iteration 4, query 5/);

    assert.equal(broken.code, 1, explain(broken));
    const json = jsonOf(broken);
    assert.equal(json.status, "failed");
    assert.equal(json.runDir, null);
    const error = json.error as Record<string, unknown>;
    assert.equal(error.kind, "load");
    assert.equal(error.line, positionOf(path.resolve(RUN_FIXTURES, "../objectives/load-throws.ts"), "throw new Error").line);
    assert.match(broken.stderr, /load-throws\.ts:\d+:\d+: the objective threw while loading/);
  });

  it("exits 2 on usage errors and says which flag or value is wrong", async () => {
    const quadratic = path.join(RUN_FIXTURES, "quadratic.ts");
    const cases: [string[], RegExp][] = [
      [["run", quadratic, "--bogus"], /unknown option '--bogus'/],
      [["run", quadratic, "--iterations", "abc"], /'--iterations <N>' argument 'abc' is invalid\. expected an integer >= 1/],
      [["run", quadratic, "--optimizer", "adamw"], /'--optimizer <name>' argument 'adamw' is invalid\. expected one of zoar, zoar-0, vanilla/],
      [["run", quadratic, "--non-finite", "ignore"], /'--non-finite <policy>' argument 'ignore' is invalid/],
      [["run", quadratic, "--seed", "5000000000"], /'--seed <seed>' argument '5000000000' is invalid/],
      [["run", quadratic, "--time", "-1"], /'--time <seconds>' argument '-1' is invalid/],
      [["run", quadratic, "--update", "sgd", "--amsgrad"], /zoar: zoar: Invalid update: sgd takes no moment options/],
      [["run", "missing.ts"], /zoar: objective file not found: missing\.ts/],
      [["run"], /missing required argument 'objective'/],
      [["frobnicate"], /unknown command 'frobnicate'/],
    ];
    const outcomes = await Promise.all(cases.map(([args]) => runCli(args, temporary.dir)));
    outcomes.forEach((outcome, i) => {
      assert.equal(outcome.code, 2, `${cases[i][0].join(" ")}: ${explain(outcome)}`);
      assert.match(outcome.stderr, cases[i][1], `${cases[i][0].join(" ")}: ${explain(outcome)}`);
    });
    assert.equal(fs.existsSync(path.join(temporary.dir, ".zoar")), false, "no run was started");
  });

  it("never overwrites a params file of another objective unless --force", async () => {
    const first = copyFixture("quadratic.ts", temporary.dir, "first.ts");
    const second = copyFixture("quadratic.ts", temporary.dir, "second.ts");
    const target = path.join(temporary.dir, "tuned.json");
    const saved = await runCli(["run", first, "--iterations", "5", "--save", target], temporary.dir);
    assert.equal(saved.code, 0, explain(saved));
    const before = fs.readFileSync(target, "utf8");

    const refused = await runCli(["run", second, "--iterations", "5", "--save", target], temporary.dir);
    assert.equal(refused.code, 2, explain(refused));
    assert.match(refused.stderr, /tuned\.json was not overwritten: it holds parameters of .*first\.ts, not of .*second\.ts \(--force replaces it\)/);
    assert.equal(fs.readFileSync(target, "utf8"), before);
    assert.equal(fs.readdirSync(path.join(temporary.dir, ".zoar", "runs")).length, 1, "the refused run never started");

    const forced = await runCli(["run", second, "--iterations", "5", "--save", target, "--force"], temporary.dir);
    assert.equal(forced.code, 0, explain(forced));
    assert.equal(readSavedParameters(target).objective, "second.ts");
  });
});
