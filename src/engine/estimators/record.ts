// The one iteration behind a single-iteration estimate, kept for inspection and snapshots.
import type { QueryBatch } from "./types";

export interface BatchRecord {
  iteration: number;
  seeds: Uint32Array;
  values: Float64Array;
  baseline: number;
}

export function recordBatch(batch: QueryBatch, baseline: number): BatchRecord {
  return { iteration: batch.iteration, seeds: batch.seeds.slice(), values: batch.values.slice(), baseline };
}

/** Deep copy; also turns plain arrays from a deserialised snapshot back into typed arrays. */
export function copyRecord(record: BatchRecord | null | undefined): BatchRecord | null {
  if (!record) return null;
  return { ...record, seeds: Uint32Array.from(record.seeds), values: Float64Array.from(record.values) };
}
