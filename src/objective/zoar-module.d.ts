/**
 * Types for `import ... from "zoar"` inside this repository (examples, test
 * fixtures); at run time compile.ts resolves that import to sdk.ts. Keep the
 * list in step with sdk.ts's exports.
 */
declare module "zoar" {
  type Sdk = typeof import("./sdk");
  export const defineObjective: Sdk["defineObjective"];
  export const loadOnnxModel: Sdk["loadOnnxModel"];
  export const loadParameters: Sdk["loadParameters"];
  export const uniform: Sdk["uniform"];
  export const logUniform: Sdk["logUniform"];
  export const integer: Sdk["integer"];
  export const choice: Sdk["choice"];
  export const vector: Sdk["vector"];
  export type OnnxModel = import("./sdk").OnnxModel;
  export type OnnxModelOptions = import("./sdk").OnnxModelOptions;
  export type OnnxFeeds = import("./sdk").OnnxFeeds;
  export type OnnxOutputs = import("./sdk").OnnxOutputs;
  export type OnnxProviderPreference = import("./sdk").OnnxProviderPreference;
  export type OnnxProviderUsed = import("./sdk").OnnxProviderUsed;
  export type OnnxSessionTuning = import("./sdk").OnnxSessionTuning;
  export type ObjectiveDefinition = import("./sdk").ObjectiveDefinition;
  export type PointwiseObjectiveDefinition = import("./sdk").PointwiseObjectiveDefinition;
  export type BatchObjectiveDefinition = import("./sdk").BatchObjectiveDefinition;
  export type ObjectiveBounds = import("./sdk").ObjectiveBounds;
  export type ParametricObjectiveDefinition<S extends ParameterSpace = ParameterSpace> = import("./sdk").ParametricObjectiveDefinition<S>;
  export type PointwiseParametricDefinition<S extends ParameterSpace> = import("./sdk").PointwiseParametricDefinition<S>;
  export type BatchParametricDefinition<S extends ParameterSpace> = import("./sdk").BatchParametricDefinition<S>;
  export type Parameter = import("./sdk").Parameter;
  export type ParameterSpace = import("./sdk").ParameterSpace;
  export type ParameterValue<P> = import("./sdk").ParameterValue<P>;
  export type ParameterValues<S extends ParameterSpace> = import("./sdk").ParameterValues<S>;
  export type JsonParameterValues = import("./sdk").JsonParameterValues;
  export type ChoiceValue = import("./sdk").ChoiceValue;
  export type UniformParameter = import("./sdk").UniformParameter;
  export type LogUniformParameter = import("./sdk").LogUniformParameter;
  export type IntegerParameter = import("./sdk").IntegerParameter;
  export type ChoiceParameter<T extends ChoiceValue = ChoiceValue> = import("./sdk").ChoiceParameter<T>;
  export type VectorParameter = import("./sdk").VectorParameter;
  export type EvaluationContext = import("./sdk").EvaluationContext;
  export type Metrics = import("./sdk").Metrics;
  export type OptimizerDefaults = import("./sdk").OptimizerDefaults;
}
