// Defaults for objectives that declare named parameters: the engine then works
// on coordinates normalised to [0, 1], where the papers' values (tuned for
// vectors at scale 1 over thousands of iterations) move too little. Chosen by
// bench/parameter-defaults.ts (figures in bench/results/parameter-defaults.md).
import type { OptimizerConfig } from "../engine";

/** The smoothing radius and learning rate for normalised coordinates, for the optimizers with an adaptive update. */
export const NAMED_PARAMETER_DEFAULTS: Readonly<Pick<OptimizerConfig, "mu" | "lr">> = Object.freeze({ mu: 0.02, lr: 0.005 });

/**
 * The overrides a run over named parameters uses: the user's, on top of
 * NAMED_PARAMETER_DEFAULTS where the optimizer's update is adaptive (adam,
 * radazo: steps of about lr per coordinate, whatever the scale of f). Plain
 * SGD steps scale with f, so no default fits them; they keep their own.
 */
export function namedParameterOverrides(base: OptimizerConfig, overrides: Partial<OptimizerConfig>): Partial<OptimizerConfig> {
  const update = overrides.update ?? base.update;
  if (update === "sgd") return overrides;
  return { ...NAMED_PARAMETER_DEFAULTS, ...overrides };
}
