import { defineObjective } from "zoar";

// The Rosenbrock valley in 200 dimensions: a curved, badly conditioned
// landscape whose minimum 0 lies at x = (1, ..., 1). Each evaluation is one
// "black-box" call: zoar sees only the value, never the gradient.
const dimension = 200;

export default defineObjective({
  name: "rosenbrock-200",
  description: "sum of 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, minimum 0 at x = 1",
  dimension,
  initial: () => new Float64Array(dimension).fill(-1),
  bounds: { lower: -3, upper: 3 },
  evaluate(x: Float64Array): number {
    let sum = 0;
    for (let i = 0; i + 1 < x.length; i++) {
      const valley = x[i + 1] - x[i] * x[i];
      sum += 100 * valley * valley + (1 - x[i]) * (1 - x[i]);
    }
    return sum;
  },
});
