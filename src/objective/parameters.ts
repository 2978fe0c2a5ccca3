/**
 * Parameter spaces: an objective may declare named parameters of different
 * kinds and scales instead of one flat vector,
 *
 *   parameters: { lr: logUniform(1e-5, 1e-1), layers: integer(1, 8), solver: choice(["cg", "gmres"]) }
 *
 * while the engine keeps optimizing one continuous vector. Each parameter owns
 * a run of normalised coordinates, every one of them in [0, 1]:
 *
 * - uniform(lo, hi): one coordinate, (v - lo) / (hi - lo);
 * - logUniform(lo, hi): one coordinate, the same in log space;
 * - integer(lo, hi): one coordinate over hi - lo + 1 equal cells, one per
 *   integer; the value is the cell the coordinate falls in, the continuous
 *   coordinate is kept by the engine;
 * - choice(options): one coordinate per option, the value is the option of
 *   the largest coordinate (the first on ties);
 * - vector(n, { lower, upper }): n coordinates, each scaled like uniform.
 *
 * Queries theta + mu u may leave [0, 1]; decoding clamps every coordinate into
 * [0, 1] first, so the objective never sees a value outside its declared range.
 *
 * Plain data throughout (a space is JSON), no node: imports: this file is
 * bundled into every objective and read by the run store, CLI and extension.
 */

export type ChoiceValue = string | number | boolean;

export interface UniformParameter {
  readonly kind: "uniform";
  readonly lower: number;
  readonly upper: number;
  readonly initial?: number;
}

export interface LogUniformParameter {
  readonly kind: "logUniform";
  readonly lower: number;
  readonly upper: number;
  readonly initial?: number;
}

export interface IntegerParameter {
  readonly kind: "integer";
  readonly lower: number;
  readonly upper: number;
  readonly initial?: number;
}

export interface ChoiceParameter<T extends ChoiceValue = ChoiceValue> {
  readonly kind: "choice";
  readonly options: readonly T[];
  readonly initial?: T;
}

export interface VectorParameter {
  readonly kind: "vector";
  readonly length: number;
  /** A number applies to every coordinate. */
  readonly lower: number | readonly number[];
  readonly upper: number | readonly number[];
  readonly initial?: number | readonly number[];
}

export type Parameter = UniformParameter | LogUniformParameter | IntegerParameter | ChoiceParameter | VectorParameter;
export type ParameterKind = Parameter["kind"];

/** Named parameters, in declaration order. */
export type ParameterSpace = Readonly<Record<string, Parameter>>;

/** The value `evaluate` receives for one parameter. */
export type ParameterValue<P> =
  P extends ChoiceParameter<infer T> ? T : P extends VectorParameter ? Float64Array : P extends Parameter ? number : never;

/** The object `evaluate` receives: one typed value per declared name. */
export type ParameterValues<S extends ParameterSpace> = { -readonly [K in keyof S]: ParameterValue<S[K]> };

/** A value as JSON holds it: vectors as arrays. */
export type JsonParameterValue = ChoiceValue | number[];
export type JsonParameterValues = Record<string, JsonParameterValue>;

/** How far above the other options a choice's initial option starts, in normalised units (see initialCoordinates). */
export const CHOICE_LEAD = 0.05;

interface ScalarOptions {
  /** Where the run starts; default: the middle of the range (the geometric middle on a log scale). */
  initial?: number;
}

const SCALAR_OPTION_KEYS = ["initial"];
const VECTOR_OPTION_KEYS = ["lower", "upper", "initial"];

/** A real number in [lower, upper]. */
export function uniform(lower: number, upper: number, options: ScalarOptions = {}): UniformParameter {
  return withOptions({ kind: "uniform", lower, upper }, options);
}

/** A positive real number in [lower, upper], searched on a log scale (learning rates, regularisation strengths). */
export function logUniform(lower: number, upper: number, options: ScalarOptions = {}): LogUniformParameter {
  return withOptions({ kind: "logUniform", lower, upper }, options);
}

/** An integer in [lower, upper], both included. */
export function integer(lower: number, upper: number, options: ScalarOptions = {}): IntegerParameter {
  return withOptions({ kind: "integer", lower, upper }, options);
}

