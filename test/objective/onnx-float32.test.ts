import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ObjectiveEvaluator } from "../../src/objective/evaluator";
import { packRows } from "../../src/objective/onnx-model";
import { fixture, temporaryFolder } from "./helpers";
import { sphereModelBytes } from "./sphere-model";

const CENTRE = [1, 2, 3];

function sphere(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < CENTRE.length; i++) sum += (x[i] - CENTRE[i]) ** 2;
  return sum;
}

describe("float32 objectives and ONNX models", () => {
  it("packRows hands rows that lie back to back in one buffer over as a view of it, and copies others", () => {
    const whole = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const rows = [whole.subarray(0, 3), whole.subarray(3, 6)];
    const packed = packRows(rows);
    assert.equal(packed.buffer, whole.buffer, "no copy");
    assert.deepEqual(Array.from(packed), [1, 2, 3, 4, 5, 6]);
    const apart = [Float32Array.from([1, 2, 3]), Float32Array.from([4, 5, 6])];
    const copied = packRows(apart);
    assert.notEqual(copied.buffer, apart[0].buffer);
    assert.deepEqual(Array.from(copied), [1, 2, 3, 4, 5, 6]);
    const gap = [whole.subarray(0, 2), whole.subarray(3, 5)];
    assert.deepEqual(Array.from(packRows(gap)), [1, 2, 4, 5], "rows with a gap between them are copied");
    assert.equal(packRows([]).length, 0);
  });

  describe("an objective that declares precision float32", () => {
    let tmp: ReturnType<typeof temporaryFolder>;
    let file: string;
    before(() => {
      tmp = temporaryFolder("zoar-onnx-test-");
      fs.writeFileSync(path.join(tmp.dir, "sphere.onnx"), sphereModelBytes(CENTRE));
      file = path.join(tmp.dir, "onnx-sphere-float32.ts");
      fs.copyFileSync(fixture("onnx-sphere-float32.ts"), file);
    });
    after(() => tmp.remove());

    for (const Points of [Float32Array, Float64Array]) {
      it(`feeds its Float32Array rows to the model as they are, from ${Points.name} points`, async () => {
        const evaluator = await ObjectiveEvaluator.open(file, { provider: "cpu" });
        try {
          assert.equal(evaluator.info.precision, "float32");
          const points = Points.from([1, 2, 3, 0, 0, 0, 1.5, -2, 0.25, 4, 4, 4]);
          const rows = points.length / 3;
          const values = await evaluator.evaluateBatch(points, rows, 0);
          for (let row = 0; row < rows; row++) {
            const expected = sphere(Float32Array.from(points.subarray(row * 3, row * 3 + 3)));
            assert.ok(Math.abs(values[row] - expected) < 1e-5 * (1 + expected), `row ${row}: ${values[row]} vs ${expected}`);
          }
        } finally {
          await evaluator.close();
        }
      });
    }
  });
});
