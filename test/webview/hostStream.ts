// Host messages recorded from real runs of the engine: what the extension
// host will post to the dashboard (snapshot, then throttled progress with
// decimated series, inspector data and best parameters). Every message goes
// through JSON, as webview messages do (NaN and Infinity become null).
import {
  type OptimizerConfig,
  createOptimizer,
  evaluateRows,
  optimizerEntry,
  optimizerNames,
  standardNormalStart,
  syntheticFunction,
} from "../../src/engine";
import { TraceDecimator, type TracePoint, summarizeParameters } from "../../src/extension/decimate";
import { inspectorFromInspection } from "../../src/extension/runView";
import {
  type DashboardSnapshot,
  type DecimatedSeries,
  type InspectorData,
  type ObjectiveInfo,
  type ParameterSummary,
  type ProgressMessage,
  type RunHeader,
  type RunSnapshot,
  type SnapshotMessage,
  optimizerSchemas,
  toWireNumber,
} from "../../src/protocol";

export function overTheWire<T>(message: T): T {
  return JSON.parse(JSON.stringify(message)) as T;
}

export const OBJECTIVE: ObjectiveInfo = { name: "quadratic", file: "examples/quadratic.ts", dimension: 10 };

export interface RunRecording {
  runId: string;
  progress: ProgressMessage[];
  /** The run as the host holds it at the end. */
  trace: TracePoint[];
  header: RunHeader;
  series: DecimatedSeries;
  inspector: InspectorData;
  parameters: ParameterSummary;
}

export interface RecordOptions {
  optimizer: string;
  iterations: number;
  runId?: string;
  label?: string;
  dimension?: number;
  seed?: number;
  overrides?: Partial<OptimizerConfig>;
  /** Iterations between progress messages (the host's 20/s throttle, in iterations). */
  progressEvery?: number;
  /** Simulated time per iteration, for the elapsed and rate figures. */
  msPerIteration?: number;
}

/** Run `optimizer` on a quadratic with the real engine, recording what the host would post. */
export function recordRun(options: RecordOptions): RunRecording {
  const { optimizer: name, iterations, dimension = OBJECTIVE.dimension, seed = 7, progressEvery = 10, msPerIteration = 2 } = options;
  const runId = options.runId ?? `${name}-${seed}`;
  const label = options.label ?? `${name} #1`;
  const optimizer = createOptimizer(name, { lr: 0.05, ...options.overrides }, { initial: standardNormalStart(dimension, seed), seed });
  const f = syntheticFunction("quadratic");
  const decimator = new TraceDecimator();
  const trace: TracePoint[] = [];
  const progress: ProgressMessage[] = [];
  let values = new Float64Array(0);

  for (let t = 0; t < iterations; t++) {
    const batch = optimizer.ask();
    if (values.length !== batch.rows) values = new Float64Array(batch.rows);
    evaluateRows(f, batch.points, batch.rows, batch.dimension, values);
    const result = optimizer.tell(values);
    const point: TracePoint = {
      iteration: result.iteration,
      evaluations: result.evaluations,
      value: result.value,
      best: result.bestValue,
      baseline: result.baseline,
      gradientNorm: result.gradientNorm,
      stepNorm: result.stepNorm,
    };
    trace.push(point);
    decimator.append(point);
    const last = t === iterations - 1;
    if (!last && (t + 1) % progressEvery !== 0) continue;
    const elapsedMs = (t + 1) * msPerIteration;
    const header: RunHeader = {
      runId,
      label,
      optimizer: name,
      seed,
      status: "running",
      iteration: t + 1,
      evaluations: result.evaluations,
      value: toWireNumber(result.value),
      bestValue: toWireNumber(result.bestValue),
      elapsedMs,
      evaluationsPerSecond: (result.evaluations / elapsedMs) * 1000,
      provider: null,
      stop: { iterations },
    };
    progress.push(
      overTheWire({
        type: "progress",
        header,
        series: decimator.takeUpdate()!,
        inspector: inspectorFromInspection(runId, optimizer.inspect()),
        parameters: summarizeParameters(runId, optimizer.bestPoint),
      }),
    );
  }
  const final = progress[progress.length - 1];
  return {
    runId,
    progress,
    trace,
    header: final.header,
    series: decimator.snapshot(),
    inspector: final.inspector!,
    parameters: final.parameters!,
  };
}

export function snapshotMessage(runs: RunSnapshot[] = [], extra: Partial<DashboardSnapshot> = {}): SnapshotMessage {
  return overTheWire({
    type: "snapshot",
    snapshot: {
      objective: OBJECTIVE,
      optimizers: optimizerSchemas(optimizerNames().map(optimizerEntry)),
      runs,
      selectedRunId: runs[runs.length - 1]?.header.runId ?? null,
      inspector: null,
      parameters: null,
      view: { x: "iteration", y: "log" },
      canRun: true,
      ...extra,
    },
  });
}
