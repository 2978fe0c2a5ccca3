// File writes that a crash cannot leave half done.
import * as fs from "node:fs";
import * as path from "node:path";
import { threadId } from "node:worker_threads";

let temporaryCount = 0;

/**
 * Writes `text` to a temporary file beside `file`, flushes it to disk and
 * renames it over `file`: a reader sees the old content or the new, never a mix.
 * With `previous`, the old `file` is first renamed to that name, so the
 * generation before stays readable beside the new one.
 */
export function writeFileAtomic(file: string, text: string | Uint8Array, previous?: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${threadId}-${++temporaryCount}.tmp`);
  const fd = fs.openSync(temporary, "w");
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    if (previous !== undefined && fs.existsSync(file)) fs.renameSync(file, previous);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** JSON with non-finite numbers written as null (JSON has no NaN or Infinity). */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

export function readJsonFile(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** null (how JSON writes NaN and the infinities) back to NaN. */
export function numberOrNaN(value: unknown): number {
  return typeof value === "number" ? value : NaN;
}
