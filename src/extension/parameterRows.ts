// The best point of an objective with named parameters, as the dashboard
// shows it: one row per parameter (value, range, where the value sits in it;
// a histogram for vectors), and which coordinates the inspector's vectors
// give to which parameter.
import { decodeParameters, describeParameter, encodeParameters, type ParameterSpace, spaceLayout } from "../objective/parameters";
import type { NamedParameterRow } from "../protocol";
import { histogramOf } from "./decimate";

export function namedParameterRows(space: ParameterSpace, point: ArrayLike<number>, bins: number): NamedParameterRow[] {
  const values = decodeParameters(space, point) as Record<string, unknown>;
  return spaceLayout(space).slots.map(({ name, parameter }) => {
    const declaration = describeParameter(parameter);
    const value = values[name];
    switch (parameter.kind) {
      case "vector": {
        const vectorValues = value as Float64Array;
        return { name, kind: parameter.kind, declaration, value: null, length: vectorValues.length, histogram: histogramOf(vectorValues, bins) };
      }
      case "choice":
        return { name, kind: parameter.kind, declaration, value: value as string | number | boolean };
      default: {
        // The position in the range as the optimizer sees it: the value's own normalised coordinate.
        const position = encodeParameters({ [name]: parameter }, { [name]: value })[0];
        return { name, kind: parameter.kind, declaration, value: value as number, lower: parameter.lower, upper: parameter.upper, position };
      }
    }
  });
}

/** `0 learningRate (log scale), 1 temperature, 2 layers (integer), 3-5 solver (one per option), 6-21 weights`. */
export function coordinateMap(space: ParameterSpace): string {
  const notes = { uniform: "", logUniform: " (log scale)", integer: " (integer)", choice: " (one per option)", vector: "" } as const;
  const parts = spaceLayout(space).slots.map(({ name, parameter, offset, width }) => {
    const range = width === 1 ? String(offset) : `${offset}-${offset + width - 1}`;
    return `${range} ${name}${notes[parameter.kind]}`;
  });
  return `Coordinates, each normalised to [0, 1]: ${parts.join(", ")}.`;
}
