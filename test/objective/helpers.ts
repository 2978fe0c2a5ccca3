import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ObjectiveError, type ObjectiveErrorKind } from "../../src/objective/errors";

export const FIXTURES = path.resolve(__dirname, "../fixtures/objectives");

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** 1-based line and column of `marker` in a file, so tests follow edits to the fixtures. */
export function positionOf(file: string, marker: string): { line: number; column: number } {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const line = lines.findIndex((text) => text.includes(marker));
  if (line < 0) throw new Error(`marker ${JSON.stringify(marker)} not found in ${file}`);
  return { line: line + 1, column: lines[line].indexOf(marker) + 1 };
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function temporaryFolder(prefix = "zoar-objective-test-"): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Awaits a rejection with an ObjectiveError of `kind` and returns it for further checks. */
export async function rejectsWithObjectiveError(promise: Promise<unknown>, kind: ObjectiveErrorKind): Promise<ObjectiveError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ObjectiveError, `expected an ObjectiveError, got ${String(error)}`);
    assert.equal(error.kind, kind, `kind of: ${error.message}`);
    return error;
  }
  assert.fail(`expected an ObjectiveError of kind ${kind}, but the promise resolved`);
}

/** `rows` copies of `row`, laid out row-major. */
export function rowsOf(...rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat());
}
