// Which objective a queue serves: a content hash of the compiled bundle plus
// the dimension, and a digest of the engine's direction generator (workers
// rebuild query rows with their own engine). Runs and workers meet on the
// queue named after it, so a worker holding another version of the file, or
// a zoar that draws other directions, never takes a run's jobs.
import { createHash } from "node:crypto";
import * as path from "node:path";
import { directionSeed, QueryRowBuilder, type QueryRowKind } from "../engine";

export interface ObjectiveIdentity {
  /** 16 hex digits of the SHA-256 of the bundle, paths and source map left out. */
  version: string;
  dimension: number;
  /** 8 hex digits of GENERATOR_VERSION. */
  generator: string;
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

/**
 * A digest of rows the engine builds from seeds, every kind with both
 * samplers: two zoar installations with the same digest rebuild the same
 * bits (the ziggurat's slow path included: about 3% of 2 x 1031 draws).
 */
export function generatorVersion(): string {
  const hash = createHash("sha256");
  const d = 1031;
  const theta = Float64Array.from({ length: d }, (_, i) => Math.sin(i) * 3);
  const row = new Float64Array(d);
  for (const sampler of ["gaussian", "sphere"] as const) {
    const builder = new QueryRowBuilder(sampler, d);
    (["center", "forward", "plus", "minus"] as QueryRowKind[]).forEach((kind, k) => {
      builder.build(theta, 0.37, kind, directionSeed(7, 3, k), row);
      hash.update(new Uint8Array(row.buffer));
    });
  }
  return hash.digest("hex").slice(0, 8);
}

export const GENERATOR_VERSION = generatorVersion();

export function objectiveIdentity(code: string, info: { file: string; name: string; dimension: number }): ObjectiveIdentity {
  return { version: bundleVersion(code), dimension: info.dimension, generator: GENERATOR_VERSION, name: info.name, fileName: path.basename(info.file) };
}

/** `levy.ts (version 1a2b3c4d5e6f7a8b, 2 parameters)` */
export function describeIdentity(identity: ObjectiveIdentity): string {
  return `${identity.fileName} (version ${identity.version}, ${identity.dimension} parameters)`;
}
