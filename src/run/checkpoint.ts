/**
 * Exact JSON for engine snapshots and other plain data holding typed arrays.
 *
 * JSON alone loses -0, NaN and the infinities, and would spell typed arrays as
 * long lists of decimals. Here a typed array becomes its bytes in base64
 * ({"$f64": "..."}), and a number JSON cannot hold exactly becomes
 * {"$num": "-0" | "NaN" | "Infinity" | "-Infinity"}, so decode(encode(x))
 * reproduces every bit. Finite numbers stay JSON numbers: JavaScript prints
 * the shortest decimal that reads back to the same double. Object keys that
 * start with "$" are escaped with a second "$" so they never read as tags.
 * Bytes are in the machine's order (little-endian on every platform Node runs
 * on), so checkpoints move between machines of the same order.
 */
import type { EngineSnapshot } from "../engine";

const TYPED_ARRAY_TAGS = {
  $f64: Float64Array,
  $f32: Float32Array,
  $u32: Uint32Array,
  $i32: Int32Array,
  $u8: Uint8Array,
} as const;

type TypedArrayTag = keyof typeof TYPED_ARRAY_TAGS;
type SupportedTypedArray = InstanceType<(typeof TYPED_ARRAY_TAGS)[TypedArrayTag]>;

const NUMBER_TAG = "$num";
const SPECIAL_NUMBERS: Record<string, number> = { "-0": -0, NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

export class CheckpointFormatError extends Error {
  override readonly name = "CheckpointFormatError";
}

function tagOf(value: ArrayBufferView): TypedArrayTag | undefined {
  for (const [tag, constructor] of Object.entries(TYPED_ARRAY_TAGS)) {
    if (value.constructor === constructor) return tag as TypedArrayTag;
  }
  return undefined;
}

function specialNumberName(value: number): string | undefined {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  if (Object.is(value, -0)) return "-0";
  return undefined;
}

/** Plain JSON data that `decodeExact` turns back into `value`, bit for bit. */
export function encodeExact(value: unknown): unknown {
  if (typeof value === "number") {
    const special = specialNumberName(value);
    return special === undefined ? value : { [NUMBER_TAG]: special };
  }
  if (value === null || typeof value !== "object") {
    if (value === undefined || typeof value === "function" || typeof value === "symbol" || typeof value === "bigint") {
      throw new CheckpointFormatError(`cannot encode a ${typeof value}`);
    }
    return value;
  }
  if (ArrayBuffer.isView(value)) {
    const tag = tagOf(value);
    if (tag === undefined) throw new CheckpointFormatError(`cannot encode a ${value.constructor.name}`);
    return { [tag]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  }
  if (Array.isArray(value)) return value.map((item) => encodeExact(item));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue; // as JSON.stringify does
    out[key.startsWith("$") ? `$${key}` : key] = encodeExact(item);
  }
  return out;
}

/** The inverse of `encodeExact`. */
export function decodeExact(data: unknown): unknown {
  if (data === null || typeof data !== "object") return data;
  if (Array.isArray(data)) return data.map((item) => decodeExact(item));
  const entries = Object.entries(data);
  if (entries.length === 1) {
    const [key, payload] = entries[0];
    if (key === NUMBER_TAG) return decodeSpecialNumber(payload);
    if (key in TYPED_ARRAY_TAGS) return decodeTypedArray(key as TypedArrayTag, payload);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    if (key.startsWith("$") && !key.startsWith("$$")) throw new CheckpointFormatError(`unknown tag ${JSON.stringify(key)}`);
    out[key.startsWith("$$") ? key.slice(1) : key] = decodeExact(item);
  }
  return out;
}

function decodeSpecialNumber(payload: unknown): number {
  if (typeof payload !== "string" || !(payload in SPECIAL_NUMBERS)) {
    throw new CheckpointFormatError(`${NUMBER_TAG} holds ${JSON.stringify(payload)}, not one of ${Object.keys(SPECIAL_NUMBERS).join(", ")}`);
  }
  return SPECIAL_NUMBERS[payload];
}

function decodeTypedArray(tag: TypedArrayTag, payload: unknown): SupportedTypedArray {
  if (typeof payload !== "string") throw new CheckpointFormatError(`${tag} must hold a base64 string`);
  const bytes = Buffer.from(payload, "base64");
  const constructor = TYPED_ARRAY_TAGS[tag];
  if (bytes.byteLength % constructor.BYTES_PER_ELEMENT !== 0) {
    throw new CheckpointFormatError(`${tag} holds ${bytes.byteLength} bytes, not a multiple of ${constructor.BYTES_PER_ELEMENT}`);
  }
  // A fresh, aligned buffer: Buffer.from may return a slice of a shared pool at any offset.
  const array = new constructor(bytes.byteLength / constructor.BYTES_PER_ELEMENT);
  new Uint8Array(array.buffer).set(bytes);
  return array;
}

export function stringifyExact(value: unknown): string {
  return JSON.stringify(encodeExact(value));
}

export function parseExact(text: string): unknown {
  return decodeExact(JSON.parse(text));
}

/** An engine snapshot as exact JSON text. */
export function serializeSnapshot(snapshot: EngineSnapshot): string {
  return stringifyExact(snapshot);
}

export function deserializeSnapshot(text: string): EngineSnapshot {
  const snapshot = parseExact(text) as { format?: unknown } | null;
  if (snapshot?.format !== "zoar-optimizer/1" && snapshot?.format !== "zoar-cma/1") {
    throw new CheckpointFormatError(`not an optimizer snapshot (format ${JSON.stringify(snapshot?.format)})`);
  }
  return snapshot as EngineSnapshot;
}
