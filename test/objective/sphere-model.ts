import { onnx } from "onnx-proto";

/**
 * A tiny ONNX model for tests, written with onnx-proto: Y[n] = sum_i (X[n, i] - centre[i])^2
 * for X of shape [batch, centre.length] (float32).
 */
export function sphereModelBytes(centre: readonly number[]): Uint8Array {
  const float = onnx.TensorProto.DataType.FLOAT;
  const tensorType = (shape: (number | string)[]) => ({
    tensorType: {
      elemType: float,
      shape: { dim: shape.map((size) => (typeof size === "string" ? { dimParam: size } : { dimValue: size })) },
    },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "zoar tests",
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "sphere",
      initializer: [
        { name: "centre", dims: [centre.length], dataType: float, floatData: [...centre] },
        { name: "axes", dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [1] },
      ],
      node: [
        { opType: "Sub", input: ["X", "centre"], output: ["difference"] },
        { opType: "Mul", input: ["difference", "difference"], output: ["squares"] },
        {
          opType: "ReduceSum",
          input: ["squares", "axes"],
          output: ["Y"],
          attribute: [{ name: "keepdims", type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
        },
      ],
      input: [{ name: "X", type: tensorType(["batch", centre.length]) }],
      output: [{ name: "Y", type: tensorType(["batch"]) }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