/** One of `options`; `evaluate` receives the option itself, typed as the union of the literals. */
export function choice<const T extends ChoiceValue>(options: readonly T[], settings: { initial?: NoInfer<T> } = {}): ChoiceParameter<T> {
  const copied = Array.isArray(options) ? [...options] : options;
  return withOptions({ kind: "choice", options: copied }, settings);
}

/** `length` real numbers, each in [lower, upper] (numbers, or one per coordinate); `evaluate` receives a Float64Array. */
export function vector(
  length: number,
  settings: { lower: number | ArrayLike<number>; upper: number | ArrayLike<number>; initial?: number | ArrayLike<number> },
): VectorParameter {
  const plain = (side: unknown) => (typeof side === "object" && side !== null && "length" in side ? Array.from(side as ArrayLike<number>) : side);
  const { lower, upper, initial, ...rest } = (settings ?? {}) as Record<string, unknown>;
  const parameter: Record<string, unknown> = { kind: "vector", length, lower: plain(lower), upper: plain(upper), ...rest };
  if (initial !== undefined) parameter.initial = plain(initial);
  return parameter as unknown as VectorParameter;
}

/** Copies the options in, unknown keys included, so the definition check can name them. */
function withOptions<P extends Parameter>(parameter: P, options: object): P {
  const copy: Record<string, unknown> = { ...parameter };
  for (const [key, value] of Object.entries(options ?? {})) if (value !== undefined) copy[key] = value;
  return copy as unknown as P;
}

// ---------------------------------------------------------------------------
// Checks

/** Problems with a declared space, each naming its parameter: `parameters.lr: ...`. */
export function spaceProblems(space: unknown): string[] {
  if (typeof space !== "object" || space === null || Array.isArray(space)) {
    return ["parameters must be an object of named parameters, e.g. { lr: logUniform(1e-5, 1e-1) }"];
  }
  const entries = Object.entries(space);
  if (entries.length === 0) return ["parameters declares no parameter"];
  return entries.flatMap(([name, parameter]) => parameterProblems(parameter).map((problem) => `parameters.${name}: ${problem}`));
}

const KINDS: readonly ParameterKind[] = ["uniform", "logUniform", "integer", "choice", "vector"];

function parameterProblems(parameter: unknown): string[] {
  const p = parameter as Record<string, unknown> | null;
  if (typeof p !== "object" || p === null || !KINDS.includes(p.kind as ParameterKind)) {
    return [`expected uniform(), logUniform(), integer(), choice() or vector(), got ${describe(parameter)}`];
  }
  const kind = p.kind as ParameterKind;
  const known = kind === "vector" ? [...VECTOR_OPTION_KEYS, "length"] : kind === "choice" ? ["options", "initial"] : ["lower", "upper", ...SCALAR_OPTION_KEYS];
  const unknown = Object.keys(p).filter((key) => key !== "kind" && !known.includes(key));
  if (unknown.length > 0) {
    const allowed = kind === "vector" ? VECTOR_OPTION_KEYS : SCALAR_OPTION_KEYS;
    return [`unknown option ${unknown.map((key) => JSON.stringify(key)).join(", ")} (${kind} takes ${allowed.join(", ")})`];
  }
  switch (kind) {
    case "uniform":
    case "logUniform":
    case "integer":
      return scalarProblems(kind, p);
    case "choice":
      return choiceProblems(p);
    case "vector":
      return vectorParameterProblems(p);
  }
}

function scalarProblems(kind: "uniform" | "logUniform" | "integer", p: Record<string, unknown>): string[] {
  const { lower, upper, initial } = p;
  if (!isFiniteNumber(lower) || !isFiniteNumber(upper)) {
    return [`lower and upper must be finite numbers, got ${describe(lower)} and ${describe(upper)}`];
  }
  if (lower >= upper) return [`lower (${lower}) must be below upper (${upper})`];
  if (kind === "logUniform" && lower <= 0) return [`a log scale needs 0 < lower, got lower ${lower} (log of ${lower} is undefined)`];
  if (kind === "integer" && (!Number.isInteger(lower) || !Number.isInteger(upper))) {
    return [`integer bounds must be integers, got ${lower} and ${upper}`];
  }
  if (initial === undefined) return [];
  return scalarValueProblems(p as unknown as UniformParameter | LogUniformParameter | IntegerParameter, initial, "initial");
}

