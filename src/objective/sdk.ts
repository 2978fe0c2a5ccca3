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
import {
  DEFINITION_SITE,
  DefinitionError,
  definitionProblems,
  type ObjectiveDefinition,
  type ParametricObjectiveDefinition,
} from "./definition";
import type { ParameterSpace } from "./parameters";

export type {
  BatchObjectiveDefinition,
  BatchParametricDefinition,
  EvaluationContext,
  Metrics,
  ObjectiveBounds,
  ObjectiveDefinition,
  OptimizerDefaults,
  ParametricObjectiveDefinition,
  PointwiseObjectiveDefinition,
  PointwiseParametricDefinition,
} from "./definition";
export {
  choice,
  type ChoiceParameter,
  type ChoiceValue,
  integer,
  type IntegerParameter,
  type JsonParameterValues,
  logUniform,
  type LogUniformParameter,
  type Parameter,
  type ParameterSpace,
  type ParameterValue,
  type ParameterValues,
  uniform,
  type UniformParameter,
  vector,
  type VectorParameter,
} from "./parameters";
export { loadParameters } from "./load-parameters";
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
 * (dimension, evaluate vs evaluateBatch, lengths of initial and bounds, the
 * declared parameters) and throws at this call when something is wrong, so
 * the error points here. With `parameters`, `evaluate` receives them by name,
 * typed by their declaration.
 */
export function defineObjective<T extends ObjectiveDefinition>(definition: T): T;
export function defineObjective<S extends ParameterSpace>(definition: ParametricObjectiveDefinition<S>): ParametricObjectiveDefinition<S>;
export function defineObjective(definition: ObjectiveDefinition | ParametricObjectiveDefinition): unknown {
  const problems = definitionProblems(definition);
  if (problems.length > 0) throw new DefinitionError(problems.join("; "));
  // Later checks (the result of initial()) report their error at this call.
  if (Object.isExtensible(definition)) {
    Object.defineProperty(definition, DEFINITION_SITE, { value: new Error("defineObjective"), enumerable: false });
  }
  return definition;
}
