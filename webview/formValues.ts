// Turning the form's text into the values a start or compare message carries,
// with a message per field that is not acceptable. Pure: no DOM.
import {
  type HyperparameterField,
  type HyperparameterKey,
  type HyperparameterOverrides,
  type HyperparameterValue,
  type OptimizerSchema,
  type StopSettings,
  MAX_SWEEP_RUNS,
  MAX_SWEEP_SEEDS,
  MAX_SWEPT_VALUES,
  SEED_LIMIT,
  checkHyperparameter,
  checkStopSetting,
} from "../src/protocol";
import type { FormState } from "./store";

const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The number a text field holds, or NaN when it is not one (Number("") would be 0, Number("0x1") 1). */
export function parseNumber(text: string): number {
  const trimmed = text.trim();
  return NUMBER_PATTERN.test(trimmed) ? Number(trimmed) : NaN;
}

/** The text a field shows for a value. */
export function fieldText(value: HyperparameterValue): string {
  return typeof value === "string" ? value : String(value);
}

/** The text of each field of an optimizer: what the user typed, else the default. */
export function fieldTexts(schema: OptimizerSchema, form: FormState): Record<string, string> {
  const edits = form.edits[schema.name] ?? {};
  return Object.fromEntries(schema.fields.map((field) => [field.key, edits[field.key] ?? fieldText(field.default)]));
}

function fieldValue(field: HyperparameterField, text: string): HyperparameterValue {
  if (field.kind === "boolean") return text === "true";
  if (field.kind === "choice") return text;
  return parseNumber(text);
}

export type FieldErrors = Record<string, string>;

export interface RunValues {
  optimizer: string;
  overrides: HyperparameterOverrides;
  seed: number;
  stop: StopSettings;
}

export function checkSeed(text: string): string | null {
  const seed = parseNumber(text);
  return Number.isInteger(seed) && seed >= 0 && seed < SEED_LIMIT ? null : "must be an integer in [0, 2^32)";
}

/** Seed and stop conditions, or the message of each bad field (keys "seed", "iterations", "evaluations", "target"). */
export function readRunSettings(form: FormState): { seed: number; stop: StopSettings } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const seedProblem = checkSeed(form.seed);
  if (seedProblem) errors.seed = seedProblem;
  const stop: StopSettings = {};
  for (const key of ["iterations", "evaluations", "target"] as const) {
    const text = form[key].trim();
    if (text === "") continue;
    const value = parseNumber(text);
    const problem = checkStopSetting(key, value);
    if (problem) errors[key] = problem;
    else stop[key] = value;
  }
  if (Object.keys(errors).length > 0) return { errors };
  return { seed: parseNumber(form.seed), stop };
}

/** The hyperparameters that differ from the form's defaults (the preset's, or the objective's recommendation), or the message of each bad field. */
export function readOverrides(schema: OptimizerSchema, form: FormState): { overrides: RunValues["overrides"] } | { errors: FieldErrors } {
  const texts = fieldTexts(schema, form);
  const errors: FieldErrors = {};
  // Values that pass checkHyperparameter have their configuration field's type.
  const overrides: Record<string, HyperparameterValue> = {};
  for (const field of schema.fields) {
    const value = fieldValue(field, texts[field.key]);
    const problem = checkHyperparameter(field.key, value);
    if (problem) errors[field.key] = problem;
    else if (value !== field.default) overrides[field.key] = value;
  }
  return Object.keys(errors).length > 0 ? { errors } : { overrides: overrides as HyperparameterOverrides };
}

/** Why one field's text is not acceptable, or null (for messages while typing). */
export function checkFieldText(field: HyperparameterField, text: string): string | null {
  return checkHyperparameter(field.key, fieldValue(field, text));
}

/** Everything a start message needs, or the message of each bad field. */
export function readStart(schema: OptimizerSchema, form: FormState): RunValues | { errors: FieldErrors } {
  const settings = readRunSettings(form);
  const hyperparameters = readOverrides(schema, form);
  const errors = { ...("errors" in hyperparameters ? hyperparameters.errors : {}), ...("errors" in settings ? settings.errors : {}) };
  if ("errors" in settings || "errors" in hyperparameters) return { errors };
  return { optimizer: schema.name, overrides: hyperparameters.overrides, seed: settings.seed, stop: settings.stop };
}

export interface SweepValues {
  key: HyperparameterKey;
  values: number[];
  seeds: number;
}

/** The swept hyperparameter, its values and the runs per value, or the message of each bad field (keys "sweep-values", "sweep-seeds"). */
export function readSweep(schema: OptimizerSchema, form: FormState): SweepValues | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const field = schema.fields.find((f) => f.key === form.sweepKey && (f.kind === "number" || f.kind === "integer"));
  if (!field) return { errors: { "sweep-key": `${schema.name} has no numeric hyperparameter ${form.sweepKey}` } };
  const parts = form.sweepValues.split(",").map((part) => part.trim()).filter((part) => part !== "");
  const values = parts.map(parseNumber);
  const bad = values.map((value, i) => [parts[i], checkHyperparameter(field.key, value)] as const).find(([, problem]) => problem !== null);
  if (parts.length < 2) errors["sweep-values"] = "list two or more values, separated by commas";
  else if (bad) errors["sweep-values"] = `${bad[0]}: ${bad[1]}`;
  else if (new Set(values).size !== values.length) errors["sweep-values"] = "a value is listed twice";
  else if (values.length > MAX_SWEPT_VALUES) errors["sweep-values"] = `at most ${MAX_SWEPT_VALUES} values`;
  const seeds = parseNumber(form.sweepSeeds);
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > MAX_SWEEP_SEEDS) errors["sweep-seeds"] = `must be an integer in [1, ${MAX_SWEEP_SEEDS}]`;
  else if (values.length * seeds > MAX_SWEEP_RUNS) errors["sweep-seeds"] = `values x seeds must be at most ${MAX_SWEEP_RUNS} runs`;
  return Object.keys(errors).length > 0 ? { errors } : { key: field.key, values, seeds };
}
