// An objective's recommended optimizer settings (its optimizerDefaults), merged
// under the run's own: preset < objective's recommendation < the run's settings.
import { ConfigError, type OptimizerConfig } from "../engine";
import type { OptimizerDefaults } from "../objective/definition";
import { resolveRunConfig } from "./lr-horizon";

/**
 * What the objective recommends for `optimizer`, checked against that
 * optimizer's preset; a bad setting is reported as the objective's, by name.
 */
export function objectiveRecommendation(defaults: OptimizerDefaults, optimizer: string, objectiveFile: string): Partial<OptimizerConfig> {
  const recommended = Object.hasOwn(defaults, optimizer) ? defaults[optimizer] : undefined;
  if (recommended === undefined) return {};
  try {
    // A decaying lr schedule may leave its horizon to the run (lr-horizon.ts): any horizon checks the rest.
    resolveRunConfig(optimizer, recommended, 1);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.parameter, `${error.message.replace(/^Invalid [^:]+: /, "")}, in optimizerDefaults["${optimizer}"] of ${objectiveFile}`);
  }
  return { ...recommended };
}
