import * as path from "node:path";

/** Which stage of loading or evaluating a user objective failed. */
export type ObjectiveErrorKind =
  | "compile" // esbuild could not compile the objective (syntax, missing import)
  | "load" // the compiled module, setup() or an ONNX model threw while loading
  | "definition" // the exports do not describe a valid objective
  | "evaluate" // evaluate/evaluateBatch threw or returned the wrong shape
  | "non-finite" // a value was NaN, +-Infinity or not a number (policy "fail")
  | "timeout" // a batch (or loading) ran past its time limit; the worker was terminated
  | "crash" // an error escaped the objective's control flow (timer callback, unhandled rejection)
  | "exit"; // the worker exited: process.exit in the objective, or the evaluator was closed

/** The facts of a failure, before they are rendered into one message. */
export interface ObjectiveFailure {
  kind: ObjectiveErrorKind;
  /** What happened, without place or iteration: "evaluate threw". */
  summary: string;
  /** The underlying cause, e.g. "TypeError: x is undefined". */
  detail?: string;
  /** Absolute path of the source file the failure points at (may be a module the objective imports). */
  file?: string;
  line?: number;
  column?: number;
  iteration?: number;
  query?: number;
  /** The user's stack trace, mapped to TypeScript sources, zoar's own frames removed. */
  userStack?: string;
}

export class ObjectiveError extends Error {
  override readonly name = "ObjectiveError";
  readonly kind: ObjectiveErrorKind;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly iteration?: number;
  readonly query?: number;
  readonly userStack?: string;
  /** The facts this error was made from, so it can be rebuilt elsewhere (a queue worker reports them to the run). */
  readonly failure: ObjectiveFailure;

  /**
   * @param objectiveFile the objective being run; paths in the message are shown relative to its folder
   * @param message replaces the message formatted from `failure`
   */
  constructor(failure: ObjectiveFailure, objectiveFile?: string, message?: string) {
    super(message ?? formatFailure(failure, objectiveFile));
    this.kind = failure.kind;
    this.file = failure.file ?? objectiveFile;
    this.line = failure.line;
    this.column = failure.column;
    this.iteration = failure.iteration;
    this.query = failure.query;
    this.userStack = failure.userStack;
    this.failure = { ...failure };
  }

  /** The error for calls made after this one stopped the evaluator: same facts, a message saying so. */
  stoppedEvaluator(): ObjectiveError {
    const { kind, file, line, column, iteration, query, userStack } = this;
    const facts = { kind, summary: this.message, file, line, column, iteration, query, userStack };
    return new ObjectiveError(facts, undefined, `the evaluator stopped after an earlier error: ${this.message}`);
  }
}

/** `objective.ts:12:5: evaluate threw at iteration 3, query 2: TypeError: ...` */
export function formatFailure(failure: ObjectiveFailure, objectiveFile?: string): string {
  const file = failure.file ?? objectiveFile;
  let place = file === undefined ? "" : displayPath(file, objectiveFile);
  if (place && failure.line !== undefined) {
    place += `:${failure.line}`;
    if (failure.column !== undefined) place += `:${failure.column}`;
  }
  let when = "";
  if (failure.iteration !== undefined) {
    when = ` at iteration ${failure.iteration}`;
    if (failure.query !== undefined) when += `, query ${failure.query}`;
  } else if (failure.query !== undefined) {
    when = ` at query ${failure.query}`;
  }
  const detail = failure.detail ? `: ${failure.detail}` : "";
  return `${place ? `${place}: ` : ""}${failure.summary}${when}${detail}`;
}

/** Paths inside the objective's folder are shown relative to it, others in full. */
export function displayPath(file: string, objectiveFile?: string): string {
  if (objectiveFile === undefined) return file;
  const relative = path.relative(path.dirname(objectiveFile), file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/** The text of anything thrown: "TypeError: message" for errors, a readable form otherwise. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return String(thrown);
  if (typeof thrown === "object" && thrown !== null && "message" in thrown) {
    return `${"name" in thrown ? String(thrown.name) : "Error"}: ${String(thrown.message)}`;
  }
  return `${describeValue(thrown)} was thrown`;
}

/** A short, human description of a value that should have been a number. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "number":
      return String(value);
    case "string": {
      const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
      return `a string (${JSON.stringify(shown)})`;
    }
    case "undefined":
      return "undefined";
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) return `an array of length ${value.length}`;
      if (typeof (value as { then?: unknown }).then === "function") return "a promise";
      return "an object";
    case "bigint":
      return `a bigint (${value}n)`;
    default:
      return `a ${typeof value}`;
  }
}
