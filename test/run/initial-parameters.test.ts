import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ParametersFileError } from "../../src/objective/saved-parameters";
import { readInitialParameters } from "../../src/run/initial-parameters";
import { writeSafetensors } from "../../src/run/safetensors";

describe("initial parameters of a run (--initial)", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-initial-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads a .safetensors file's best tensor, or its only one", () => {
    const best = Float64Array.from([1.5, -2, 3e-7]);
    writeSafetensors(path.join(dir, "two.safetensors"), { final: { data: new Float64Array(3), shape: [3] }, best: { data: best, shape: [3] } });
    writeSafetensors(path.join(dir, "one.safetensors"), { weights: { data: Float32Array.from([0.25, 4]), shape: [2] } });
    assert.deepEqual(readInitialParameters(path.join(dir, "two.safetensors")), { kind: "vector", file: path.join(dir, "two.safetensors"), values: best });
    assert.deepEqual(Array.from(readInitialParameters(path.join(dir, "one.safetensors")).values as Float64Array), [0.25, 4]);
  });

  it("follows a params JSON that keeps its vectors in a safetensors file beside it", () => {
    writeSafetensors(path.join(dir, "m.params.safetensors"), { best: { data: Float64Array.from([7, 8]), shape: [2] }, final: { data: Float64Array.from([9, 10]), shape: [2] } });
    fs.writeFileSync(path.join(dir, "m.params.json"), JSON.stringify({ objective: "m.ts", tensors: "m.params.safetensors", final: { value: 1, iteration: 3 } }));
    const stored = readInitialParameters(path.join(dir, "m.params.json"));
    assert.equal(stored.kind, "vector");
    assert.deepEqual(Array.from(stored.values as Float64Array), [7, 8]);
  });

  it("reads plain params JSON as before, and names the file and the tensors when none fits", () => {
    fs.writeFileSync(path.join(dir, "p.json"), JSON.stringify({ parameters: [1, 2] }));
    assert.deepEqual(Array.from(readInitialParameters(path.join(dir, "p.json")).values as Float64Array), [1, 2]);
    writeSafetensors(path.join(dir, "x.safetensors"), { a: { data: new Float64Array(1), shape: [1] }, b: { data: new Float64Array(1), shape: [1] } });
    assert.throws(
      () => readInitialParameters(path.join(dir, "x.safetensors")),
      (error: unknown) => error instanceof ParametersFileError && error.message.includes("x.safetensors") && error.message.includes('no tensor "best" among 2 (a, b)'),
    );
  });
});
