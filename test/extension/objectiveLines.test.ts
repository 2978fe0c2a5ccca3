// Where the "Optimize" CodeLens goes in an objective file.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { isObjectiveFileName, objectiveLine } from "../../src/extension/objectiveLines";

const ROOT = path.resolve(__dirname, "../..");

describe("objective definition line (CodeLens)", () => {
  it("finds defineObjective( and not its import", () => {
    const text = ['import { defineObjective } from "zoar";', "", "const d = 3;", "export default defineObjective({", "  dimension: d,", "});"].join("\n");
    assert.equal(objectiveLine(text), 3);
  });

  it("finds a default-exported function, async or not, when there is no defineObjective", () => {
    assert.equal(objectiveLine("export const dimension = 2;\n\nexport default function f(x: Float64Array) {\n  return x[0];\n}\n"), 2);
    assert.equal(objectiveLine("export default async function (x: Float64Array) {}"), 0);
  });

  it("prefers defineObjective over an earlier default function", () => {
    assert.equal(objectiveLine("export default function helper() {}\nconst o = defineObjective({ dimension: 1, evaluate: () => 0 });\n"), 1);
  });

  it("ignores code in line and block comments, across lines", () => {
    const text = [
      "// export default defineObjective({",
      "/* defineObjective(",
      "   export default function old() {}",
      "*/ const x = 1; // defineObjective(",
      "const y = /* defineObjective( */ 2;",
      "export default defineObjective({ dimension: 1, evaluate: () => 0 });",
    ].join("\r\n");
    assert.equal(objectiveLine(text), 5);
  });

  it("finds nothing in ordinary TypeScript", () => {
    assert.equal(objectiveLine("export default { port: 8080 };\nexport function defineObjectives() {}\n"), -1);
  });

  it("finds the definition in every bundled example", () => {
    const examples = fs.readdirSync(path.join(ROOT, "examples")).filter((name) => name.endsWith(".ts"));
    assert.ok(examples.length >= 3);
    for (const name of examples) assert.ok(objectiveLine(fs.readFileSync(path.join(ROOT, "examples", name), "utf8")) >= 0, name);
  });

  it("accepts TypeScript files but not declaration files", () => {
    assert.equal(isObjectiveFileName("/w/levy.ts"), true);
    assert.equal(isObjectiveFileName("/w/types.d.ts"), false);
    assert.equal(isObjectiveFileName("/w/levy.js"), false);
  });
});