function choiceProblems(p: Record<string, unknown>): string[] {
  const options = p.options;
  if (!Array.isArray(options)) return [`choice takes an array of options, got ${describe(options)}`];
  if (options.length === 0) return ["a choice needs at least one option, got []"];
  const wrong = options.find((option) => !["string", "number", "boolean"].includes(typeof option));
  if (wrong !== undefined) return [`options must be strings, numbers or booleans, got ${describe(wrong)}`];
  const duplicate = options.find((option, i) => options.indexOf(option) !== i);
  if (duplicate !== undefined) return [`option ${JSON.stringify(duplicate)} is listed twice`];
  if (p.initial !== undefined && !options.includes(p.initial)) return [`initial ${JSON.stringify(p.initial)} is not one of the options`];
  return [];
}

function vectorParameterProblems(p: Record<string, unknown>): string[] {
  const length = p.length;
  if (typeof length !== "number" || !Number.isInteger(length) || length <= 0) return [`the length must be a positive integer, got ${describe(length)}`];
  const side = (label: string, value: unknown): string[] => {
    if (isFiniteNumber(value)) return [];
    if (!Array.isArray(value)) return [`${label} must be a finite number or ${length} of them, got ${describe(value)}`];
    if (value.length !== length) return [`${label} has ${value.length} values, expected ${length}`];
    const i = value.findIndex((entry) => !isFiniteNumber(entry));
    return i < 0 ? [] : [`${label}[${i}] must be a finite number, got ${describe(value[i])}`];
  };
  const problems = [...side("lower", p.lower), ...side("upper", p.upper)];
  if (problems.length > 0) return problems;
  const vectorParameter = p as unknown as VectorParameter;
  for (let i = 0; i < length; i++) {
    const lo = at(vectorParameter.lower, i);
    const hi = at(vectorParameter.upper, i);
    if (lo >= hi) return [`lower[${i}] (${lo}) must be below upper[${i}] (${hi})`];
  }
  if (p.initial === undefined) return [];
  const initialShape = side("initial", p.initial);
  return initialShape.length > 0 ? initialShape : vectorValueProblems(vectorParameter, p.initial as number | number[], "initial");
}

function scalarValueProblems(p: UniformParameter | LogUniformParameter | IntegerParameter, value: unknown, label: string): string[] {
  if (!isFiniteNumber(value)) return [`${label} must be a finite number, got ${describe(value)}`];
  if (p.kind === "integer" && !Number.isInteger(value)) return [`${label} ${value} is not an integer`];
  if (value < p.lower || value > p.upper) return [`${label} ${value} lies outside [${p.lower}, ${p.upper}]`];
  return [];
}

function vectorValueProblems(p: VectorParameter, value: number | ArrayLike<number>, label: string): string[] {
  if (typeof value !== "number" && value.length !== p.length) return [`${label} has ${value.length} values, expected ${p.length}`];
  for (let i = 0; i < p.length; i++) {
    const x = at(value, i);
    if (!isFiniteNumber(x)) return [`${label}[${i}] must be a finite number, got ${describe(x)}`];
    const lo = at(p.lower, i);
    const hi = at(p.upper, i);
    if (x < lo || x > hi) return [`${label}[${i}] = ${x} lies outside [${lo}, ${hi}]`];
  }
  return [];
}

/**
 * Why `values` (e.g. read from a saved params file) do not fit `space`: names
 * missing or unknown, wrong types, lengths or values outside the bounds.
 * Each problem names its parameter; empty when they fit.
 */
