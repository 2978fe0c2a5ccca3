import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { bundleVersion, GENERATOR_VERSION, generatorVersion } from "../../src/distributed/identity";
import { queueName } from "../../src/distributed/keys";
import { compileObjective } from "../../src/objective/compile";

const BOWL = path.resolve(__dirname, "../fixtures/distributed/bowl.ts");

describe("objective versions", () => {
  // The same project's tsconfig applies in both places (it decides, e.g., "use strict", which rightly counts).
  it("are the same for the same file compiled in another folder of the project, and differ when the code differs", async () => {
    const scratch = path.resolve(__dirname, "../../.tmp");
    fs.mkdirSync(scratch, { recursive: true });
    const elsewhere = fs.mkdtempSync(path.join(scratch, "zoar-version-"));
    try {
      const source = fs.readFileSync(BOWL, "utf8");
      const copy = path.join(elsewhere, "one", "two", "bowl.ts");
      fs.mkdirSync(path.dirname(copy), { recursive: true });
      fs.writeFileSync(copy, source);
      const changed = path.join(elsewhere, "changed.ts");
      fs.writeFileSync(changed, source.replace("0.1 * Math.sin", "0.2 * Math.sin"));
      const [original, moved, edited] = await Promise.all([BOWL, copy, changed].map((file) => compileObjective(file)));
      assert.notEqual(original.code, moved.code, "the bundles name different paths");
      assert.equal(bundleVersion(moved.code), bundleVersion(original.code));
      assert.notEqual(bundleVersion(edited.code), bundleVersion(original.code));
      assert.match(bundleVersion(original.code), /^[0-9a-f]{16}$/);
      assert.equal(queueName({ version: "0123456789abcdef", dimension: 6, generator: "89abcdef" }), "objective-0123456789abcdef-d6-g89abcdef");
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe("the direction generator's version", () => {
  it("is pinned: a change to the rows the engine builds from seeds puts runs and workers of different zoar versions on different queues", () => {
    // If this fails after a deliberate change of the generator, update the digest: workers of older zoar versions then stop serving new runs.
    assert.equal(GENERATOR_VERSION, generatorVersion());
    assert.equal(GENERATOR_VERSION, "5e966622");
    assert.notEqual(queueName({ version: "0123456789abcdef", dimension: 6, generator: GENERATOR_VERSION }), queueName({ version: "0123456789abcdef", dimension: 6, generator: "00000000" }));
  });
});
