/**
 * ONNX models inside objectives: one onnxruntime-node InferenceSession per
 * model and run, on CUDA when asked for and available, on the CPU otherwise.
 * This file is bundled into the user's objective (through the SDK) and runs in
 * the objective worker, never in the extension host: session.run blocks its thread.
 */
import type * as Ort from "onnxruntime-node";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  getRuntimeContext,
  type OnnxProviderPreference,
  type OnnxProviderUsed,
  type RuntimeModel,
} from "./runtime-context";

export type { OnnxProviderPreference, OnnxProviderUsed } from "./runtime-context";

export interface OnnxModelOptions {
  /** "auto" (default) tries CUDA and falls back to the CPU; the run's --provider setting overrides this. */
  provider?: OnnxProviderPreference;
  /**
   * onnxruntime session settings, e.g. { intraOpNumThreads: 1 } when several
   * runs share the CPU, or a graph optimization level. The execution provider
   * is zoar's to choose (see provider).
   */
  session?: OnnxSessionTuning;
}

export type OnnxSessionTuning = Pick<
  Ort.InferenceSession.SessionOptions,
  "intraOpNumThreads" | "interOpNumThreads" | "graphOptimizationLevel" | "executionMode" | "enableCpuMemArena" | "enableMemPattern" | "logSeverityLevel"
>;

/** Output tensors by output name. */
export type OnnxOutputs = Ort.InferenceSession.ReturnType;
export type OnnxFeeds = Ort.InferenceSession.FeedsType;

/** Models loaded outside zoar's worker (e.g. an objective imported by a script), by cache key. */
const standaloneModels = new Map<string, OnnxModel>();

/**
 * A model file, resolved against the objective file's folder. The session is
 * created on first use (or by `ready()`); zoar's worker readies every model the
 * objective loaded before the first batch, so load errors surface at once.
 * Calling this again with the same path and options returns the same model.
 */
export function loadOnnxModel(relativePath: string, options: OnnxModelOptions = {}): OnnxModel {
  const context = getRuntimeContext();
  const baseDir = context ? path.dirname(context.objectiveFile) : process.cwd();
  const modelPath = path.resolve(baseDir, relativePath);
  const preference = context?.provider ?? options.provider ?? "auto";
  const tuning = options.session ?? {};
  const key = `${modelPath}\n${preference}\n${JSON.stringify(tuning)}`;
  const cache = context?.models ?? standaloneModels;
  const cached = cache.get(key);
  if (cached instanceof OnnxModel) return cached;
  const model = new OnnxModel(modelPath, relativePath, preference, tuning, context?.onnxRuntimeDir, (m) => context?.onModelReady(m));
  cache.set(key, model);
  return model;
}

export class OnnxModel implements RuntimeModel {
  private loading: Promise<Ort.InferenceSession> | undefined;
  private session: Ort.InferenceSession | undefined;
  private ort: typeof Ort | undefined;
  private usedProvider: OnnxProviderUsed | undefined;
  private note: string | undefined;

  constructor(
    /** Absolute path of the .onnx file. */
    readonly path: string,
    private readonly requestedPath: string,
    private readonly preference: OnnxProviderPreference,
    private readonly tuning: OnnxSessionTuning,
    private readonly onnxRuntimeDir: string | undefined,
    private readonly onReady: (model: OnnxModel) => void,
  ) {}

  /** The provider the session runs on; undefined until it exists. */
  get provider(): OnnxProviderUsed | undefined {
    return this.usedProvider;
  }

  /** Why the session runs on the CPU although CUDA was tried ("auto"). */
  get providerNote(): string | undefined {
    return this.note;
  }

  get inputNames(): readonly string[] {
    return this.requireSession().inputNames;
  }

  get outputNames(): readonly string[] {
    return this.requireSession().outputNames;
  }

  /** Creates the session (once); resolves to this model. */
  async ready(): Promise<this> {
    this.loading ??= this.createSession();
    this.session = await this.loading;
    return this;
  }

  async run(feeds: OnnxFeeds): Promise<OnnxOutputs> {
    await this.ready();
    return this.requireSession().run(feeds);
  }

  /**
   * One session.run over a whole batch: `data` holds dims[0] rows laid out
   * row-major, or is the rows themselves. The rows a float32 objective's
   * evaluateBatch receives lie back to back in one buffer: passed as they
   * are, they feed the model without a copy.
   */
  async runBatch(inputName: string, data: Float32Array | readonly Float32Array[], dims: readonly number[]): Promise<OnnxOutputs> {
    await this.ready();
    const tensor = new this.ort!.Tensor("float32", data instanceof Float32Array ? data : packRows(data), dims);
    return this.requireSession().run({ [inputName]: tensor });
  }

