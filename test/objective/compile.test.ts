import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { compileObjective, defaultSdkPath } from "../../src/objective/compile";
import { fixture, positionOf, rejectsWithObjectiveError, temporaryFolder } from "./helpers";

describe("compileObjective", () => {
  let tmp: ReturnType<typeof temporaryFolder>;
  before(() => (tmp = temporaryFolder()));
  after(() => tmp.remove());

  it("bundles the objective, its neighbours and the SDK into CommonJS with an inline source map", async () => {
    const compiled = await compileObjective(fixture("with-neighbour.ts"));
    assert.match(compiled.code, /\/\/# sourceMappingURL=data:application\/json;base64,/);
    assert.match(compiled.code, /module\.exports/);
    assert.ok(compiled.sources.includes(fixture("neighbours/weights.ts")));
    assert.ok(compiled.sources.includes(defaultSdkPath()), "the bare import zoar resolved to the SDK");
    assert.deepEqual(compiled.userSources.sort(), [fixture("neighbours/weights.ts"), fixture("with-neighbour.ts")]);
  });

  it("resolves zoar to the SDK file it is given", async () => {
    const sdk = path.join(tmp.dir, "custom-sdk.ts");
    fs.writeFileSync(sdk, 'export const defineObjective = (def: unknown) => ({ marked: "custom sdk", def });\n');
    const compiled = await compileObjective(fixture("sphere.ts"), { sdkPath: sdk });
    assert.ok(compiled.sources.includes(sdk));
    assert.match(compiled.code, /custom sdk/);
  });

  it("keeps onnxruntime-node external, resolved to zoar's own copy", async () => {
    const file = path.join(tmp.dir, "uses-ort.ts");
    fs.writeFileSync(file, 'import { Tensor } from "onnxruntime-node";\nexport default Tensor;\n');
    const compiled = await compileObjective(file);
    const ortEntry = require.resolve("onnxruntime-node");
    assert.ok(compiled.code.includes(`require(${JSON.stringify(ortEntry)})`), "absolute require of zoar's onnxruntime-node");
    assert.ok(!compiled.sources.some((source) => source.includes("onnxruntime")), "not bundled");
  });

  it("reports a syntax error at file:line:col with esbuild's message and the code line", async () => {
    const file = path.join(tmp.dir, "broken.ts");
    // Written here rather than kept as a fixture: tsc and eslint parse every .ts file under test/.
    fs.writeFileSync(file, 'import { defineObjective } from "zoar";\n\nexport default defineObjective({\n  dimension: 2,\n  evaluate: (x) => x[0] x[1],\n});\n');
    const error = await rejectsWithObjectiveError(compileObjective(file), "compile");
    assert.equal(error.file, file);
    assert.equal(error.line, 5);
    assert.equal(error.column, "  evaluate: (x) => x[0] ".length + 1);
    assert.match(error.message, /^broken\.ts:5:25: Expected "\}" but found "x"/);
    assert.match(error.message, /5 \| {3}evaluate: \(x\) => x\[0\] x\[1\],\n.*\| {25}\^/);
  });

  it("reports TypeScript the compiler cannot strip", async () => {
    const file = path.join(tmp.dir, "bad-types.ts");
    fs.writeFileSync(file, "export const dimension = 1;\nexport default function (x: Float64Array): number {\n  return x[0] as as number;\n}\n");
    const error = await rejectsWithObjectiveError(compileObjective(file), "compile");
    assert.equal(error.line, 3);
    assert.match(error.message, /^bad-types\.ts:3:\d+: /);
  });

  it("reports a missing package at the import, with how to install it", async () => {
    const file = fixture("missing-module.ts");
    const error = await rejectsWithObjectiveError(compileObjective(file), "compile");
    const at = positionOf(file, '"zoar-test-no-such-package"');
    assert.equal(error.line, at.line);
    assert.equal(error.column, at.column);
    assert.match(error.message, /^missing-module\.ts:\d+:\d+: Could not resolve "zoar-test-no-such-package"/);
    assert.match(error.message, /npm install zoar-test-no-such-package/);
  });

  it("reports a missing neighbour file", async () => {
    const file = path.join(tmp.dir, "missing-neighbour.ts");
    fs.writeFileSync(file, 'import { helper } from "./not-there";\nexport const dimension = 1;\nexport default helper;\n');
    const error = await rejectsWithObjectiveError(compileObjective(file), "compile");
    assert.equal(error.line, 1);
    assert.match(error.message, /Could not resolve "\.\/not-there"/);
  });

  it("explains that top-level await cannot be compiled", async () => {
    const file = fixture("top-level-await.ts");
    const error = await rejectsWithObjectiveError(compileObjective(file), "compile");
    assert.equal(error.line, positionOf(file, "await").line);
    assert.match(error.message, /Top-level await .* move the awaited work into setup\(\)/);
  });

  it("reports a missing objective file", async () => {
    const error = await rejectsWithObjectiveError(compileObjective(path.join(tmp.dir, "nope.ts")), "compile");
    assert.match(error.message, /nope\.ts: objective file not found/);
  });

  it("counts columns in characters on lines with non-ASCII text", async () => {
    const file = path.join(tmp.dir, "unicode.ts");
    fs.writeFileSync(file, 'const label = "größe"; const y = ;\n');
    const error = await rejectsWithObjectiveError(compileObjective(file), "compile");
    assert.equal(error.column, 'const label = "größe"; const y = '.length + 1);
  });
});
