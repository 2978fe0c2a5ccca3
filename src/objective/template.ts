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
  // To tune named parameters of mixed kinds (a log-scale rate, an integer, a
  // choice) instead of one vector, see \`zoar new --parameters\`.
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

/** The template of `zoar new --parameters`: named parameters of every kind. */
export function parametersTemplate(name: string): string {
  return `import { choice, defineObjective, integer, logUniform, uniform, vector } from "zoar";

// An objective for zoar over named parameters: evaluate receives them by name,
// typed by their declaration; lower is better.
// Run it with:  zoar run ${name}.ts --iterations 1000 --save
// Start again from what was saved:  zoar run ${name}.ts --initial ${name}.params.json
export default defineObjective({
  name: ${JSON.stringify(name)},
  description: "a stand-in loss; replace it with training and measuring your own pipeline",
  parameters: {
    // Searched on a log scale; { initial } is where the run starts (default: the middle of the range).
    learningRate: logUniform(1e-5, 1e-1, { initial: 1e-3 }),
    temperature: uniform(0, 2),
    layers: integer(1, 8),
    solver: choice(["cg", "gmres", "bicgstab"]),
    // One value per coordinate; lower and upper may also be one number per coordinate.
    weights: vector(8, { lower: -1, upper: 1 }),
  },
  // async setup() { ... } runs once before the first evaluation: load data, warm up a model.
  // For vectorised code or ONNX models, define evaluateBatch(ps) instead.
  evaluate(p): number {
    let loss = (Math.log10(p.learningRate) + 2.5) ** 2 + (p.temperature - 0.7) ** 2 + 0.1 * (p.layers - 4) ** 2;
    if (p.solver !== "gmres") loss += 0.5;
    for (const w of p.weights) loss += (w - 0.25) ** 2;
    return loss;
  },
});
`;
}
