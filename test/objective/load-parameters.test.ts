// loadParameters in user code: typed values from a saved file, checked
// against the space, resolved against the objective's folder inside a run.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ObjectiveEvaluator } from "../../src/objective/evaluator";
import { choice, integer, logUniform, vector } from "../../src/objective/parameters";
import { loadParameters } from "../../src/objective/sdk";
import { temporaryFolder } from "./helpers";

const space = { rate: logUniform(1e-4, 1), layers: integer(1, 4), solver: choice(["cg", "gmres"]), weights: vector(2, { lower: -1, upper: 1 }) };

describe("loadParameters", () => {
  let folder: { dir: string; remove(): void };
  beforeEach(() => (folder = temporaryFolder()));
  afterEach(() => folder.remove());

  const write = (name: string, content: unknown) => {
    const file = path.join(folder.dir, name);
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  };

  it("returns the saved values typed by the space, vectors as Float64Arrays", () => {
    const file = write("tuned.params.json", { parameters: { rate: 0.01, layers: 2, solver: "gmres", weights: [0.5, -0.5] }, vector: [0.5] });
    const values = loadParameters(file, { parameters: space });
    assert.deepEqual(values, { rate: 0.01, layers: 2, solver: "gmres", weights: Float64Array.from([0.5, -0.5]) });
    assert.deepEqual(loadParameters(file, space), values, "the space itself works as well as the objective");
    assert.deepEqual(loadParameters(write("plain.json", { parameters: [1, 2] })), Float64Array.from([1, 2]));
  });

  it("names what differs when the file does not fit", () => {
    const file = write("other.json", { parameters: { rate: 2, layers: 2, solver: "bicgstab", weights: [0, 0] } });
    assert.throws(() => loadParameters(file, space), {
      name: "ParametersFileError",
      message: `${file} does not fit the parameters: rate: value 2 lies outside [0.0001, 1]; solver: "bicgstab" is not one of "cg", "gmres"`,
    });
    assert.throws(() => loadParameters(path.join(folder.dir, "missing.json"), space), /missing\.json: no such parameters file/);
    assert.throws(() => loadParameters(write("weights.safetensors", {}), space), /cannot read parameters from a "\.safetensors" file \(expected \.json\)/);
  });

  it("resolves a relative path against the objective's folder when called from an objective", async () => {
    write("deployed.params.json", { parameters: { rate: 0.5, layers: 3, solver: "cg", weights: [0, 0] } });
    const objective = path.join(folder.dir, "uses-saved.ts");
    fs.writeFileSync(
      objective,
      `import { choice, defineObjective, integer, loadParameters, logUniform, vector } from "zoar";
const parameters = { rate: logUniform(1e-4, 1), layers: integer(1, 4), solver: choice(["cg", "gmres"]), weights: vector(2, { lower: -1, upper: 1 }) };
let saved: { rate: number; layers: number } | undefined;
export default defineObjective({
  dimension: 1,
  setup() { saved = loadParameters("./deployed.params.json", parameters); },
  evaluate: () => saved!.rate * saved!.layers,
});
`,
    );
    const evaluator = await ObjectiveEvaluator.open(objective);
    try {
      assert.deepEqual(Array.from(await evaluator.evaluateBatch(new Float64Array(1), 1, 0)), [1.5]);
    } finally {
      await evaluator.close();
    }
  });
});
