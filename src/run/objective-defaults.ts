// An objective's recommended optimizer settings (its optimizerDefaults), merged
// under the run's own: preset < objective's recommendation < the run's settings.
import { ConfigError, type OptimizerConfig, optimizerEntry, resolveConfig } from "../engine";
import type { OptimizerDefaults } from "../objective/definition";

/**
 * What the objective recommends for `optimizer`, checked against that
 * optimizer's preset; a bad setting is reported as the objective's, by name.
 */
export function objectiveRecommendation(defaults: OptimizerDefaults, optimizer: string, objectiveFile: string): Partial<OptimizerConfig> {
  const recommended = Object.hasOwn(defaults, optimizer) ? defaults[optimizer] : undefined;
  if (recommended === undefined) return {};
  try {
    resolveConfig(recommended, optimizerEntry(optimizer).config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.parameter, `${error.message.replace(/^Invalid [^:]+: /, "")}, in optimizerDefaults["${optimizer}"] of ${objectiveFile}`);
  }
  return { ...recommended };
}
