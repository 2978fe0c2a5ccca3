/**
 * Worker thread entry: runs one compiled objective and evaluates batches that
 * the host (evaluator.ts) places in shared memory. Bundled to
 * dist/objective-worker.js for the packaged extension and CLI; run from source
 * through tsx in development.
 */
import Module from "node:module";
import * as path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import {
  checkDefinition,
  DEFINITION_ERROR_NAME,
  DEFINITION_SITE,
  definitionFromExports,
  type EvaluationContext,
  evaluationContext,
  type NormalizedObjective,
  normalizeDefinition,
} from "./definition";
import { describeThrown, describeValue, type ObjectiveErrorKind, type ObjectiveFailure } from "./errors";
import {
  type BatchBuffers,
  CONTROL,
  type HostMessage,
  type ObjectiveInfoMessage,
  valueStatus,
  type WorkerMessage,
  type WorkerStartData,
} from "./protocol";
import { type RuntimeModel, setRuntimeContext } from "./runtime-context";
import { firstLocationIn, trimToBundle } from "./stack";

// Stack traces of the objective then point at its TypeScript sources.
process.setSourceMapsEnabled(true);

const start = workerData as WorkerStartData;
const port = parentPort!;
const control = new Int32Array(start.control);
const bundleSources = new Set(start.bundleSources);
const userSources = new Set(start.userSources);
const models = new Map<string, RuntimeModel>();

let objective: NormalizedObjective;
let points: Float64Array | Float32Array = new Float64Array(0);
let values: Float64Array = new Float64Array(0);
let statuses: Uint8Array = new Uint8Array(0);
let loaded = false;

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

function fail(failure: ObjectiveFailure): void {
  post({ type: "failed", failure });
}

/** A failure caused by something the objective threw, located at its innermost frame in the user's files. */
function thrownFailure(kind: ObjectiveErrorKind, summary: string, thrown: unknown, query?: number): ObjectiveFailure {
  const stack = thrown instanceof Error ? thrown.stack : undefined;
  return {
    kind,
    summary,
    detail: describeThrown(thrown),
    query,
    ...firstLocationIn(stack, userSources),
    userStack: trimToBundle(stack, bundleSources),
  };
}

/** A definition problem, located where it was thrown, else at the defineObjective call. */
function definitionFailure(error: unknown, site?: unknown): ObjectiveFailure {
  const stack = error instanceof Error ? error.stack : undefined;
  const siteStack = site instanceof Error ? site.stack : undefined;
  const location = firstLocationIn(stack, userSources) ?? firstLocationIn(siteStack, userSources);
  const detail = error instanceof Error ? error.message : describeThrown(error);
  return { kind: "definition", summary: "invalid objective definition", detail, ...location };
}

function isDefinitionError(error: unknown): boolean {
  return error instanceof Error && error.name === DEFINITION_ERROR_NAME;
}

/** Runs the bundle as a CommonJS module named after the objective file, so __filename and __dirname are the user's. */
function runBundle(code: string, filename: string): unknown {
  const ModuleClass = Module as unknown as {
    new (id: string, parent: null): CompilableModule;
    _nodeModulePaths(dir: string): string[];
  };
  const module = new ModuleClass(filename, null);
  module.filename = filename;
  module.paths = ModuleClass._nodeModulePaths(path.dirname(filename));
  module._compile(code, filename);
  module.loaded = true;
  return module.exports;
}

interface CompilableModule {
  filename: string;
  paths: string[];
  exports: unknown;
  loaded: boolean;
  _compile(code: string, filename: string): void;
}

function providerSummary(): { provider: string | undefined; providerNote: string | undefined } {
  const ready = [...models.values()].filter((model) => model.provider !== undefined);
  if (ready.length === 0) return { provider: undefined, providerNote: undefined };
  const provider = [...new Set(ready.map((model) => model.provider))].join(", ");
  const notes = ready.map((model) => model.providerNote).filter((note) => note !== undefined);
  return { provider, providerNote: notes.length > 0 ? [...new Set(notes)].join("; ") : undefined };
}

