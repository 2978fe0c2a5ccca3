// The typed objective file that `zoar new` and the editor's New Objective write.

export function objectiveTemplate(name: string, dimension: number): string {
  return `import { defineObjective } from "zoar";

// An objective for zoar: it minimizes \`evaluate\` over \`dimension\` parameters.
// Run it with:  zoar run ${name}.ts --iterations 1000 --save
export default defineObjective({
  name: ${JSON.stringify(name)},
  description: "sum of (x_i - 1)^2; replace with your own function",
  dimension: ${dimension},
  // Starting point (default: the middle of the bounds, or zeros).
  initial: () => new Float64Array(${dimension}).fill(0),
  // Optional box constraints: a number for every coordinate, or one per coordinate.
  bounds: { lower: -5, upper: 5 },
  // async setup() { ... } runs once before the first evaluation: load data, warm up a model.
  // One point at a time; return a finite number, lower is better. For
  // vectorised code or ONNX models, define evaluateBatch(xs) instead.
  evaluate(x: Float64Array): number {
    let sum = 0;
    for (const xi of x) sum += (xi - 1) ** 2;
    return sum;
  },
});
`;
}
