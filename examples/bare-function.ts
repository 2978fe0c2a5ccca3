// The shortest objective file: a default-exported function and its dimension.
// zoar minimizes it from `initial` (zeros when absent).
export const dimension = 10;
export const initial = Array.from({ length: dimension }, (_, i) => i - 5);

export default function shiftedSphere(x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] - 0.5 * i) ** 2;
  return sum;
}
