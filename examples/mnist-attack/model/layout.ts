// Shape of the classifier (the ALGORITHMS.md reference net)
//   normalise -> conv3x3(c1) -> relu -> conv3x3(c2) -> relu -> maxpool2
//   -> fc(hidden) -> relu -> fc(10) -> log-softmax
// and where each of its tensors lives in one flat float32 parameter vector.
import { CLASSES, IMAGE_SIZE } from "./dataset";
import type { Rng } from "./rng";

export interface Arch {
  conv1: number;
  conv2: number;
  hidden: number;
}

export const REFERENCE_ARCH: Arch = { conv1: 32, conv2: 64, hidden: 128 };

// Normalisation constants exactly as float32, the precision the ONNX graph uses.
export const PIXEL_MEAN = Math.fround(0.1307);
export const PIXEL_STD = Math.fround(0.3081);

export const K = 3; // conv kernel size
export const S1 = IMAGE_SIZE - K + 1; // 26: conv1 output side (no padding)
export const S2 = S1 - K + 1; // 24: conv2 output side
export const SP = S2 / 2; // 12: after 2x2 max pooling

export interface Layout {
  arch: Arch;
  w1: number; b1: number; w2: number; b2: number;
  w3: number; b3: number; w4: number; b4: number;
  /** Flattened features entering the first fully connected layer. */
  features: number;
  size: number;
}

/** Offsets of each tensor in the single flat parameter vector (PyTorch shapes, row-major). */
export function layoutOf(arch: Arch): Layout {
  const features = arch.conv2 * SP * SP;
  const sizes = [
    arch.conv1 * K * K, arch.conv1,
    arch.conv2 * arch.conv1 * K * K, arch.conv2,
    arch.hidden * features, arch.hidden,
    CLASSES * arch.hidden, CLASSES,
  ];
  const offsets: number[] = [];
  let at = 0;
  for (const n of sizes) {
    offsets.push(at);
    at += n;
  }
  const [w1, b1, w2, b2, w3, b3, w4, b4] = offsets;
  return { arch, w1, b1, w2, b2, w3, b3, w4, b4, features, size: at };
}

/**
 * Weights and biases uniform in +-1/sqrt(fan_in), PyTorch's default for Conv2d
 * and Linear (the reference net's init). Uniform draws only, so init is platform-exact.
 */
export function initParams(layout: Layout, rng: Rng): Float32Array {
  const p = new Float32Array(layout.size);
  const { arch } = layout;
  const fill = (off: number, count: number, fanIn: number): void => {
    const bound = 1 / Math.sqrt(fanIn);
    for (let i = 0; i < count; i++) p[off + i] = (2 * rng.uniform() - 1) * bound;
  };
  fill(layout.w1, arch.conv1 * K * K, K * K);
  fill(layout.b1, arch.conv1, K * K);
  fill(layout.w2, arch.conv2 * arch.conv1 * K * K, arch.conv1 * K * K);
  fill(layout.b2, arch.conv2, arch.conv1 * K * K);
  fill(layout.w3, arch.hidden * layout.features, layout.features);
  fill(layout.b3, arch.hidden, layout.features);
  fill(layout.w4, CLASSES * arch.hidden, arch.hidden);
  fill(layout.b4, CLASSES, arch.hidden);
  return p;
}
