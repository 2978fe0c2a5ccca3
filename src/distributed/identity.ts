// Which objective a queue serves: a content hash of the compiled bundle plus
// the dimension. Runs and workers meet on the queue named after it, so a
// worker holding another version of the file never takes a run's jobs.
import { createHash } from "node:crypto";
import * as path from "node:path";

export interface ObjectiveIdentity {
  /** 16 hex digits of the SHA-256 of the bundle, paths and source map left out. */
  version: string;
  dimension: number;
  name: string;
  /** The objective file's base name, to recognise another version of the same file. */
  fileName: string;
}

/**
 * The parts of a bundle that depend on where it was compiled are left out of
 * the hash: the inline source map and esbuild's `// relative/path.ts` markers
 * (zoar may be installed elsewhere on a worker's machine).
 */
export function bundleVersion(code: string): string {
  const portable = code
    .split("\n")
    .filter((line) => !/^\s*\/\/[#@] sourceMappingURL=/.test(line) && !/^\s*\/\/ \S+\.(?:[cm]?[jt]sx?|json)$/.test(line))
    .join("\n");
  return createHash("sha256").update(portable).digest("hex").slice(0, 16);
}

export function objectiveIdentity(code: string, info: { file: string; name: string; dimension: number }): ObjectiveIdentity {
  return { version: bundleVersion(code), dimension: info.dimension, name: info.name, fileName: path.basename(info.file) };
}

/** `levy.ts (version 1a2b3c4d5e6f7a8b, 2 parameters)` */
export function describeIdentity(identity: ObjectiveIdentity): string {
  return `${identity.fileName} (version ${identity.version}, ${identity.dimension} parameters)`;
}
