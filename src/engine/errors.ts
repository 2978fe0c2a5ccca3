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
