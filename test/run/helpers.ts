import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const RUN_FIXTURES = path.resolve(__dirname, "../fixtures/runs");
export const OBJECTIVE_FIXTURES = path.resolve(__dirname, "../fixtures/objectives");

export function runFixture(name: string): string {
  return path.join(RUN_FIXTURES, name);
}

/** 1-based line and column of `marker` in a file, so tests follow edits to the fixtures. */
export function positionOf(file: string, marker: string): { line: number; column: number } {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const line = lines.findIndex((text) => text.includes(marker));
  if (line < 0) throw new Error(`marker ${JSON.stringify(marker)} not found in ${file}`);
  return { line: line + 1, column: lines[line].indexOf(marker) + 1 };
}

/** A fresh temporary folder for each test, removed after it. */
export function useTemporaryFolder(prefix = "zoar-run-test-"): { readonly dir: string } {
  const holder = { dir: "" };
  beforeEach(() => {
    holder.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(() => {
    fs.rmSync(holder.dir, { recursive: true, force: true });
  });
  return holder;
}

/** Resolves once `test` holds, checking every few ms; rejects after `timeoutMs`. */
export async function waitFor(test: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const start = Date.now();
  while (!test()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Byte-level equality of two float arrays (of one type), with the first differing index in the message. */
export function sameBits(a: Float64Array | Float32Array, b: Float64Array | Float32Array): { equal: boolean; message: string } {
  if (a.length !== b.length) return { equal: false, message: `lengths ${a.length} and ${b.length}` };
  if (a.constructor !== b.constructor) return { equal: false, message: `a ${a.constructor.name} and a ${b.constructor.name}` };
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) {
      const index = Math.floor(i / a.BYTES_PER_ELEMENT);
      return { equal: false, message: `coordinate ${index}: ${a[index]} vs ${b[index]}` };
    }
  }
  return { equal: true, message: "" };
}
