// The file a run starts from (--initial, the dashboard's "start from saved
// parameters"): a params JSON (by name or a vector), the JSON zoar writes for
// large parameters (its vectors in a .safetensors beside it), or a
// .safetensors file itself (its "best" tensor, or its only one).
import * as fs from "node:fs";
import * as path from "node:path";
import { ParametersFileError, readParametersFile, type StoredParameters } from "../objective/saved-parameters";
import { readSafetensors } from "./safetensors";

export const INITIAL_FILE_EXTENSIONS = [".json", ".safetensors"] as const;

export function readInitialParameters(file: string): StoredParameters {
  if (path.extname(file).toLowerCase() === ".safetensors") return { kind: "vector", file, values: vectorOf(file, "best") };
  const tensors = tensorsNamedBy(file);
  if (tensors === undefined) return readParametersFile(file);
  return { kind: "vector", file, values: vectorOf(path.resolve(path.dirname(file), tensors), "best") };
}

/** The `tensors` entry of a params JSON, if it has one (large parameters). */
function tensorsNamedBy(file: string): string | undefined {
  try {
    const tensors = (JSON.parse(fs.readFileSync(file, "utf8")) as { tensors?: unknown } | null)?.tensors;
    return typeof tensors === "string" ? tensors : undefined;
  } catch {
    return undefined; // readParametersFile says what is wrong with it
  }
}

function vectorOf(file: string, preferred: string): Float64Array {
  let tensors;
  try {
    tensors = readSafetensors(file).tensors;
  } catch (error) {
    throw new ParametersFileError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const names = Object.keys(tensors);
  const name = names.includes(preferred) ? preferred : names.length === 1 ? names[0] : undefined;
  if (name === undefined) throw new ParametersFileError(`${file}: no tensor "${preferred}" among ${names.length} (${names.slice(0, 5).join(", ")}); save it with one tensor or name it "${preferred}"`);
  const data = tensors[name].data;
  if (!(data instanceof Float64Array || data instanceof Float32Array)) throw new ParametersFileError(`${file}: tensor "${name}" is not float32 or float64`);
  return Float64Array.from(data);
}
