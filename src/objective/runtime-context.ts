/**
 * The contract between zoar's objective worker and the SDK code bundled into
 * each objective. The SDK is compiled into the user's bundle, so it cannot
 * share module state with the worker; a global keyed by a registered symbol
 * is the one place both see.
 */

export type OnnxProviderPreference = "auto" | "cpu" | "cuda";

/** The execution provider an ONNX session actually runs on. */
export type OnnxProviderUsed = "cpu" | "cuda";

/** What the worker needs to know about each ONNX model the objective loads. */
export interface RuntimeModel {
  /** Absolute path of the .onnx file. */
  readonly path: string;
  readonly provider: OnnxProviderUsed | undefined;
  /** Why the provider differs from what was asked, e.g. the CPU fallback of "auto". */
  readonly providerNote: string | undefined;
  ready(): Promise<unknown>;
}

export interface ObjectiveRuntimeContext {
  /** Absolute path of the objective file; relative model paths resolve against its folder. */
  readonly objectiveFile: string;
  /** Provider chosen for this run; overrides the one written in the objective when set. */
  readonly provider: OnnxProviderPreference | undefined;
  /** Folder of the onnxruntime-node package zoar uses (to look for the CUDA provider libraries). */
  readonly onnxRuntimeDir: string | undefined;
  /** Every model the objective loaded, by cache key, so each gets one session per run. */
  readonly models: Map<string, RuntimeModel>;
  /** Called once per model when its session exists. */
  onModelReady(model: RuntimeModel): void;
}

const CONTEXT_KEY = Symbol.for("zoar.objectiveRuntime");

type GlobalWithContext = typeof globalThis & { [CONTEXT_KEY]?: ObjectiveRuntimeContext };

export function getRuntimeContext(): ObjectiveRuntimeContext | undefined {
  return (globalThis as GlobalWithContext)[CONTEXT_KEY];
}

export function setRuntimeContext(context: ObjectiveRuntimeContext | undefined): void {
  (globalThis as GlobalWithContext)[CONTEXT_KEY] = context;
}
