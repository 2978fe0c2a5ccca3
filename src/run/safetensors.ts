/**
 * The safetensors format (Hugging Face; PyTorch users open it with
 * `safetensors.torch.load_file`): an 8-byte little-endian header length, a
 * JSON header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian bytes of every tensor, back to back.
 *
 *   writeSafetensors(file, { weight: { data: Float32Array, shape: [2, 3] } }, { note: "..." })
 *   const { tensors, metadata } = readSafetensors(file)
 *
 * Metadata values are strings, as the format requires.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { writeFileAtomic } from "./files";

export type TensorData = Float64Array | Float32Array | Int32Array | BigInt64Array | Uint8Array;

export interface Tensor {
  data: TensorData;
  shape: readonly number[];
}

export interface Safetensors {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

const DTYPES = {
  F64: Float64Array,
  F32: Float32Array,
  I32: Int32Array,
  I64: BigInt64Array,
  U8: Uint8Array,
} as const;
type Dtype = keyof typeof DTYPES;

function dtypeOf(data: TensorData): Dtype {
  if (data instanceof Float64Array) return "F64";
  if (data instanceof Float32Array) return "F32";
  if (data instanceof Int32Array) return "I32";
  if (data instanceof BigInt64Array) return "I64";
  return "U8";
}

/** Header entries are aligned to 8 bytes, as the reference writer does. */
const ALIGNMENT = 8;
/** A header longer than this is not a real one (the reference reader's limit is 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

export class SafetensorsFormatError extends Error {
  override readonly name = "SafetensorsFormatError";
}

function checkLittleEndian(): void {
  if (os.endianness() !== "LE") throw new Error("safetensors are little-endian; this machine is big-endian");
}

export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  checkLittleEndian();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    if (name === "__metadata__") throw new Error('a tensor may not be named "__metadata__"');
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (tensor.shape.some((d) => !Number.isInteger(d) || d < 0) || count !== tensor.data.length) {
      throw new Error(`tensor "${name}": shape [${tensor.shape.join(", ")}] does not hold its ${tensor.data.length} values`);
    }
    header[name] = { dtype: dtypeOf(tensor.data), shape: [...tensor.shape], data_offsets: [offset, offset + tensor.data.byteLength] };
    offset += tensor.data.byteLength;
  }
  let json = JSON.stringify(header);
  const headerBytes = Buffer.byteLength(json);
  json += " ".repeat((ALIGNMENT - ((8 + headerBytes) % ALIGNMENT)) % ALIGNMENT);
  const jsonBytes = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + jsonBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(jsonBytes.length), true);
  out.set(jsonBytes, 8);
  let at = 8 + jsonBytes.length;
  for (const tensor of Object.values(tensors)) {
    out.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength), at);
    at += tensor.data.byteLength;
  }
  return out;
}

/** Parses safetensors bytes; `source` names them in errors. Tensors are copies, aligned for their type. */
export function decodeSafetensors(bytes: Uint8Array, source = "safetensors data"): Safetensors {
  checkLittleEndian();
  const fail = (why: string): never => {
    throw new SafetensorsFormatError(`${source}: ${why}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for a safetensors file`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) fail(`header length ${headerLength} does not fit a file of ${bytes.length} bytes`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString("utf8")) as Record<string, unknown>;
  } catch {
    return fail("the header is not JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) fail("the header is not a JSON object");
  const data = bytes.subarray(8 + headerLength);
  const metadata: Record<string, string> = {};
  const rawMetadata = header.__metadata__;
  if (rawMetadata !== undefined) {
    if (typeof rawMetadata !== "object" || rawMetadata === null) fail("__metadata__ is not an object");
    for (const [key, value] of Object.entries(rawMetadata as object)) {
      if (typeof value !== "string") fail(`__metadata__.${key} is not a string`);
      metadata[key] = value as string;
    }
  }
  const tensors: Record<string, Tensor> = {};
  const ranges: [number, number, string][] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const entry = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = entry?.dtype;
    if (typeof dtype !== "string" || !(dtype in DTYPES)) fail(`tensor "${name}": dtype ${JSON.stringify(dtype)} is not one of ${Object.keys(DTYPES).join(", ")}`);
    const shape = entry.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`tensor "${name}": shape is not a list of sizes`);
    const offsets = entry.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) fail(`tensor "${name}": data_offsets is not [begin, end]`);
    const [begin, end] = offsets as [number, number];
    const Type = DTYPES[dtype as Dtype];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end > data.length) fail(`tensor "${name}": bytes [${begin}, ${end}) lie outside the ${data.length} bytes of data`);
    if (end - begin !== count * Type.BYTES_PER_ELEMENT) fail(`tensor "${name}": ${end - begin} bytes for shape [${(shape as number[]).join(", ")}] of ${dtype}`);
    const copy = new Uint8Array(end - begin);
    copy.set(data.subarray(begin, end));
    tensors[name] = { data: new Type(copy.buffer), shape: shape as number[] };
    ranges.push([begin, end, name]);
  }
  // The format has no holes and no overlaps: the tensors tile the data exactly.
  ranges.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [begin, end, name] of ranges) {
    if (begin !== covered) fail(`tensor "${name}" starts at byte ${begin}, expected ${covered} (a hole or an overlap)`);
    covered = end;
  }
  if (covered !== data.length) fail(`the tensors cover ${covered} of ${data.length} data bytes`);
  return { tensors, metadata };
}

/** Writes the file atomically (a reader never sees half of it). */
export function writeSafetensors(file: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

export function readSafetensors(file: string): Safetensors {
  return decodeSafetensors(fs.readFileSync(file), file);
}
