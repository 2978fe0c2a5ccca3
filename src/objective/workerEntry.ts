// Finding and starting zoar's worker entries, bundled (dist/) or from TypeScript sources (tsx).
import * as fs from "node:fs";
import * as path from "node:path";

/** The first of `fileNames` that exists in `baseDir`: the bundle's name first, then the source's. */
export function findWorkerEntry(baseDir: string, fileNames: readonly string[], what: string): string {
  const candidates = fileNames.map((name) => path.join(baseDir, name));
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (found === undefined) throw new Error(`zoar's ${what} was not found; looked for ${candidates.join(" and ")}`);
  return found;
}

/** A TypeScript entry runs through tsx's require hook (`--import tsx` does not reach a worker's entry on Node 20). */
export function workerExecArgv(workerScript: string): string[] {
  return /\.[cm]?ts$/.test(workerScript) ? ["--require", require.resolve("tsx/cjs")] : [];
}
