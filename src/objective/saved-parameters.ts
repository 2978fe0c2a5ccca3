/**
 * Reading parameters zoar saved (src/run/params.ts writes them), to start a
 * run from them (`zoar run --initial`, the dashboard's "start from saved
 * parameters") or to use them in code (`loadParameters` in the SDK). Every
 * mismatch with the objective is an error naming what differs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { encodeParameters, type ParameterSpace, valuesProblems } from "./parameters";

/** What a parameters file holds: values by name, or one plain vector. */
export type StoredParameters =
  | { kind: "named"; file: string; values: Record<string, unknown> }
  | { kind: "vector"; file: string; values: Float64Array };

export class ParametersFileError extends Error {
  override readonly name = "ParametersFileError";
}

/** The formats a parameters file may have, by extension. */
export const PARAMETERS_FILE_EXTENSIONS = [".json"] as const;

/** Reads a parameters file; the extension says its format. */
export function readParametersFile(file: string): StoredParameters {
  const extension = path.extname(file).toLowerCase();
  switch (extension) {
    case ".json":
      return readJsonParameters(file);
    default:
      throw new ParametersFileError(`${file}: cannot read parameters from a "${extension}" file (expected ${PARAMETERS_FILE_EXTENSIONS.join(", ")})`);
  }
}

/** `{ "parameters": { name: value, ... } }` or `{ "parameters": [x0, x1, ...] }`, as params.ts writes (or a user edits). */
function readJsonParameters(file: string): StoredParameters {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ParametersFileError(code === "ENOENT" ? `${file}: no such parameters file` : `${file}: ${(error as Error).message}`);
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    throw new ParametersFileError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parameters = (content as { parameters?: unknown } | null)?.parameters;
  if (Array.isArray(parameters)) {
    const bad = parameters.findIndex((x) => typeof x !== "number" || !Number.isFinite(x));
    if (bad >= 0) throw new ParametersFileError(`${file}: parameters[${bad}] is ${JSON.stringify(parameters[bad])}, not a finite number`);
    return { kind: "vector", file, values: Float64Array.from(parameters as number[]) };
  }
  if (typeof parameters === "object" && parameters !== null) return { kind: "named", file, values: parameters as Record<string, unknown> };
  throw new ParametersFileError(`${file}: expected "parameters": { name: value, ... } or [numbers], found ${parameters === undefined ? "no parameters" : typeof parameters}`);
}

/** What a stored point must fit: the objective as the evaluator describes it. */
export interface ParameterTarget {
  dimension: number;
  bounds: { readonly lower: Float64Array; readonly upper: Float64Array } | undefined;
  parameters: ParameterSpace | undefined;
}

/** The engine's starting point (normalised coordinates for named parameters) from stored parameters, or an error naming what differs. */
export function startingPoint(stored: StoredParameters, target: ParameterTarget): Float64Array {
  const { file } = stored;
  const space = target.parameters;
  if (space) {
    if (stored.kind === "vector") {
      throw new ParametersFileError(
        `${file} holds a plain vector of ${stored.values.length} values, but the objective declares named parameters (${Object.keys(space).join(", ")})`,
      );
    }
    const problems = valuesProblems(space, stored.values);
    if (problems.length > 0) throw new ParametersFileError(`${file} does not fit the objective's parameters: ${problems.join("; ")}`);
    return encodeParameters(space, stored.values);
  }
  if (stored.kind === "named") {
    throw new ParametersFileError(
      `${file} holds named parameters (${Object.keys(stored.values).join(", ")}), but the objective takes a plain vector of dimension ${target.dimension}`,
    );
  }
  const x = stored.values;
  if (x.length !== target.dimension) throw new ParametersFileError(`${file} holds ${x.length} values, but the objective has dimension ${target.dimension}`);
  const bounds = target.bounds;
  if (bounds) {
    for (let i = 0; i < x.length; i++) {
      if (x[i] < bounds.lower[i] || x[i] > bounds.upper[i]) {
        throw new ParametersFileError(`${file}: parameters[${i}] = ${x[i]} lies outside the objective's bounds [${bounds.lower[i]}, ${bounds.upper[i]}]`);
      }
    }
  }
  return x;
}
