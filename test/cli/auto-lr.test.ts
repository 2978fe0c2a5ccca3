// `zoar run --lr auto`: real trial runs pick the rate, say why on stderr, and
// the run gets the rest of its iterations; the trials leave no stored runs.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { useTemporaryFolder } from "../run/helpers";
import { explain, jsonOf, RUN_FIXTURES, runCli } from "./helpers";

describe("zoar run --lr auto", () => {
  const temporary = useTemporaryFolder("zoar-lr-auto-");

  it("picks the learning rate by short seeded trials and runs with it for the rest of the iterations", async () => {
    const outcome = await runCli(["run", path.join(RUN_FIXTURES, "quadratic.ts"), "--lr", "auto", "--iterations", "200", "--seed", "4", "--json"], temporary.dir);
    assert.equal(outcome.code, 0, explain(outcome));
    for (const lr of ["0.001", "0.01", "0.1", "1"]) assert.match(outcome.stderr, new RegExp(`lr auto: trying lr ${lr.replace(".", "\\.")} for 10 iterations`));
    const said = /lr auto: picked (\S+) \(best \S+ after 10 iterations per trial, same seed; /.exec(outcome.stderr);
    assert.ok(said, outcome.stderr);
    const result = jsonOf(outcome);
    assert.equal(result.iterations, 160, "200 iterations less the 4 x 10 the trials spent");
    const config = JSON.parse(fs.readFileSync(path.join(result.runDir as string, "config.json"), "utf8")) as { overrides: { lr: number }; seed: number };
    assert.equal(config.overrides.lr, Number(said[1]));
    assert.equal(config.seed, 4);
    assert.deepEqual(fs.readdirSync(path.join(temporary.dir, ".zoar", "runs")), [path.basename(result.runDir as string)], "only the run itself is stored");
  });

  it("is refused where it does not apply", async () => {
    const outcome = await runCli(["compare", path.join(RUN_FIXTURES, "quadratic.ts"), "--lr", "auto"], temporary.dir);
    assert.equal(outcome.code, 2, explain(outcome));
    assert.match(outcome.stderr, /--lr auto is for zoar run; give a number here/);
  });
});
