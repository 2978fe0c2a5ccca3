/**
 * Types for `import ... from "zoar"` inside this repository (examples, test
 * fixtures); at run time compile.ts resolves that import to sdk.ts. Keep the
 * list in step with sdk.ts's exports.
 */
declare module "zoar" {
  type Sdk = typeof import("./sdk");
  export const defineObjective: Sdk["defineObjective"];
  export const loadOnnxModel: Sdk["loadOnnxModel"];
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
  export type EvaluationContext = import("./sdk").EvaluationContext;
  export type Metrics = import("./sdk").Metrics;
}
