// Serialises a small ONNX model (a graph of nodes with float32/int64
// initializers) to bytes with the protobuf encoder from `onnx-proto`, so
// models can be built from TypeScript without Python. The output depends only
// on the spec: no timestamps, tensors stored little-endian on every platform.
import { onnx } from "onnx-proto";

export type ElemType = "float32" | "int64";

/** A graph input or output: a dimension is a number (fixed) or a string (symbolic, e.g. "batch"). */
export interface ValueSpec {
  name: string;
  elemType: ElemType;
  shape: readonly (number | string)[];
}

export interface InitializerSpec {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array;
}

/** One attribute value, tagged with its ONNX type (a bare number would not say INT or FLOAT). */
export type AttributeValue =
  | { int: number }
  | { ints: readonly number[] }
  | { float: number }
  | { floats: readonly number[] }
  | { string: string };

export interface NodeSpec {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface ModelSpec {
  graphName: string;
  inputs: readonly ValueSpec[];
  outputs: readonly ValueSpec[];
  nodes: readonly NodeSpec[];
  initializers: readonly InitializerSpec[];
  /** Version of the default ("ai.onnx") operator set the nodes follow. */
  opsetVersion: number;
  producerName: string;
  producerVersion?: string;
  docString?: string;
  /** Free-form key/value pairs stored in the model (ModelProto.metadata_props). */
  metadata?: Readonly<Record<string, string>>;
}

/** IR version 8 (ONNX 1.10), the newest this `onnx-proto` schema knows; onnxruntime reads it. */
export const IR_VERSION = 8;

const ELEM_TYPE: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
};

export function writeModel(spec: ModelSpec): Uint8Array {
  checkGraph(spec);
  const model: onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: spec.opsetVersion }],
    producerName: spec.producerName,
    producerVersion: spec.producerVersion ?? "",
    docString: spec.docString ?? "",
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.graphName,
      node: spec.nodes.map((n, i) => ({
        name: n.name ?? `${n.opType}_${i}`,
        opType: n.opType,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attributes ?? {}).map(([name, value]) => attribute(name, value)),
      })),
      initializer: spec.initializers.map(tensor),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

function valueInfo(v: ValueSpec): onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE[v.elemType],
        shape: { dim: v.shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function tensor(t: InitializerSpec): onnx.ITensorProto {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) throw new Error(`initializer "${t.name}": dims [${t.dims.join(", ")}] hold ${count} values, data has ${t.data.length}`);
  const isFloat = t.data instanceof Float32Array;
  const bytes = new Uint8Array(t.data.length * (isFloat ? 4 : 8));
  const view = new DataView(bytes.buffer);
  if (t.data instanceof Float32Array) t.data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else t.data.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  return {
    name: t.name,
    dims: [...t.dims],
    dataType: isFloat ? ELEM_TYPE.float32 : ELEM_TYPE.int64,
    rawData: bytes,
  };
}

function attribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ("int" in value) return { name, type: T.INT, i: checkInt(name, value.int) };
  if ("ints" in value) return { name, type: T.INTS, ints: value.ints.map((v) => checkInt(name, v)) };
  if ("float" in value) return { name, type: T.FLOAT, f: value.float };
  if ("floats" in value) return { name, type: T.FLOATS, floats: [...value.floats] };
  return { name, type: T.STRING, s: new TextEncoder().encode(value.string) };
}

function checkInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v)) throw new Error(`attribute "${name}": ${v} is not an integer`);
  return v;
}

/** Catches wiring mistakes here, with names, rather than as a terse load error in onnxruntime. */
function checkGraph(spec: ModelSpec): void {
  const defined = new Set<string>();
  const define = (name: string, what: string): void => {
    if (name === "") return;
    if (defined.has(name)) throw new Error(`ONNX graph "${spec.graphName}": ${what} "${name}" is defined twice`);
    defined.add(name);
  };
  spec.inputs.forEach((v) => define(v.name, "input"));
  spec.initializers.forEach((t) => define(t.name, "initializer"));
  for (const node of spec.nodes) {
    for (const input of node.inputs) {
      if (input !== "" && !defined.has(input)) throw new Error(`ONNX graph "${spec.graphName}": node ${node.opType} reads "${input}" before anything defines it`);
    }
    node.outputs.forEach((o) => define(o, `output of ${node.opType}`));
  }
  for (const out of spec.outputs) {
    if (!defined.has(out.name)) throw new Error(`ONNX graph "${spec.graphName}": graph output "${out.name}" is never computed`);
  }
}
