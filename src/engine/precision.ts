// The precision an optimizer keeps its d-sized state in: parameters, query
// rows, moments, window sums and stored directions. float64 is the default;
// float32 halves the memory and the bandwidth of every pass, for objectives
// that compute in float32 anyway (models). Arithmetic is the same in both:
// every expression is computed in double (JavaScript numbers) and rounded
// once, when it is stored.

export type Precision = "float64" | "float32";

/** A d-sized vector of an optimizer's state, in its precision. */
export type Vector = Float64Array | Float32Array;

export const PRECISIONS: readonly Precision[] = ["float64", "float32"];

/** A vector of zeros. */
export function zeros(precision: Precision, length: number): Vector {
  return precision === "float32" ? new Float32Array(length) : new Float64Array(length);
}

/** A copy of `values` in `precision` (float32: each value rounded to nearest). */
export function vectorFrom(precision: Precision, values: ArrayLike<number>): Vector {
  return precision === "float32" ? Float32Array.from(values) : Float64Array.from(values);
}

/** The precision a vector is kept in. */
export function precisionOf(vector: Vector): Precision {
  return vector instanceof Float32Array ? "float32" : "float64";
}

/** The precision of a vector type: float32 for Float32Array, else float64. */
export type PrecisionOf<V extends Vector> = V extends Float32Array ? "float32" : "float64";

/**
 * The vector type of an optimizer built with settings `O`: Float32Array when
 * they say `precision: "float32"`, else Float64Array. Code that picks the
 * precision at run time holds the optimizer as Optimizer<Vector>.
 */
export type VectorFor<O> = O extends { precision: "float32" } ? Float32Array : Float64Array;
