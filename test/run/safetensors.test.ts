import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startRun } from "../../src/run/loop";
import { LARGE_PARAMETERS, readSavedParameters, saveRunParameters, tensorsPathFor } from "../../src/run/params";
import { decodeSafetensors, encodeSafetensors, readSafetensors, SafetensorsFormatError, writeSafetensors } from "../../src/run/safetensors";
import { RunStore } from "../../src/run/store";
import { runFixture, useTemporaryFolder } from "./helpers";

describe("safetensors", () => {
  const temporary = useTemporaryFolder();

  it("writes the format byte for byte: length, aligned JSON header, tensors back to back", () => {
    const bytes = encodeSafetensors({ w: { data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] }, b: { data: Float64Array.from([0.5]), shape: [1] } }, { note: "x" });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal((8 + headerLength) % 8, 0, "the data starts 8-byte aligned");
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString("utf8"));
    assert.deepEqual(header, {
      __metadata__: { note: "x" },
      w: { dtype: "F32", shape: [2, 3], data_offsets: [0, 24] },
      b: { dtype: "F64", shape: [1], data_offsets: [24, 32] },
    });
    assert.equal(bytes.length, 8 + headerLength + 32);
    assert.deepEqual(Array.from(new Float32Array(bytes.slice(8 + headerLength, 8 + headerLength + 24).buffer)), [1, 2, 3, 4, 5, 6]);
  });

  it("reads back what it writes, every dtype, metadata included", () => {
    const file = path.join(temporary.dir, "t.safetensors");
    const tensors = {
      f64: { data: Float64Array.from([Math.PI, -0, 1e-300]), shape: [3] },
      f32: { data: Float32Array.from([1.5, -2.25]), shape: [1, 2] },
      i32: { data: Int32Array.from([-7, 2 ** 31 - 1]), shape: [2] },
      i64: { data: BigInt64Array.from([-(2n ** 63n), 5n]), shape: [2] },
      u8: { data: Uint8Array.from([0, 255, 3]), shape: [3] },
      scalar: { data: Float64Array.from([42]), shape: [] },
    };
    writeSafetensors(file, tensors, { format: "test" });
    const read = readSafetensors(file);
    assert.deepEqual(read.metadata, { format: "test" });
    assert.deepEqual(Object.keys(read.tensors), Object.keys(tensors));
    for (const [name, tensor] of Object.entries(tensors)) {
      assert.deepEqual(read.tensors[name].shape, tensor.shape, name);
      assert.equal(read.tensors[name].data.constructor, tensor.data.constructor, name);
      assert.deepEqual(Array.from(read.tensors[name].data as ArrayLike<number>), Array.from(tensor.data as ArrayLike<number>), name);
    }
  });

  it("refuses damaged files with the reason", () => {
    const good = encodeSafetensors({ a: { data: Float32Array.from([1, 2]), shape: [2] } });
    assert.throws(() => decodeSafetensors(good.subarray(0, 5), "short.safetensors"), /short.safetensors: 5 bytes is too short/);
    assert.throws(() => decodeSafetensors(good.subarray(0, good.length - 4), "cut"), (e: Error) => e instanceof SafetensorsFormatError && /cover 8 of 4|outside the 4 bytes/.test(e.message));
    const lying = Uint8Array.from(good);
    new DataView(lying.buffer).setBigUint64(0, 10n ** 12n, true);
    assert.throws(() => decodeSafetensors(lying, "huge"), /huge: header length 1000000000000 does not fit/);
    assert.throws(() => encodeSafetensors({ a: { data: Float32Array.from([1, 2]), shape: [3] } }), /shape \[3\] does not hold its 2 values/);
  });

  it(`saves more than ${LARGE_PARAMETERS} parameters as safetensors beside a small JSON, and reads them back`, async function () {
    this.timeout(120_000);
    const loop = await startRun({ objectiveFile: runFixture("large.ts"), optimizer: "zoar", overrides: { lr: 0.05 }, stop: { iterations: 3 }, runsDir: path.join(temporary.dir, "runs") });
    const result = await loop.run();
    const target = path.join(temporary.dir, "saved", "large.params.json");
    saveRunParameters(result.runDir!, target);
    const json = JSON.parse(fs.readFileSync(target, "utf8"));
    assert.equal(json.parameters, undefined, "the JSON holds no vector");
    assert.equal(json.tensors, "large.params.safetensors");
    assert.ok(fs.statSync(target).size < 2000);
    const file = tensorsPathFor(target);
    const { tensors, metadata } = readSafetensors(file);
    assert.deepEqual(tensors.best.shape, [150_000]);
    assert.equal(metadata.format, "zoar-params/1");
    const checkpoint = RunStore.open(result.runDir!).readCheckpoint();
    assert.deepEqual(tensors.best.data, checkpoint.best.parameters);
    assert.deepEqual(tensors.final.data, checkpoint.lastMeasured!.parameters);
    assert.equal(fs.statSync(file).size, 8 + Number(new DataView(fs.readFileSync(file).buffer).getBigUint64(0, true)) + 2 * 150_000 * 8);
    const saved = readSavedParameters(target);
    assert.deepEqual(saved.parameters, Array.from(checkpoint.best.parameters));
    assert.equal(saved.final.parameters.length, 150_000);
  });
});
