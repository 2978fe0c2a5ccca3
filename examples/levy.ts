import { defineObjective } from "zoar";

// The Levy function in 1000 dimensions, one of the ZoAR paper's benchmarks:
// rugged (a sine term per coordinate), minimum 0 at x = (1, ..., 1).
// zoar sees only the values, never a gradient.
const dimension = 1000;

/** A fixed pseudo-random start, x0 ~ N(0, I) (Box-Muller over a seeded LCG). */
function standardNormalStart(seed: number): Float64Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  const x = new Float64Array(dimension);
  for (let i = 0; i < dimension; i++) x[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return x;
}

export default defineObjective({
  name: "levy-1000",
  description: "Levy function, d = 1000, minimum 0 at x = 1",
  dimension,
  initial: () => standardNormalStart(2025),
  evaluate(x: Float64Array): number {
    const w = (xi: number) => 1 + (xi - 1) / 4;
    let sum = Math.sin(Math.PI * w(x[0])) ** 2;
    for (let i = 0; i < x.length - 1; i++) {
      const wi = w(x[i]);
      sum += (wi - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * wi + 1) ** 2);
    }
    const last = w(x[x.length - 1]);
    return sum + (last - 1) ** 2 * (1 + Math.sin(2 * Math.PI * last) ** 2);
  },
});