export function valuesProblems(space: ParameterSpace, values: unknown): string[] {
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    return [`expected named parameters (${Object.keys(space).join(", ")}), got ${describe(values)}`];
  }
  const given = values as Record<string, unknown>;
  const problems: string[] = [];
  const missing = Object.keys(space).filter((name) => !(name in given));
  const unknown = Object.keys(given).filter((name) => !(name in space));
  if (missing.length > 0) problems.push(`missing ${missing.join(", ")}`);
  if (unknown.length > 0) problems.push(`${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not a parameter of this objective`);
  for (const [name, p] of Object.entries(space)) {
    if (!(name in given)) continue;
    const value = given[name];
    let found: string[];
    if (p.kind === "choice") {
      found = p.options.includes(value as ChoiceValue) ? [] : [`${describe(value)} is not one of ${p.options.map((o) => JSON.stringify(o)).join(", ")}`];
    } else if (p.kind === "vector") {
      const arrayLike = typeof value === "object" && value !== null && typeof (value as { length?: unknown }).length === "number";
      found = arrayLike ? vectorValueProblems(p, value as ArrayLike<number>, "value") : [`expected ${p.length} numbers, got ${describe(value)}`];
    } else {
      found = scalarValueProblems(p, value, "value");
    }
    problems.push(...found.map((problem) => `${name}: ${problem}`));
  }
  return problems;
}

// ---------------------------------------------------------------------------
// The mapping

/** A parameter's run of coordinates in the normalised vector. */
export interface ParameterSlot {
  name: string;
  parameter: Parameter;
  offset: number;
  width: number;
}

// Decoding runs once per query: the layout of a space is worked out once (spaces are not changed after declaration).
const layouts = new WeakMap<ParameterSpace, { slots: ParameterSlot[]; dimension: number }>();

/** Where each parameter sits in the normalised vector, in declaration order. */
export function spaceLayout(space: ParameterSpace): { slots: ParameterSlot[]; dimension: number } {
  let layout = layouts.get(space);
  if (!layout) {
    layout = computeLayout(space);
    layouts.set(space, layout);
  }
  return layout;
}

function computeLayout(space: ParameterSpace): { slots: ParameterSlot[]; dimension: number } {
  const slots: ParameterSlot[] = [];
  let offset = 0;
  for (const [name, parameter] of Object.entries(space)) {
    const width = parameter.kind === "choice" ? parameter.options.length : parameter.kind === "vector" ? parameter.length : 1;
    slots.push({ name, parameter, offset, width });
    offset += width;
  }
  return { slots, dimension: offset };
}

export function spaceDimension(space: ParameterSpace): number {
  return spaceLayout(space).dimension;
}

/** Typed values from normalised coordinates; coordinates outside [0, 1] count as the nearest bound. */
export function decodeParameters<S extends ParameterSpace>(space: S, x: ArrayLike<number>): ParameterValues<S> {
  const values: Record<string, unknown> = {};
  for (const { name, parameter: p, offset, width } of spaceLayout(space).slots) {
    switch (p.kind) {
      case "uniform":
        values[name] = clamp(p.lower + unit(x[offset]) * (p.upper - p.lower), p.lower, p.upper);
        break;
      case "logUniform": {
        const logLower = Math.log(p.lower);
        values[name] = clamp(Math.exp(logLower + unit(x[offset]) * (Math.log(p.upper) - logLower)), p.lower, p.upper);
        break;
      }
      case "integer":
        values[name] = Math.min(p.upper, p.lower + Math.floor(unit(x[offset]) * (p.upper - p.lower + 1)));
        break;
      case "choice": {
        let best = 0;
        for (let i = 1; i < width; i++) if (unit(x[offset + i]) > unit(x[offset + best])) best = i;
        values[name] = p.options[best];
        break;
      }
      case "vector": {
        const out = new Float64Array(width);
        for (let i = 0; i < width; i++) {
          const lo = at(p.lower, i);
          const hi = at(p.upper, i);
          out[i] = clamp(lo + unit(x[offset + i]) * (hi - lo), lo, hi);
        }
        values[name] = out;
        break;
      }
    }
  }
  return values as ParameterValues<S>;
}

/**
 * Normalised coordinates of values that fit the space (check with
 * valuesProblems first). An integer lands in the middle of its cell; a chosen
 * option starts CHOICE_LEAD above the others, which sit at 0.5, so that the
 * first perturbations of the radius mu can still flip the choice.
 */
