// What travels through Redis: the job data, the iteration's points as one
// binary string, and each query's result (a value's exact bits, or the
// objective's failure).
import type { ObjectiveFailure } from "../objective/errors";
import type { NonFinitePolicy } from "../objective/protocol";
import type { OnnxProviderPreference } from "../objective/runtime-context";

/** A job: one query of one iteration. The points themselves are under pointsKey(session, iteration). */
export interface QueryJob {
  session: string;
  /** Run id, for workers' messages. */
  run: string;
  iteration: number;
  query: number;
  /** The objective version (identity.ts) the run was started with: a worker checks it again. */
  version: string;
  dimension: number;
  nonFinite: NonFinitePolicy;
  provider?: OnnxProviderPreference;
  /** The run's seed: the worker gives the objective the same evaluation context ({ iteration, seed }) as a local run. */
  seed: number;
}

/** A query's outcome as the run reads it back. */
export type QueryResult = { value: number } | { failure: ObjectiveFailure };

/** Float64s as one binary string, in the machine's byte order (little-endian on every platform Node supports here). */
export function pointsToBuffer(points: Float64Array): Buffer {
  return Buffer.from(points.buffer, points.byteOffset, points.byteLength);
}

export function pointsFromBuffer(buffer: Buffer): Float64Array {
  if (buffer.length % Float64Array.BYTES_PER_ELEMENT !== 0) throw new Error(`points of ${buffer.length} bytes are not whole float64s`);
  const points = new Float64Array(buffer.length / Float64Array.BYTES_PER_ELEMENT);
  new Uint8Array(points.buffer).set(buffer); // a copy: the Buffer may not be 8-byte aligned
  return points;
}

/** `v` and the 16 hex digits of the value's bits (NaN, infinities and -0 survive), or `e` and the failure as JSON. */
export function encodeResult(result: QueryResult): string {
  if ("failure" in result) return `e${JSON.stringify(result.failure)}`;
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(result.value);
  return `v${bytes.toString("hex")}`;
}

export function decodeResult(encoded: string): QueryResult {
  if (encoded.startsWith("v") && encoded.length === 17) return { value: Buffer.from(encoded.slice(1), "hex").readDoubleLE(0) };
  if (encoded.startsWith("e")) return { failure: JSON.parse(encoded.slice(1)) as ObjectiveFailure };
  throw new Error(`unreadable query result in the queue: ${encoded.slice(0, 40)}`);
}

/**
 * Writes a result only while its iteration is still being evaluated (its
 * points key exists), and only the first time (HSETNX): a duplicate or a late
 * result never counts twice nor brings a cleaned-up key back.
 * KEYS: points key, values key; ARGV: query, encoded result. Returns 1 written, 0 duplicate, -1 too late.
 */
export const WRITE_RESULT_SCRIPT = `
if redis.call('exists', KEYS[1]) == 0 then return -1 end
return redis.call('hsetnx', KEYS[2], ARGV[1], ARGV[2])
`;
