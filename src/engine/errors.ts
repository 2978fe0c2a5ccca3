/** A hyperparameter or option outside its valid range; `parameter` names it. */
export class ConfigError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`Invalid ${parameter}: ${message}`);
    this.name = "ConfigError";
  }
}

/** Values handed to `tell` that cannot be used; the optimizer state is left unchanged. */
export class TellError extends Error {
  constructor(
    message: string,
    readonly iteration: number,
    readonly query?: number,
  ) {
    super(message);
    this.name = "TellError";
  }
}

/**
 * What every optimizer's `tell` checks before it changes anything: that it
 * follows an `ask` of iteration `iteration`, with one finite value per row.
 */
export function checkToldValues(values: ArrayLike<number>, batch: { iteration: number; askedIteration: number; rows: number; centerRow: number }): void {
  const t = batch.iteration;
  if (batch.askedIteration !== t) throw new TellError(`tell at iteration ${t} without ask`, t);
  if (!values || values.length !== batch.rows) {
    throw new TellError(`tell at iteration ${t} expects ${batch.rows} values (one per asked point), got ${values?.length ?? "none"}`, t);
  }
  for (let q = 0; q < batch.rows; q++) {
    const y = values[q];
    if (typeof y !== "number" || !Number.isFinite(y)) {
      const which = q === batch.centerRow ? "the centre point" : `query ${q}`;
      throw new TellError(`value of ${which} at iteration ${t} is ${String(y)}; values must be finite numbers`, t, q);
    }
  }
}
