/**
 * Tuned parameters saved as JSON, by default beside the objective as
 * `<objective>.params.json`:
 *
 *   { objective, name, optimizer, value, parameters, iteration,
 *     final: { value, parameters, iteration }, run, saved }
 *
 * `parameters` is the vector of a plain objective, or the values by name of an
 * objective that declares parameters; `vector` then holds the normalised
 * coordinates the engine kept (integers and choices before rounding).
 *
 * `value`/`parameters` are the best point evaluated; `final` is the last
 * iterate whose value the run logged (theta before its last update, so value
 * and parameters belong together). Paths are relative to the file's folder,
 * so a project can move. A file that belongs to another objective is never
 * replaced unless forced.
 *
 * Above LARGE_PARAMETERS numbers (a fine-tuned model's weights) the vectors
 * go to a binary `<objective>.params.safetensors` beside the JSON, as tensors
 * "best" and "final" in the run's precision (F64, or F32 for a float32 run);
 * the JSON then names that file in `tensors` and leaves `parameters` out.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Vector } from "../engine";
import { decodeParameters, type JsonParameterValues, type ParameterSpace, toJsonValues } from "../objective/parameters";
import { toJsonText, writeFileAtomic } from "./files";
import { readSafetensors, writeSafetensors } from "./safetensors";
import { RunStore } from "./store";

/** From this many numbers on, parameters are saved as safetensors rather than JSON arrays. */
export const LARGE_PARAMETERS = 100_000;

export interface SavedParameters {
  /** The objective file, relative to the params file's folder. */
  objective: string;
  /** The objective's name. */
  name: string;
  optimizer: string;
  /** Best value evaluated, and its point. */
  value: number;
  parameters: number[] | JsonParameterValues;
  /** Objectives with named parameters: the engine's normalised coordinates of `parameters`. */
  vector?: number[];
  iteration: number;
  final: { value: number; parameters: number[] | JsonParameterValues; vector?: number[]; iteration: number };
  /** The safetensors file holding "best" and "final", relative to this file's folder, for large parameters. */
  tensors?: string;
  /** The run folder, relative to the params file's folder. */
  run: string;
  saved: string;
}

/** The JSON file as written: without the vectors when `tensors` holds them. */
type ParamsFileContent = Omit<SavedParameters, "parameters" | "final"> & {
  parameters?: number[] | JsonParameterValues;
  final: { value: number; parameters?: number[] | JsonParameterValues; vector?: number[]; iteration: number };
};

export class ParamsConflictError extends Error {
  override readonly name = "ParamsConflictError";
}

export const PARAMS_SUFFIX = ".params.json";

/** `dir/sphere.ts` -> `dir/sphere.params.json`. */
export function defaultParamsPath(objectiveFile: string): string {
  const parsed = path.parse(path.resolve(objectiveFile));
  return path.join(parsed.dir, parsed.name + PARAMS_SUFFIX);
}

/** The parameters of a finished (or interrupted) run, from its last checkpoint. */
export interface RunParameters {
  objectiveFile: string;
  runDir: string;
  name: string;
  optimizer: string;
  value: number;
  /** In the run's precision. */
  parameters: Vector;
  iteration: number;
  final: { value: number; parameters: Vector; iteration: number };
  /** The objective's named parameters, when it declares them (`parameters` are then normalised coordinates). */
  space?: ParameterSpace;
}

export function parametersOfRun(runDir: string): RunParameters {
  const store = RunStore.open(runDir);
  const config = store.readConfig();
  const checkpoint = store.readCheckpoint();
  if (checkpoint.iteration === 0 || !checkpoint.lastMeasured) throw new Error(`run ${store.id} has no completed iteration to save`);
  const { best, lastMeasured } = checkpoint;
  const space = config.objective.parameters;
  return {
    objectiveFile: config.objective.file,
    runDir: store.dir,
    name: config.objective.name,
    optimizer: config.optimizer,
    value: best.value,
    parameters: best.parameters,
    iteration: best.iteration,
    final: { value: lastMeasured.value, parameters: lastMeasured.parameters, iteration: lastMeasured.iteration },
    ...(space ? { space } : {}),
  };
}

/** A point as the user declared it: the vector itself, or the named values beside their normalised coordinates. */
export function pointFields(point: ArrayLike<number>, space: ParameterSpace | undefined): { parameters: number[] | JsonParameterValues; vector?: number[] } {
  if (!space) return { parameters: Array.from(point) };
  return { parameters: namedParameters(point, space), vector: Array.from(point) };
}

