import { choice, defineObjective, integer, logUniform, uniform, vector } from "zoar";

// Named parameters of every kind, as a training pipeline would have them: a
// learning rate on a log scale, a temperature, a number of layers, a solver
// and a vector of weights. The loss below stands in for a real one (train,
// then measure); its minimum 0 is at learningRate 3e-3, temperature 0.7,
// 5 layers, "gmres" and weights w_i = 0.5 sin(i + 1).
const target = Float64Array.from({ length: 16 }, (_, i) => 0.5 * Math.sin(i + 1));
const solverCost = { cg: 0.5, gmres: 0, bicgstab: 0.25 };

export default defineObjective({
  name: "mixed-parameters",
  description: "a stand-in pipeline loss over a log-scale rate, a temperature, an integer, a choice and 16 weights",
  parameters: {
    learningRate: logUniform(1e-5, 1e-1, { initial: 1e-4 }),
    temperature: uniform(0, 2),
    layers: integer(1, 8, { initial: 2 }),
    solver: choice(["cg", "gmres", "bicgstab"]),
    weights: vector(16, { lower: -1, upper: 1 }),
  },
  evaluate(p): number {
    // p.learningRate: number, p.layers: an integer, p.solver: "cg" | "gmres" | "bicgstab", p.weights: Float64Array
    let loss = (Math.log10(p.learningRate) - Math.log10(3e-3)) ** 2;
    loss += (p.temperature - 0.7) ** 2;
    loss += 0.1 * (p.layers - 5) ** 2;
    loss += solverCost[p.solver];
    for (let i = 0; i < target.length; i++) loss += (p.weights[i] - target[i]) ** 2;
    return loss;
  },
});
