// A decaying learning-rate schedule given without its horizon (lrDecaySteps
// 0) decays over the run's iteration budget: `zoar run --lr-schedule cosine
// --iterations 6000` ends at the schedule's floor. The resolved horizon is
// recorded in the run's config, so a resumed run keeps it.
import { type OptimizerConfig, optimizerEntry, resolveConfig } from "../engine";

/** The overrides with lrDecaySteps set to `iterations` where a decaying schedule has none. */
export function withLrHorizon(overrides: Partial<OptimizerConfig>, base: OptimizerConfig, iterations: number | undefined): Partial<OptimizerConfig> {
  const schedule = overrides.lrSchedule ?? base.lrSchedule;
  const horizon = overrides.lrDecaySteps ?? base.lrDecaySteps;
  if (schedule === "constant" || horizon > 0 || iterations === undefined || iterations < 1) return overrides;
  return { ...overrides, lrDecaySteps: iterations };
}

/** The configuration `optimizer` runs with under `overrides` and an iteration budget; throws a ConfigError naming what is wrong. */
export function resolveRunConfig(optimizer: string, overrides: Partial<OptimizerConfig>, iterations: number | undefined): OptimizerConfig {
  const preset = optimizerEntry(optimizer).config;
  return resolveConfig(withLrHorizon(overrides, preset, iterations), preset);
}
