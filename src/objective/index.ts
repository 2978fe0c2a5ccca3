/** What the rest of zoar (run loop, CLI, extension) uses from src/objective. */
export { type CompiledObjective, compileObjective, type CompileOptions, defaultSdkPath } from "./compile";
export { type ObjectiveErrorKind, ObjectiveError, type ObjectiveFailure } from "./errors";
export {
  DEFAULT_TIMEOUT_MS,
  defaultWorkerScript,
  ObjectiveEvaluator,
  type ObjectiveEvaluatorOptions,
  type ObjectiveInfo,
  type SkippedQuery,
} from "./evaluator";
export type { NonFinitePolicy } from "./protocol";
export type { OnnxProviderPreference } from "./runtime-context";
