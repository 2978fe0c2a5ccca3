// Shared test helpers for the engine: run an optimizer on a synthetic function.
import { type Optimizer, evaluateRows, syntheticFunction } from "../../src/engine";

/** Run `iterations` ask/tell steps on a named synthetic function; returns the logged values. */
export function runOn(optimizer: Optimizer, functionName: string, iterations: number): number[] {
  const f = syntheticFunction(functionName);
  const logged: number[] = [];
  let values = new Float64Array(0);
  for (let t = 0; t < iterations; t++) {
    const batch = optimizer.ask();
    if (values.length !== batch.rows) values = new Float64Array(batch.rows);
    evaluateRows(f, batch.points, batch.rows, batch.dimension, values);
    logged.push(optimizer.tell(values).value);
  }
  return logged;
}

export function bytesOf(x: Float64Array): Buffer {
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength);
}

/** A deterministic, spread-out starting point in [-2, 2)^d. */
export function gaussianStart(d: number, seed: number): Float64Array {
  const x = new Float64Array(d);
  let s = seed >>> 0;
  for (let i = 0; i < d; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 2 ** 32) * 4 - 2;
  }
  return x;
}
