// Objectives with named parameters in the real worker: what the host learns
// of the space, what evaluate receives, and declaration errors at file:line.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ObjectiveEvaluator } from "../../src/objective/evaluator";
import { encodeParameters } from "../../src/objective/parameters";
import { fixture, positionOf, rejectsWithObjectiveError, temporaryFolder } from "./helpers";

describe("objectives with named parameters, evaluated in the worker", () => {
  it("reports a bad declaration at the defineObjective call, naming every parameter at fault", async () => {
    const file = fixture("bad-parameters.ts");
    const error = await rejectsWithObjectiveError(ObjectiveEvaluator.open(file), "definition");
    const at = positionOf(file, "defineObjective({");
    assert.equal(error.message,
      `bad-parameters.ts:${at.line}:${at.column}: invalid objective definition: ` +
        "parameters.rate: a log scale needs 0 < lower, got lower 0 (log of 0 is undefined); " +
        "parameters.temperature: lower (2) must be below upper (1); " +
        "parameters.solver: a choice needs at least one option, got []");
  });

  it("describes the space to the host and passes decoded values to evaluate and evaluateBatch", async () => {
    const folder = temporaryFolder();
    try {
      const source = (body: string) => `import { choice, defineObjective, integer, logUniform } from "zoar";
export default defineObjective({
  parameters: { rate: logUniform(1e-4, 1), layers: integer(1, 3), solver: choice(["cg", "gmres"]) },
  ${body}
});
`;
      const pointwise = path.join(folder.dir, "pointwise.ts");
      fs.writeFileSync(pointwise, source(`evaluate: (p) => p.rate * 100 + p.layers * 10 + (p.solver === "gmres" ? 1 : 0),`));
      const batch = path.join(folder.dir, "batch.ts");
      fs.writeFileSync(batch, source(`evaluateBatch: (ps) => ps.map((p) => p.rate * 100 + p.layers * 10 + (p.solver === "gmres" ? 1 : 0)),`));
      for (const file of [pointwise, batch]) {
        const evaluator = await ObjectiveEvaluator.open(file);
        try {
          const space = evaluator.info.parameters!;
          assert.deepEqual(Object.keys(space), ["rate", "layers", "solver"]);
          assert.equal(evaluator.info.dimension, 4);
          const points = Float64Array.from([
            ...encodeParameters(space, { rate: 0.01, layers: 3, solver: "gmres" }),
            ...encodeParameters(space, { rate: 1, layers: 1, solver: "cg" }),
          ]);
          const values = await evaluator.evaluateBatch(points, 2, 0);
          assert.ok(Math.abs(values[0] - 32) < 1e-12, `${values[0]}`);
          assert.ok(Math.abs(values[1] - 110) < 1e-12, `${values[1]}`);
        } finally {
          await evaluator.close();
        }
      }
    } finally {
      folder.remove();
    }
  });
});
