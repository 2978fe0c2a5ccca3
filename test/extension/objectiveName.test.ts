// Names of new objective files.
import assert from "node:assert/strict";
import * as path from "node:path";
import { checkObjectiveName, objectiveFilePath } from "../../src/extension/objectiveName";

describe("new objective names", () => {
  it("accepts plain names with or without .ts", () => {
    for (const name of ["levy", "my-objective", "attack_2.ts", " spaced "]) assert.equal(checkObjectiveName(name), null, name);
    assert.equal(objectiveFilePath("/w", "attack_2.ts"), path.join("/w", "attack_2.ts"));
  });

  it("refuses empty names, paths and odd characters", () => {
    for (const name of ["", ".ts", "../escape", "a/b", "2fast", "with space", "x".repeat(65)]) assert.notEqual(checkObjectiveName(name), null, name);
  });
});