async function load(): Promise<void> {
  setRuntimeContext({
    objectiveFile: start.objectiveFile,
    provider: start.provider,
    onnxRuntimeDir: start.onnxRuntimeDir,
    models,
    onModelReady: () => {
      const { provider, providerNote } = providerSummary();
      if (loaded && provider !== undefined) post({ type: "provider", provider, providerNote });
    },
  });

  let moduleExports: unknown;
  try {
    moduleExports = runBundle(start.code, start.objectiveFile);
  } catch (error) {
    return fail(isDefinitionError(error) ? definitionFailure(error) : thrownFailure("load", "the objective threw while loading", error));
  }

  let definition;
  try {
    definition = checkDefinition(definitionFromExports(moduleExports));
  } catch (error) {
    return fail(definitionFailure(error));
  }
  const site = (definition as { [DEFINITION_SITE]?: unknown })[DEFINITION_SITE];

  let initialValues: unknown;
  try {
    initialValues = typeof definition.initial === "function" ? definition.initial() : definition.initial;
    // initial() may be async, e.g. to read weights or run a model for a starting point.
    if (isThenable(initialValues)) initialValues = await initialValues;
  } catch (error) {
    return fail(thrownFailure("load", "initial() threw", error));
  }
  try {
    const defaultName = path.basename(start.objectiveFile).replace(/\.[cm]?[jt]sx?$/, "");
    objective = normalizeDefinition(definition, initialValues, defaultName);
  } catch (error) {
    return fail(definitionFailure(error, site));
  }

  try {
    await objective.setup?.();
  } catch (error) {
    return fail(thrownFailure("load", "setup() threw", error));
  }
  try {
    // Sessions the objective created lazily at load time are created now, so
    // a missing model or provider shows before the first batch.
    await Promise.all([...models.values()].map((model) => model.ready()));
  } catch (error) {
    return fail(thrownFailure("load", "loading an ONNX model failed", error));
  }

  loaded = true;
  const info: ObjectiveInfoMessage = {
    name: objective.name,
    description: objective.description,
    dimension: objective.dimension,
    initial: objective.initial,
    bounds: objective.bounds,
    parameters: objective.parameters,
    precision: objective.precision,
    ...providerSummary(),
    hasMetrics: objective.metrics !== undefined,
    metricsEvery: objective.metricsEvery,
    optimizerDefaults: objective.optimizerDefaults,
  };
  post({ type: "ready", info });
}

