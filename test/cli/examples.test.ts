// The bundled example objectives run as a new user runs them, and improve.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { explain, jsonOf, runCli } from "./helpers";

const EXAMPLES = path.resolve(__dirname, "../../examples");

describe("bundled examples", () => {
  let workspace: string;
  beforeEach(() => (workspace = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-examples-"))));
  afterEach(() => fs.rmSync(workspace, { recursive: true, force: true }));

  for (const [file, iterations, improvement] of [
    ["levy.ts", 300, 0.8],
    ["rosenbrock.ts", 300, 0.5],
    ["bare-function.ts", 500, 0.8],
    ["mixed-parameters.ts", 300, 0.1],
  ] as const) {
    it(`${file} runs with zoar and improves`, async () => {
      const args = ["run", path.join(EXAMPLES, file), "--iterations", String(iterations), "--runs-dir", workspace, "--json"];
      const outcome = await runCli(args, workspace);
      assert.equal(outcome.code, 0, explain(outcome));
      const result = jsonOf(outcome);
      const trace = fs.readFileSync(path.join(String(result.runDir), "trace.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(trace.length, iterations);
      assert.ok(Number(result.bestValue) < improvement * trace[0].value, `${trace[0].value} -> ${result.bestValue}`);
    });
  }
});
