// `zoar show --csv`: the whole trace, one row per iteration, equal to trace.jsonl.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { TRACE_CSV_COLUMNS, traceCsv } from "../../src/run/traceCsv";
import { useTemporaryFolder } from "../run/helpers";
import { explain, jsonOf, RUN_FIXTURES, runCli } from "./helpers";

describe("zoar show --csv", () => {
  const temporary = useTemporaryFolder("zoar-show-csv-");

  it("prints every trace line as a CSV row, non-finite numbers as empty cells", async () => {
    const run = await runCli(["run", path.join(RUN_FIXTURES, "quadratic.ts"), "--iterations", "25", "--optimizer", "vanilla", "--json"], temporary.dir);
    assert.equal(run.code, 0, explain(run));
    const runDir = jsonOf(run).runDir as string;
    const [csv, both] = await Promise.all([runCli(["show", path.basename(runDir), "--csv"], temporary.dir), runCli(["show", runDir, "--csv", "--json"], temporary.dir)]);
    assert.equal(csv.code, 0, explain(csv));
    const [header, ...rows] = csv.stdout.trimEnd().split("\n");
    assert.equal(header, TRACE_CSV_COLUMNS.join(","));
    const trace = fs.readFileSync(path.join(runDir, "trace.jsonl"), "utf8").trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, number | null>);
    assert.equal(rows.length, 25);
    rows.forEach((row, i) => {
      const cells = row.split(",");
      assert.equal(cells.length, TRACE_CSV_COLUMNS.length);
      for (const [c, column] of TRACE_CSV_COLUMNS.entries()) {
        const stored = column === "skipped" ? (trace[i].skipped ?? 0) : trace[i][column];
        assert.equal(cells[c], stored === null ? "" : String(stored), `row ${i}, ${column}`);
      }
    });
    // A baseline not measured yet (NaN) is an empty cell; skipped queries default to 0.
    const line = { iteration: 0, evaluations: 11, value: 2, best: 1.5, baseline: NaN, gradientNorm: Infinity, stepNorm: 0.25, elapsedMs: 3 };
    assert.equal(traceCsv([line, { ...line, iteration: 1, skipped: 2 }]), `${header}\n0,11,2,1.5,,,0.25,3,0\n1,11,2,1.5,,,0.25,3,2\n`);
    assert.equal(both.code, 2, explain(both));
    assert.match(both.stderr, /--json and --csv cannot be given together/);
  });
});
