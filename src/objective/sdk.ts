/**
 * The module user objective files import as "zoar":
 *
 *   import { defineObjective } from "zoar";
 *   export default defineObjective({ dimension: 10, evaluate: (x) => ... });
 *
 * compile.ts bundles this file (or, in the packaged extension, its prebuilt
 * dist/objective-sdk.js) into each objective, so keep it small and free of
 * anything but node: modules and onnxruntime-node (loaded lazily).
 */
import { DEFINITION_SITE, DefinitionError, definitionProblems, type ObjectiveDefinition } from "./definition";

export type {
  BatchObjectiveDefinition,
  EvaluationContext,
  Metrics,
  ObjectiveBounds,
  ObjectiveDefinition,
  PointwiseObjectiveDefinition,
} from "./definition";
export {
  loadOnnxModel,
  OnnxModel,
  type OnnxFeeds,
  type OnnxModelOptions,
  type OnnxOutputs,
  type OnnxProviderPreference,
  type OnnxProviderUsed,
  type OnnxSessionTuning,
} from "./onnx-model";

/**
 * Declares an objective. Checks what can be checked without running user code
 * (dimension, evaluate vs evaluateBatch, lengths of initial and bounds) and
 * throws at this call when something is wrong, so the error points here.
 */
export function defineObjective<T extends ObjectiveDefinition>(definition: T): T {
  const problems = definitionProblems(definition);
  if (problems.length > 0) throw new DefinitionError(problems.join("; "));
  // Later checks (the result of initial()) report their error at this call.
  if (Object.isExtensible(definition)) {
    Object.defineProperty(definition, DEFINITION_SITE, { value: new Error("defineObjective"), enumerable: false });
  }
  return definition;
}
