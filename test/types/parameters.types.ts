// Type-level checks of the parameter-space API, compiled by `tsc --noEmit`
// (the type-check stage); never run. Each @ts-expect-error must stay an error.
import { choice, defineObjective, integer, loadParameters, logUniform, uniform, vector } from "zoar";

const objective = defineObjective({
  parameters: {
    learningRate: logUniform(1e-5, 1e-1, { initial: 1e-3 }),
    temperature: uniform(0, 2),
    layers: integer(1, 8),
    solver: choice(["cg", "gmres", "bicgstab"]),
    weights: vector(4, { lower: -1, upper: 1 }),
  },
  evaluate(p) {
    const rate: number = p.learningRate;
    const layers: number = p.layers;
    const weights: Float64Array = p.weights;
    const solver: "cg" | "gmres" | "bicgstab" = p.solver;
    // @ts-expect-error the solver is one of the three options, not any string
    const other: "jacobi" = p.solver;
    // @ts-expect-error no parameter of that name
    void p.momentum;
    // @ts-expect-error a vector is a Float64Array, not a number
    const notNumber: number = p.weights;
    return rate * layers + weights[0] + solver.length + p.temperature + other.length + notNumber;
  },
});

defineObjective({
  parameters: { lr: logUniform(1e-4, 1) },
  evaluateBatch(ps) {
    return ps.map((p) => p.lr);
  },
});

// @ts-expect-error the initial option must be one of the options
choice(["a", "b"], { initial: "c" });

// The plain vector form is unchanged.
defineObjective({ dimension: 2, evaluate: (x: Float64Array) => x[0] });

const saved = loadParameters("tuned.params.json", objective);
const savedSolver: "cg" | "gmres" | "bicgstab" = saved.solver;
const savedWeights: Float64Array = saved.weights;
// @ts-expect-error saved values are typed by the space
const savedLayers: string = saved.layers;
void [savedSolver, savedWeights, savedLayers];
