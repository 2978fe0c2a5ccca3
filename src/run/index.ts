// Public surface of runs: the loop, its worker controller, the run store and saved parameters.
export * from "./types";
export { decodeExact, deserializeSnapshot, encodeExact, parseExact, serializeSnapshot, stringifyExact } from "./checkpoint";
export { type Checkpoint, DEFAULT_RUNS_DIR, listRuns, newRunId, readRun, resolveRunDir, RUN_FILES, type RunDetails, RunStore, type RunSummary } from "./store";
export { readTrace, type TraceContents } from "./trace";
export { type LoopOptions, type ResumeOptions, resumeRun, RunLoop, startRun } from "./loop";
export { defaultRunWorkerScript, RunController, type RunControllerOptions } from "./controller";
export { checkParamsTarget, defaultParamsPath, ParamsConflictError, readSavedParameters, saveRunParameters, type SavedParameters } from "./params";
export { withLrHorizon } from "./lr-horizon";
