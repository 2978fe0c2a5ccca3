/**
 * `loadParameters` of the SDK: parameters zoar saved, read back in user code
 * (to deploy them, or to start something else from them).
 */
import * as path from "node:path";
import { fromJsonValues, type JsonParameterValues, type ParameterSpace, type ParameterValues, valuesProblems } from "./parameters";
import { getRuntimeContext } from "./runtime-context";
import { ParametersFileError, readParametersFile } from "./saved-parameters";

/**
 * Reads a parameters file (as `zoar run --save` writes it). Given the
 * objective (or its `parameters`), returns the values typed by its space and
 * throws when the file does not fit it; without, returns the named values as
 * stored, or the vector of a plain objective. A relative path resolves against
 * the objective's folder when called from an objective, else the current folder.
 */
export function loadParameters<S extends ParameterSpace>(file: string, objective: { parameters: S } | S): ParameterValues<S>;
export function loadParameters(file: string): JsonParameterValues | Float64Array;
export function loadParameters(file: string, objective?: { parameters: ParameterSpace } | ParameterSpace): unknown {
  const context = getRuntimeContext();
  const resolved = path.resolve(context ? path.dirname(context.objectiveFile) : process.cwd(), file);
  const stored = readParametersFile(resolved);
  if (objective === undefined) return stored.values;
  const space = spaceOf(objective);
  if (stored.kind === "vector") {
    throw new ParametersFileError(`${resolved} holds a plain vector of ${stored.values.length} values, not named parameters (${Object.keys(space).join(", ")})`);
  }
  const problems = valuesProblems(space, stored.values);
  if (problems.length > 0) throw new ParametersFileError(`${resolved} does not fit the parameters: ${problems.join("; ")}`);
  return fromJsonValues(space, stored.values);
}

/** The objective's space, or the space itself (whose entries are parameters, each with a kind). */
function spaceOf(objective: { parameters: ParameterSpace } | ParameterSpace): ParameterSpace {
  const inner = (objective as { parameters?: unknown }).parameters;
  const isObjective = typeof inner === "object" && inner !== null && !("kind" in inner);
  return isObjective ? (inner as ParameterSpace) : (objective as ParameterSpace);
}