/** The values by name of a normalised point. */
export function namedParameters(point: ArrayLike<number>, space: ParameterSpace): JsonParameterValues {
  return toJsonValues(space, decodeParameters(space, point));
}

/** A saved point as the engine's vector: `vector` for named parameters, else `parameters`. */
export function savedVector(point: { parameters: number[] | JsonParameterValues; vector?: number[] }): number[] {
  if (point.vector) return point.vector;
  if (Array.isArray(point.parameters)) return point.parameters;
  throw new Error("the saved parameters are by name and carry no vector");
}

/** `dir/x.params.json` -> `dir/x.params.safetensors`. */
export function tensorsPathFor(paramsFile: string): string {
  return paramsFile.replace(/\.json$/i, "") + ".safetensors";
}

/** Which objective an existing params file belongs to (absolute), or why that cannot be told. */
function ownerOf(file: string): { objective: string } | { problem: string } {
  let content: unknown;
  try {
    content = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return { problem: "it is not a zoar params file (not JSON)" };
  }
  const objective = (content as Partial<SavedParameters> | null)?.objective;
  if (typeof objective !== "string") return { problem: "it is not a zoar params file (no objective)" };
  return { objective: path.resolve(path.dirname(file), objective) };
}

/**
 * Writes the parameters of `runDir` to `file` (default: beside the objective).
 * Throws ParamsConflictError when `file` exists and belongs to another
 * objective, or is not a params file, unless `force`.
 */
export function saveRunParameters(runDir: string, file?: string, options: { force?: boolean } = {}): string {
  const { objectiveFile, runDir: dir, ...rest } = parametersOfRun(runDir);
  const target = path.resolve(file ?? defaultParamsPath(objectiveFile));
  checkParamsTarget(target, objectiveFile, options);
  const folder = path.dirname(target);
  const large = rest.parameters.length > LARGE_PARAMETERS;
  const tensorsFile = tensorsPathFor(target);
  const saved: ParamsFileContent = {
    objective: path.relative(folder, objectiveFile),
    name: rest.name,
    optimizer: rest.optimizer,
    value: rest.value,
    ...(large ? {} : pointFields(rest.parameters, rest.space)),
    iteration: rest.iteration,
    final: { value: rest.final.value, ...(large ? {} : pointFields(rest.final.parameters, rest.space)), iteration: rest.final.iteration },
    ...(large ? { tensors: path.relative(folder, tensorsFile) } : {}),
    run: path.relative(folder, dir),
    saved: new Date().toISOString(),
  };
  fs.mkdirSync(folder, { recursive: true });
  if (large) {
    const metadata = { format: "zoar-params/1", objective: saved.objective, optimizer: saved.optimizer, iteration: String(saved.iteration) };
    writeSafetensors(tensorsFile, {
      best: { data: rest.parameters, shape: [rest.parameters.length] },
      final: { data: rest.final.parameters, shape: [rest.final.parameters.length] },
    }, metadata);
  }
  writeFileAtomic(target, toJsonText(saved));
  return target;
}

/** Throws unless `target` is free, or already holds parameters of `objectiveFile`, or `force` is set. */
export function checkParamsTarget(target: string, objectiveFile: string, options: { force?: boolean } = {}): void {
  if (options.force || !fs.existsSync(target)) return;
  const owner = ownerOf(target);
  const objective = path.resolve(objectiveFile);
  if ("objective" in owner && owner.objective === objective) return;
  const why = "objective" in owner ? `it holds parameters of ${owner.objective}` : owner.problem;
  throw new ParamsConflictError(`${target} was not overwritten: ${why}, not of ${objective} (force to replace it)`);
}

/** A params file; large parameters are read back from its safetensors file into `parameters` and `final.parameters`. */
export function readSavedParameters(file: string): SavedParameters {
  const saved = JSON.parse(fs.readFileSync(file, "utf8")) as ParamsFileContent;
  if (saved.tensors !== undefined) {
    const { tensors } = readSafetensors(path.resolve(path.dirname(file), saved.tensors));
    const vectors = ["best", "final"].map((name) => {
      const data = tensors[name]?.data;
      if (!(data instanceof Float64Array || data instanceof Float32Array)) throw new Error(`${saved.tensors}: no float64 or float32 tensor "${name}"`);
      return data;
    });
    saved.parameters = Array.from(vectors[0]);
    saved.final.parameters = Array.from(vectors[1]);
  }
  return saved as SavedParameters;
}