function adoptBuffers(buffers: BatchBuffers): void {
  points = buffers.precision === "float32" ? new Float32Array(buffers.points) : new Float64Array(buffers.points);
  values = new Float64Array(buffers.values);
  statuses = new Uint8Array(buffers.statuses);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** Stores one value, or describes why it is unusable under the "fail" policy. */
function record(query: number, value: unknown, returnedBy: string): ObjectiveFailure | undefined {
  const status = valueStatus(value);
  if (status === 0) {
    values[query] = value as number;
    statuses[query] = 0;
    return undefined;
  }
  if (start.nonFinite === "fail") {
    return {
      kind: "non-finite",
      summary: `${returnedBy} returned ${describeValue(value)}`,
      detail: 'expected a finite number (nonFinite: "skip" would skip such points)',
      query,
    };
  }
  values[query] = Number.NaN;
  statuses[query] = status;
  return undefined;
}

/** A copy of `row` in the objective's precision (the objective may keep or modify it). */
function inObjectivePrecision(row: Float64Array | Float32Array): Float64Array | Float32Array {
  if (objective.precision === "float32") return row instanceof Float32Array ? row.slice() : Float32Array.from(row);
  return row instanceof Float64Array ? row.slice() : Float64Array.from(row);
}

/**
 * The batch's rows for evaluateBatch. A float32 objective gets consecutive
 * views of one copy of the batch, so a model can feed them as one tensor
 * without another copy (OnnxModel.runBatch); a float64 one gets a copy per row.
 */
function batchRows(rows: number, dimension: number): (Float64Array | Float32Array)[] {
  const xs: (Float64Array | Float32Array)[] = new Array(rows);
  if (objective.precision === "float32") {
    const whole = inObjectivePrecision(points.subarray(0, rows * dimension));
    for (let query = 0; query < rows; query++) xs[query] = whole.subarray(query * dimension, (query + 1) * dimension);
    return xs;
  }
  for (let query = 0; query < rows; query++) xs[query] = inObjectivePrecision(points.subarray(query * dimension, (query + 1) * dimension));
  return xs;
}

async function evaluateEach(rows: number, dimension: number, context: EvaluationContext): Promise<ObjectiveFailure | undefined> {
  const evaluate = objective.evaluate!;
  for (let query = 0; query < rows; query++) {
    control[CONTROL.query] = query;
    let value: unknown;
    try {
      // A copy per query: the objective may keep or modify x.
      value = evaluate(inObjectivePrecision(points.subarray(query * dimension, (query + 1) * dimension)), context);
      if (isThenable(value)) value = await value;
    } catch (error) {
      return thrownFailure("evaluate", "evaluate threw", error, query);
    }
    const failure = record(query, value, "evaluate");
    if (failure) return failure;
  }
  return undefined;
}

async function evaluateWhole(rows: number, dimension: number, context: EvaluationContext): Promise<ObjectiveFailure | undefined> {
  control[CONTROL.query] = -1;
  const xs = batchRows(rows, dimension);
  let result: unknown;
  try {
    result = objective.evaluateBatch!(xs, context);
    if (isThenable(result)) result = await result;
  } catch (error) {
    return thrownFailure("evaluate", "evaluateBatch threw", error);
  }
  const length = (result as { length?: unknown } | null | undefined)?.length;
  if (typeof result !== "object" || result === null || typeof length !== "number") {
    return { kind: "evaluate", summary: `evaluateBatch returned ${describeValue(result)}`, detail: `expected ${rows} numbers` };
  }
  if (length !== rows) {
    return { kind: "evaluate", summary: `evaluateBatch returned ${length} values for ${rows} points` };
  }
  const batch = result as ArrayLike<unknown>;
  for (let query = 0; query < rows; query++) {
    const failure = record(query, batch[query], "evaluateBatch");
    if (failure) return failure;
  }
  return undefined;
}

async function runBatch(message: Extract<HostMessage, { type: "batch" }>): Promise<void> {
  if (message.buffers) adoptBuffers(message.buffers);
  const dimension = objective.dimension;
  const context = evaluationContext(start.runSeed, message.iteration);
  const failure = objective.evaluateBatch
    ? await evaluateWhole(message.rows, dimension, context)
    : await evaluateEach(message.rows, dimension, context);
  if (failure) return fail(failure);
  Atomics.store(control, CONTROL.done, message.seq);
  Atomics.notify(control, CONTROL.done);
}

/** Runs metrics(theta, context) and checks that it returned named finite-or-NaN numbers. */
async function runMetrics(message: Extract<HostMessage, { type: "metrics" }>): Promise<void> {
  control[CONTROL.query] = -1;
  let result: unknown;
  try {
    result = objective.metrics!(inObjectivePrecision(message.theta), evaluationContext(start.runSeed, message.iteration));
    if (isThenable(result)) result = await result;
  } catch (error) {
    return fail(thrownFailure("evaluate", "metrics threw", error));
  }
  if (typeof result !== "object" || result === null || Array.isArray(result)) {
    return fail({ kind: "evaluate", summary: `metrics returned ${describeValue(result)}`, detail: "expected an object of named numbers, e.g. { accuracy: 0.93 }" });
  }
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(result)) {
    if (typeof value !== "number") {
      return fail({ kind: "evaluate", summary: `metrics returned ${name}: ${describeValue(value)}`, detail: "every metric must be a number" });
    }
    metrics[name] = value;
  }
  post({ type: "metrics", seq: message.seq, metrics });
}

/** Lets the host name the line that called process.exit before the worker goes down. */
function reportExitCalls(): void {
  const exit = process.exit.bind(process);
  const reportingExit = (code?: number | string | null) => {
    const site: { stack?: string } = {};
    Error.captureStackTrace(site, reportingExit);
    const stack = `process.exit(${code ?? ""})\n${site.stack?.split("\n").slice(1).join("\n") ?? ""}`;
    post({ type: "exit-called", code: Number(code ?? process.exitCode ?? 0), stack: trimToBundle(stack, bundleSources) });
    return exit(code);
  };
  process.exit = reportingExit as typeof process.exit;
}

// Errors thrown outside evaluate (timer callbacks, unawaited promises) would
// otherwise end the worker with a stack the host cannot place; report them here.
process.on("uncaughtException", (error) => {
  fail(thrownFailure("crash", "an error escaped the objective (thrown in a callback or an unawaited promise)", error));
});

reportExitCalls();
port.on("message", (message: HostMessage) => {
  if (message.type === "close") return port.close();
  (message.type === "metrics" ? runMetrics(message) : runBatch(message)).catch((error: unknown) => fail(thrownFailure("crash", "the objective worker failed", error)));
});
void load();
