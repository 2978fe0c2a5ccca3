// The trainable weights of a point as the graph's weight inputs.
import * as ort from "onnxruntime-node";
import { CONFIGURATIONS, type Configuration } from "./models";
import { WEIGHTS } from "./useLite";

/** One trained tensor: a slice of the parameter vector, in parameter order. */
export interface TrainableTensor {
  name: string;
  shape: readonly number[];
  size: number;
}

export function trainableTensors(configuration: Configuration): TrainableTensor[] {
  return CONFIGURATIONS[configuration].map((name) => {
    const shape = WEIGHTS.find((w) => w.name === name)!.shape;
    return { name, shape, size: shape.reduce((a, b) => a * b, 1) };
  });
}

/**
 * The graph's weight inputs for point x, one float32 tensor per trained
 * tensor. A Float32Array point is fed through views of it, without a copy
 * (millions of weights per query); a Float64Array one is converted.
 */
export function weightFeeds(x: Float32Array | Float64Array, trainable: readonly TrainableTensor[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  let offset = 0;
  for (const t of trainable) {
    const slice = x.subarray(offset, offset + t.size);
    feeds[t.name] = new ort.Tensor("float32", slice instanceof Float32Array ? slice : Float32Array.from(slice), [...t.shape]);
    offset += t.size;
  }
  return feeds;
}
