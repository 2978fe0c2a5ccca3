// `zoar new <path>`: a typed objective file to start from.
import { Command } from "commander";
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "./exit";
import { displayPath } from "./format";
import { integer } from "./parse";

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

export function newCommand(): Command {
  return new Command("new")
    .description("write a template objective file (never overwrites)")
    .argument("<path>", "the file to create, e.g. objective.ts")
    .option("--dimension <d>", "number of parameters", integer(1), 10)
    .action((target: string, flags: { dimension: number }) => {
      const file = path.resolve(target.endsWith(".ts") ? target : `${target}.ts`);
      const name = path.basename(file, ".ts");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      try {
        fs.writeFileSync(file, objectiveTemplate(name, flags.dimension), { flag: "wx" });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new UsageError(`${displayPath(file)} already exists; not overwritten`);
        throw error;
      }
      process.stdout.write(`wrote ${displayPath(file)}; run it with: zoar run ${displayPath(file)}\n`);
    });
}
