// An objective with named parameters from the command line: names in the
// result and the saved file, a warm start from that file, and clear refusals.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { readSavedParameters } from "../../src/run/params";
import { useTemporaryFolder } from "../run/helpers";
import { explain, jsonOf, runCli } from "./helpers";

const EXAMPLE = path.resolve(__dirname, "../../examples/mixed-parameters.ts");

function traceOf(runDir: string): { iteration: number; value: number }[] {
  return fs.readFileSync(path.join(runDir, "trace.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line));
}

describe("zoar run with named parameters", () => {
  const temporary = useTemporaryFolder("zoar-cli-parameters-");

  it("optimizes the mixed example, reports and saves the parameters by name, and a run started from them begins at their value", async () => {
    const objective = path.join(temporary.dir, "mixed.ts");
    fs.copyFileSync(EXAMPLE, objective);
    const first = await runCli(["run", objective, "--iterations", "300", "--seed", "3", "--json", "--save"], temporary.dir);
    assert.equal(first.code, 0, explain(first));
    const json = jsonOf(first);
    const best = json.bestParameters as Record<string, unknown>;
    assert.deepEqual(Object.keys(best), ["learningRate", "temperature", "layers", "solver", "weights"]);
    assert.ok(Number.isInteger(best.layers) && (best.layers as number) >= 1 && (best.layers as number) <= 8);
    assert.ok(["cg", "gmres", "bicgstab"].includes(best.solver as string));
    assert.equal((best.weights as number[]).length, 16);
    const trace = traceOf(json.runDir as string);
    assert.ok((json.bestValue as number) < 0.1 * trace[0].value, `${trace[0].value} -> ${json.bestValue}`);
    assert.match(first.stderr, /running zoar on "mixed-parameters" \(5 parameters in 22 coordinates, seed 3\)/);

    const saved = readSavedParameters(json.paramsFile as string);
    assert.deepEqual(saved.parameters, best);
    assert.equal(saved.vector!.length, 22);
    assert.ok(saved.vector!.every((u) => u >= 0 && u <= 1), "normalised coordinates");

    const second = await runCli(["run", objective, "--iterations", "5", "--initial", json.paramsFile as string, "--json"], temporary.dir);
    assert.equal(second.code, 0, explain(second));
    const restarted = traceOf(jsonOf(second).runDir as string);
    const start = restarted[0].value;
    assert.ok(Math.abs(start - saved.value) <= 1e-12 * Math.max(1, saved.value), `started at ${start}, saved ${saved.value}`);

    const shown = await runCli(["show", jsonOf(second).runDir as string], temporary.dir);
    assert.equal(shown.code, 0, explain(shown));
    assert.match(shown.stdout, /mixed-parameters \(.*mixed\.ts, 5 parameters in 22 coordinates\)/);
    assert.match(shown.stdout, /started from +.*mixed\.params\.json\n/);
    assert.match(shown.stdout, /best parameters +learningRate [0-9.e-]+, temperature [0-9.e-]+, layers [1-8], solver "(cg|gmres|bicgstab)", weights \[16 values\]/);
    assert.match(shown.stdout, /mu 0\.02, .*lr 0\.005,/, "the defaults for named parameters");
  });

  it("refuses a parameters file that does not fit, naming what differs", async () => {
    const objective = path.join(temporary.dir, "mixed.ts");
    fs.copyFileSync(EXAMPLE, objective);
    const wrong = path.join(temporary.dir, "wrong.json");
    fs.writeFileSync(wrong, JSON.stringify({ parameters: { learningRate: 0.5, temperature: 1, layers: 2.5, solver: "jacobi", weights: [0], momentum: 0.9 } }));
    const outcome = await runCli(["run", objective, "--iterations", "5", "--initial", wrong], temporary.dir);
    assert.equal(outcome.code, 1, explain(outcome));
    assert.match(outcome.stderr, /wrong\.json does not fit the objective's parameters: momentum is not a parameter of this objective; /);
    assert.match(outcome.stderr, /learningRate: value 0\.5 lies outside \[0\.00001, 0\.1\]; layers: value 2\.5 is not an integer; /);
    assert.match(outcome.stderr, /solver: "jacobi" is not one of "cg", "gmres", "bicgstab"; weights: value has 1 values, expected 16/);

    const vectorFile = path.join(temporary.dir, "vector.json");
    fs.writeFileSync(vectorFile, JSON.stringify({ parameters: [1, 2, 3] }));
    const plain = await runCli(["run", objective, "--iterations", "5", "--initial", vectorFile], temporary.dir);
    assert.match(plain.stderr, /vector\.json holds a plain vector of 3 values, but the objective declares named parameters \(learningRate, temperature, layers, solver, weights\)/);

    const missing = await runCli(["run", objective, "--initial", path.join(temporary.dir, "nowhere.json")], temporary.dir);
    assert.equal(missing.code, 2, explain(missing));
    assert.match(missing.stderr, /--initial: parameters file not found/);
  });

  it("new --parameters writes a template of named parameters that runs and improves", async () => {
    const created = await runCli(["new", "tune", "--parameters"], temporary.dir);
    assert.equal(created.code, 0, explain(created));
    const file = path.join(temporary.dir, "tune.ts");
    assert.match(fs.readFileSync(file, "utf8"), /learningRate: logUniform\(1e-5, 1e-1, \{ initial: 1e-3 \}\),/);
    const run = await runCli(["run", file, "--iterations", "200", "--json"], temporary.dir);
    assert.equal(run.code, 0, explain(run));
    const json = jsonOf(run);
    assert.deepEqual(Object.keys(json.bestParameters as object), ["learningRate", "temperature", "layers", "solver", "weights"]);
    assert.ok((json.bestValue as number) < 0.5 * traceOf(json.runDir as string)[0].value);
  });

  it("starts a plain vector objective from saved parameters, and refuses another dimension", async () => {
    const objective = path.join(temporary.dir, "quadratic.ts");
    fs.copyFileSync(path.resolve(__dirname, "../fixtures/runs/quadratic.ts"), objective);
    const file = path.join(temporary.dir, "start.json");
    fs.writeFileSync(file, JSON.stringify({ parameters: [1, 1, 1, 1, 3] }));
    const outcome = await runCli(["run", objective, "--iterations", "2", "--initial", file, "--json"], temporary.dir);
    assert.equal(outcome.code, 0, explain(outcome));
    assert.equal(traceOf(jsonOf(outcome).runDir as string)[0].value, 4, "f = sum (x_i - 1)^2 at the saved point");
    assert.equal((jsonOf(outcome).bestParameters as number[]).length, 5);

    fs.writeFileSync(file, JSON.stringify({ parameters: [1, 1] }));
    const refused = await runCli(["run", objective, "--iterations", "2", "--initial", file], temporary.dir);
    assert.equal(refused.code, 1, explain(refused));
    assert.match(refused.stderr, /start\.json holds 2 values, but the objective has dimension 5/);
  });
});
