// Public surface of the engine: pure TypeScript, no Node or VS Code imports.
export * from "./config";
export * from "./errors";
export * from "./optimizer";
export { type Precision, type PrecisionOf, type Vector, type VectorFor, PRECISIONS, precisionOf, vectorFrom, zeros } from "./precision";
export * from "./registry";
export type { BufferEntry, DirectionSource } from "./estimators/types";
export * from "./parallel";
export { directionSeed, Rng } from "./random";
export { makeDirectionSource, makeDirectionStreams, type DirectionStreams } from "./samplers";
export { GaussianLanes, KERNEL_TILE, useNormalKernels } from "./kernels/normals";
export { useFunctionKernels } from "./kernels/functions";
export { QueryRowWriter } from "./query-rows";
export * from "./functions";
export { CmaEsOptimizer, FULL_CMA_DIMENSION_LIMIT } from "./cma/cmaes";
export { symmetricEigen } from "./cma/eigen";
export { cmaStrategy, defaultPopulation } from "./cma/strategy";
export type { CmaSnapshot, CmaVariant, SearchInspection } from "./cma/types";
export { QueryRowBuilder, type QueryRecipe, type QueryRowKind } from "./recipe";