  private requireSession(): Ort.InferenceSession {
    if (!this.session) throw new Error(`ONNX model ${this.requestedPath} is not loaded yet; await model.ready() first`);
    return this.session;
  }

  private async createSession(): Promise<Ort.InferenceSession> {
    if (!fs.existsSync(this.path)) {
      throw new Error(`ONNX model not found: ${this.path} (loadOnnxModel("${this.requestedPath}") resolves against the objective's folder)`);
    }
    this.ort = await import("onnxruntime-node");
    const session = await this.createWithProvider(this.ort);
    this.onReady(this);
    return session;
  }

  private async createWithProvider(ort: typeof Ort): Promise<Ort.InferenceSession> {
    const onCpu = async (note?: string) => {
      const session = await ort.InferenceSession.create(this.path, { ...this.tuning, executionProviders: ["cpu"] });
      this.usedProvider = "cpu";
      this.note = note;
      return session;
    };
    if (this.preference === "cpu") return onCpu();

    const missing = missingCudaProvider(this.onnxRuntimeDir);
    if (missing !== undefined) {
      if (this.preference === "cuda") throw new Error(cudaInstallHelp(missing, this.onnxRuntimeDir));
      return onCpu(`CUDA provider not installed (${missing}); running on the CPU`);
    }
    try {
      const session = await ort.InferenceSession.create(this.path, { ...this.tuning, executionProviders: ["cuda"] });
      this.usedProvider = "cuda";
      return session;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (this.preference === "cuda") {
        throw new Error(cudaInstallHelp(`creating a CUDA session failed: ${reason}`, this.onnxRuntimeDir), { cause: error });
      }
      return onCpu(`CUDA unavailable (${reason}); running on the CPU`);
    }
  }
}

/** The rows as one Float32Array: a view when they lie back to back in one buffer, else a copy. */
export function packRows(rows: readonly Float32Array[]): Float32Array {
  if (rows.length === 0) return new Float32Array(0);
  const first = rows[0];
  let length = 0;
  let contiguous = true;
  for (const row of rows) {
    contiguous &&= row.buffer === first.buffer && row.byteOffset === first.byteOffset + length * Float32Array.BYTES_PER_ELEMENT;
    length += row.length;
  }
  if (contiguous) return new Float32Array(first.buffer, first.byteOffset, length);
  const packed = new Float32Array(length);
  let at = 0;
  for (const row of rows) {
    packed.set(row, at);
    at += row.length;
  }
  return packed;
}

/**
 * Why the CUDA provider cannot load, when that is known without trying: its
 * library is absent beside onnxruntime-node's binary. Checking first spares
 * "auto" a failed attempt and the error onnxruntime prints to stderr for it.
 */
function missingCudaProvider(onnxRuntimeDir: string | undefined): string | undefined {
  if (onnxRuntimeDir === undefined) return undefined;
  const names: Partial<Record<NodeJS.Platform, string>> = {
    linux: "libonnxruntime_providers_cuda.so",
    win32: "onnxruntime_providers_cuda.dll",
  };
  const name = names[process.platform];
  if (name === undefined) return `onnxruntime-node has no CUDA provider for ${process.platform}`;
  const library = path.join(onnxRuntimeBinDir(onnxRuntimeDir), name);
  return fs.existsSync(library) ? undefined : `${library} is missing`;
}

function onnxRuntimeBinDir(onnxRuntimeDir: string): string {
  return path.join(onnxRuntimeDir, "bin", "napi-v6", process.platform, process.arch);
}

function cudaInstallHelp(problem: string, onnxRuntimeDir: string | undefined): string {
  const dir = onnxRuntimeDir ?? "node_modules/onnxruntime-node";
  return (
    `provider "cuda" was requested, but ${problem}. onnxruntime-node ships without its CUDA provider; ` +
    `install it with \`ONNXRUNTIME_NODE_INSTALL=cuda12 node ${path.join(dir, "script", "install.js")}\` ` +
    `(downloads Microsoft.ML.OnnxRuntime.Gpu.Linux from nuget.org), or copy libonnxruntime_providers_cuda.so and ` +
    `libonnxruntime_providers_shared.so of the same onnxruntime version into ${onnxRuntimeBinDir(dir)}; ` +
    `CUDA 12 and cuDNN 9 must be on the library path. Or use provider "auto" or "cpu".`
  );
}