export function encodeParameters(space: ParameterSpace, values: Readonly<Record<string, unknown>>): Float64Array {
  const { slots, dimension } = spaceLayout(space);
  const x = new Float64Array(dimension);
  for (const { name, parameter: p, offset, width } of slots) {
    const value = values[name];
    switch (p.kind) {
      case "uniform":
        x[offset] = ((value as number) - p.lower) / (p.upper - p.lower);
        break;
      case "logUniform":
        x[offset] = (Math.log(value as number) - Math.log(p.lower)) / (Math.log(p.upper) - Math.log(p.lower));
        break;
      case "integer":
        x[offset] = ((value as number) - p.lower + 0.5) / (p.upper - p.lower + 1);
        break;
      case "choice":
        for (let i = 0; i < width; i++) x[offset + i] = p.options[i] === value ? 0.5 + CHOICE_LEAD : 0.5;
        break;
      case "vector":
        for (let i = 0; i < width; i++) {
          const lo = at(p.lower, i);
          x[offset + i] = (at(value as ArrayLike<number> | number, i) - lo) / (at(p.upper, i) - lo);
        }
        break;
    }
  }
  for (let i = 0; i < dimension; i++) x[i] = unit(x[i]);
  return x;
}

/** Each parameter's declared initial value, else the middle of its range (a choice: its first option). */
export function initialValues<S extends ParameterSpace>(space: S): ParameterValues<S> {
  const values: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(space)) {
    switch (p.kind) {
      case "uniform":
        values[name] = p.initial ?? (p.lower + p.upper) / 2;
        break;
      case "logUniform":
        values[name] = p.initial ?? Math.sqrt(p.lower * p.upper);
        break;
      case "integer":
        values[name] = p.initial ?? Math.floor((p.lower + p.upper) / 2);
        break;
      case "choice":
        values[name] = p.initial ?? p.options[0];
        break;
      case "vector":
        values[name] = Float64Array.from({ length: p.length }, (_, i) =>
          p.initial === undefined ? (at(p.lower, i) + at(p.upper, i)) / 2 : at(p.initial, i),
        );
        break;
    }
  }
  return values as ParameterValues<S>;
}

/** Values as JSON holds them (vectors as arrays), in declaration order. */
export function toJsonValues(space: ParameterSpace, values: Readonly<Record<string, unknown>>): JsonParameterValues {
  const json: JsonParameterValues = {};
  for (const [name, p] of Object.entries(space)) {
    const value = values[name];
    json[name] = p.kind === "vector" ? Array.from(value as ArrayLike<number>) : (value as ChoiceValue);
  }
  return json;
}

/** Typed values from their JSON form (vectors become Float64Arrays). */
export function fromJsonValues<S extends ParameterSpace>(space: S, json: Readonly<Record<string, unknown>>): ParameterValues<S> {
  const values: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(space)) values[name] = p.kind === "vector" ? Float64Array.from(json[name] as ArrayLike<number>) : json[name];
  return values as ParameterValues<S>;
}

/** `logUniform(0.00001, 0.1)`, `choice("cg", "gmres")`, `vector(64) in [-1, 1]`: a declaration in a few words. */
export function describeParameter(p: Parameter): string {
  switch (p.kind) {
    case "uniform":
    case "logUniform":
    case "integer":
      return `${p.kind}(${p.lower}, ${p.upper})`;
    case "choice":
      return `choice(${p.options.map((option) => JSON.stringify(option)).join(", ")})`;
    case "vector":
      if (typeof p.lower === "number" && typeof p.upper === "number") return `vector(${p.length}) in [${p.lower}, ${p.upper}]`;
      return `vector(${p.length}), bounds per coordinate`;
  }
}

function unit(u: number): number {
  return u < 0 ? 0 : u > 1 ? 1 : u;
}

function clamp(value: number, lo: number, hi: number): number {
  return value < lo ? lo : value > hi ? hi : value;
}

function at(side: number | ArrayLike<number>, i: number): number {
  return typeof side === "number" ? side : side[i];
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === undefined) return String(value);
  return typeof value;
}
