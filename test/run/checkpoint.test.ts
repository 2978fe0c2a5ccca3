import * as assert from "node:assert/strict";
import { createOptimizer, type Optimizer, type OptimizerSnapshot, restoreOptimizer } from "../../src/engine";
import { CheckpointFormatError, decodeExact, deserializeSnapshot, encodeExact, parseExact, serializeSnapshot, stringifyExact } from "../../src/run/checkpoint";

/** Deep equality that tells -0 from 0, compares NaN to NaN, and typed arrays byte by byte with their type. */
function assertBitIdentical(actual: unknown, expected: unknown, where = "value"): void {
  if (typeof expected === "number") {
    assert.ok(Object.is(actual, expected), `${where}: ${String(actual)} is not ${String(expected)}`);
    return;
  }
  if (ArrayBuffer.isView(expected)) {
    assert.ok(ArrayBuffer.isView(actual), `${where}: not a typed array`);
    assert.equal(actual.constructor, expected.constructor, `${where}: type`);
    const bytes = (view: ArrayBufferView) => Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    assert.ok(bytes(actual).equals(bytes(expected)), `${where}: bytes differ`);
    return;
  }
  if (expected === null || typeof expected !== "object") {
    assert.equal(actual, expected, where);
    return;
  }
  assert.ok(actual !== null && typeof actual === "object", `${where}: not an object`);
  assert.equal(Array.isArray(actual), Array.isArray(expected), `${where}: array or not`);
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${where}: keys`);
  for (const key of Object.keys(expected)) {
    assertBitIdentical((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${where}.${key}`);
  }
}

/** An optimizer after `iterations` steps on a quadratic with awkward values (negative zeros included). */
function advanced(name: string, iterations: number, overrides = {}): Optimizer {
  const optimizer = createOptimizer(name, overrides, { initial: [-0, 0.1, -3, 1e-300, 7], seed: 11, bounds: { lower: -5, upper: Infinity } });
  for (let t = 0; t < iterations; t++) {
    const batch = optimizer.ask();
    const values = new Float64Array(batch.rows);
    for (let r = 0; r < batch.rows; r++) {
      const x = batch.points.subarray(r * batch.dimension, (r + 1) * batch.dimension);
      values[r] = x.reduce((sum, xi, i) => sum + (i + 1) * xi * xi, 0);
    }
    optimizer.tell(values);
  }
  return optimizer;
}

function continueFor(optimizer: Optimizer, iterations: number): number[] {
  const logged: number[] = [];
  for (let t = 0; t < iterations; t++) {
    const batch = optimizer.ask();
    const values = new Float64Array(batch.rows);
    for (let r = 0; r < batch.rows; r++) values[r] = Math.sin(batch.points[r * batch.dimension]) + batch.points[r * batch.dimension + 2] ** 2;
    logged.push(optimizer.tell(values).value);
  }
  return logged;
}

describe("checkpoint codec: exact JSON", () => {
  it("keeps -0, NaN, both infinities, the smallest subnormal and typed arrays bit for bit", () => {
    const weird = new Float64Array([-0, 0, NaN, Infinity, -Infinity, 5e-324, -Number.MAX_VALUE, 0.1 + 0.2]);
    // A NaN with a payload other than the default one must survive too: it travels as bytes.
    new DataView(weird.buffer).setUint32(2 * 8, 0x7ff80000 | 0x1234);
    const value = {
      numbers: [-0, NaN, Infinity, -Infinity, 1 / 3, 2 ** 53 + 2],
      f64: weird,
      u32: new Uint32Array([0, 1, 0xffffffff]),
      f32: new Float32Array([-0, 1.5]),
      nested: { empty: new Float64Array(0), list: [new Uint32Array([7]), null, "text", true] },
    };
    const text = stringifyExact(value);
    assert.doesNotThrow(() => JSON.parse(text), "plain JSON");
    assertBitIdentical(parseExact(text), value);
  });

  it("writes typed arrays as base64 of their bytes", () => {
    const encoded = encodeExact({ theta: new Float64Array([1]), seeds: new Uint32Array([2]) });
    assert.deepEqual(encoded, {
      theta: { $f64: Buffer.from(new Float64Array([1]).buffer).toString("base64") },
      seeds: { $u32: Buffer.from(new Uint32Array([2]).buffer).toString("base64") },
    });
  });

  it("encodes a view into a larger buffer as the view only", () => {
    const whole = new Float64Array([1, 2, 3, 4]);
    assertBitIdentical(parseExact(stringifyExact(whole.subarray(1, 3))), new Float64Array([2, 3]));
  });

  it("escapes keys that look like its tags", () => {
    const value = { $f64: "not bytes", $$x: 1, plain: { $num: "NaN" } };
    assertBitIdentical(parseExact(stringifyExact(value)), value);
  });

  it("rejects what it cannot encode and tags it does not know", () => {
    assert.throws(() => encodeExact({ f: () => 1 }), CheckpointFormatError);
    assert.throws(() => encodeExact(new Int16Array(2)), /Int16Array/);
    assert.throws(() => decodeExact({ $f64: "AAAA" }), /multiple of 8/);
    assert.throws(() => decodeExact({ $num: "1" }), CheckpointFormatError);
    assert.throws(() => decodeExact({ $weird: 1 }), /unknown tag/);
  });

  for (const [name, overrides] of [
    ["zoar", {}],
    ["zoar", { bufferStorage: "seeds" }],
    ["zohs", {}],
    ["zohs-ema", {}],
    ["radazo", { amsgrad: true, biasCorrection: true }],
    ["spsa", {}],
    ["zoar-pairs", {}],
    ["cma-es", { measureCenter: true }],
    ["sep-cma-es", {}],
  ] as const) {
    it(`round-trips a ${name} ${JSON.stringify(overrides)} snapshot exactly, and the restored optimizer continues identically`, () => {
      const original = advanced(name, 12, overrides);
      const snapshot = original.snapshot();
      const restoredSnapshot = deserializeSnapshot(serializeSnapshot(snapshot));
      assertBitIdentical(restoredSnapshot, snapshot, "snapshot");

      const restored = restoreOptimizer(restoredSnapshot);
      assert.deepEqual(continueFor(restored, 15), continueFor(original, 15));
      assertBitIdentical(restored.snapshot(), original.snapshot(), "after 15 more iterations");
    });
  }

  it("refuses text that is not a snapshot", () => {
    assert.throws(() => deserializeSnapshot(stringifyExact({ format: "other" })), /not an optimizer snapshot/);
    const snapshot: Partial<OptimizerSnapshot> = { format: "zoar-optimizer/1" };
    assert.doesNotThrow(() => deserializeSnapshot(stringifyExact(snapshot)));
  });
});
