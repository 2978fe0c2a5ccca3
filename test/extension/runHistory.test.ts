// Reading stored traces back: complete lines only, null as NaN.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readTraceLines } from "../../src/extension/runHistory";

describe("stored run traces", () => {
  it("reads complete lines, leaves out a torn last line and reads null as NaN", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-trace-"));
    try {
      const file = path.join(dir, "trace.jsonl");
      const line = (i: number, baseline: number | null) => JSON.stringify({ iteration: i, evaluations: 11 * (i + 1), value: 1, best: 1, baseline, gradientNorm: 2, stepNorm: 3, elapsedMs: i });
      fs.writeFileSync(file, `${line(0, null)}\n${line(1, 0.5)}\n{"iteration": 2, "evalu`);
      const lines = await readTraceLines(file);
      assert.equal(lines.length, 2);
      assert.ok(Number.isNaN(lines[0].baseline));
      assert.equal(lines[1].baseline, 0.5);
      assert.deepEqual(await readTraceLines(path.join(dir, "missing.jsonl")), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
