// The trained parameters as an ONNX graph with the same computation as
// cnn.ts: raw [0,1] pixels in ("input" [batch,1,28,28]), log-probabilities
// out ("log_probs" [batch,10]). Normalisation lives in the graph so callers
// never need to know the constants.
import { writeModel, type InitializerSpec, type NodeSpec } from "../../../src/objective/onnx/writeModel";
import { CLASSES, IMAGE_SIZE } from "./dataset";
import { PIXEL_MEAN, PIXEL_STD, type Layout } from "./layout";

export const INPUT_NAME = "input";
export const OUTPUT_NAME = "log_probs";
export const OPSET = 13;

export function exportOnnx(layout: Layout, params: Float32Array, metadata: Record<string, string>): Uint8Array {
  const { conv1, conv2, hidden } = layout.arch;
  const slice = (from: number, count: number): Float32Array => params.slice(from, from + count);
  const initializers: InitializerSpec[] = [
    { name: "pixel_mean", dims: [], data: new Float32Array([PIXEL_MEAN]) },
    { name: "pixel_std", dims: [], data: new Float32Array([PIXEL_STD]) },
    { name: "conv1.weight", dims: [conv1, 1, 3, 3], data: slice(layout.w1, conv1 * 9) },
    { name: "conv1.bias", dims: [conv1], data: slice(layout.b1, conv1) },
    { name: "conv2.weight", dims: [conv2, conv1, 3, 3], data: slice(layout.w2, conv2 * conv1 * 9) },
    { name: "conv2.bias", dims: [conv2], data: slice(layout.b2, conv2) },
    { name: "fc1.weight", dims: [hidden, layout.features], data: slice(layout.w3, hidden * layout.features) },
    { name: "fc1.bias", dims: [hidden], data: slice(layout.b3, hidden) },
    { name: "fc2.weight", dims: [CLASSES, hidden], data: slice(layout.w4, CLASSES * hidden) },
    { name: "fc2.bias", dims: [CLASSES], data: slice(layout.b4, CLASSES) },
  ];
  const conv = { kernel_shape: { ints: [3, 3] }, strides: { ints: [1, 1] }, pads: { ints: [0, 0, 0, 0] } };
  const nodes: NodeSpec[] = [
    { opType: "Sub", inputs: [INPUT_NAME, "pixel_mean"], outputs: ["centred"] },
    { opType: "Div", inputs: ["centred", "pixel_std"], outputs: ["normalised"] },
    { opType: "Conv", inputs: ["normalised", "conv1.weight", "conv1.bias"], outputs: ["conv1"], attributes: conv },
    { opType: "Relu", inputs: ["conv1"], outputs: ["relu1"] },
    { opType: "Conv", inputs: ["relu1", "conv2.weight", "conv2.bias"], outputs: ["conv2"], attributes: conv },
    { opType: "Relu", inputs: ["conv2"], outputs: ["relu2"] },
    { opType: "MaxPool", inputs: ["relu2"], outputs: ["pool"], attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } } },
    { opType: "Flatten", inputs: ["pool"], outputs: ["features"], attributes: { axis: { int: 1 } } },
    { opType: "Gemm", inputs: ["features", "fc1.weight", "fc1.bias"], outputs: ["fc1"], attributes: { transB: { int: 1 } } },
    { opType: "Relu", inputs: ["fc1"], outputs: ["relu3"] },
    { opType: "Gemm", inputs: ["relu3", "fc2.weight", "fc2.bias"], outputs: ["logits"], attributes: { transB: { int: 1 } } },
    { opType: "LogSoftmax", inputs: ["logits"], outputs: [OUTPUT_NAME], attributes: { axis: { int: 1 } } },
  ];
  return writeModel({
    graphName: "mnist_cnn",
    inputs: [{ name: INPUT_NAME, elemType: "float32", shape: ["batch", 1, IMAGE_SIZE, IMAGE_SIZE] }],
    outputs: [{ name: OUTPUT_NAME, elemType: "float32", shape: ["batch", CLASSES] }],
    nodes,
    initializers,
    opsetVersion: OPSET,
    producerName: "zoar examples/mnist-attack",
    docString: `MNIST digit classifier conv${conv1}-conv${conv2}-pool-fc${hidden}-fc${CLASSES}; input raw pixels in [0,1], output log-probabilities`,
    metadata,
  });
}
