// What travels through Redis: the job data, the query's input (its row
// inline, a rebuild recipe against the iteration's theta, or a slice of the
// iteration's points), and each query's result (a value's exact bits, or the
// objective's failure).
import type { QueryRowKind, SamplerKind } from "../engine";
import type { ObjectiveFailure } from "../objective/errors";
import type { NonFinitePolicy } from "../objective/protocol";
import type { OnnxProviderPreference } from "../objective/runtime-context";

/**
 * Where a worker finds the query's point:
 * - `row`: in the job, the row's float64s in base64 (small dimensions: no extra round trip);
 * - `rebuild`: rebuilt from thetaKey(session, iteration) with the engine's QueryRowBuilder (seed-built rows, any dimension);
 * - `batch`: row `query` of pointsKey(session, iteration) (large points with no recipe, e.g. CMA-ES).
 */
export type QueryInput =
  | { kind: "row"; row: string }
  | { kind: "rebuild"; row: QueryRowKind; direction: number; mu: number; sampler: SamplerKind }
  | { kind: "batch" };

/** A job: one query of one iteration. */
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
  input: QueryInput;
}

/** A query's outcome as the run reads it back. */
export type QueryResult = { value: number } | { failure: ObjectiveFailure };

/** Float64s as one binary string, in the machine's byte order (little-endian on every platform Node supports here). */
export function floatsToBuffer(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

export function floatsFromBuffer(buffer: Buffer): Float64Array {
  if (buffer.length % Float64Array.BYTES_PER_ELEMENT !== 0) throw new Error(`${buffer.length} bytes are not whole float64s`);
  const values = new Float64Array(buffer.length / Float64Array.BYTES_PER_ELEMENT);
  new Uint8Array(values.buffer).set(buffer); // a copy: the Buffer may not be 8-byte aligned
  return values;
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

/** What a worker publishes on resultsChannel(session): `<iteration>:<query>:<encoded result>`. */
export function parseAnnouncement(message: string): { iteration: number; query: number; encoded: string } | undefined {
  const match = /^(\d+):(\d+):(.*)$/s.exec(message);
  return match ? { iteration: Number(match[1]), query: Number(match[2]), encoded: match[3] } : undefined;
}

/**
 * Writes a result only while its run session is active and its iteration not
 * finished, and only the first time (HSETNX); then announces it. A duplicate
 * or a late result never counts twice nor brings a cleaned-up key back.
 * KEYS: active runs, finished key, values key; ARGV: session, iteration,
 * query, encoded result, results channel, ttl in s.
 * Returns 1 written, 0 duplicate, -1 too late.
 */
export const WRITE_RESULT_SCRIPT = `
if redis.call('hexists', KEYS[1], ARGV[1]) == 0 then return -1 end
local finished = redis.call('get', KEYS[2])
if finished and tonumber(finished) >= tonumber(ARGV[2]) then return -1 end
if redis.call('hsetnx', KEYS[3], ARGV[3], ARGV[4]) == 0 then return 0 end
redis.call('expire', KEYS[3], ARGV[6])
redis.call('publish', ARGV[5], ARGV[2] .. ':' .. ARGV[3] .. ':' .. ARGV[4])
return 1
`;
