// `zoar new <path>`: a typed objective file to start from.
import { Command } from "commander";
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "./exit";
import { displayPath } from "./format";
import { objectiveTemplate, parametersTemplate } from "../objective/template";
import { integer } from "./parse";

export function newCommand(): Command {
  return new Command("new")
    .description("write a template objective file (never overwrites)")
    .argument("<path>", "the file to create, e.g. objective.ts")
    .option("--dimension <d>", "number of parameters", integer(1), 10)
    .option("--parameters", "declare named parameters (log scale, integer, choice, vector) instead of one vector")
    .action((target: string, flags: { dimension: number; parameters?: boolean }) => {
      const file = path.resolve(target.endsWith(".ts") ? target : `${target}.ts`);
      const name = path.basename(file, ".ts");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      try {
        fs.writeFileSync(file, flags.parameters ? parametersTemplate(name) : objectiveTemplate(name, flags.dimension), { flag: "wx" });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new UsageError(`${displayPath(file)} already exists; not overwritten`);
        throw error;
      }
      process.stdout.write(`wrote ${displayPath(file)}; run it with: zoar run ${displayPath(file)}\n`);
    });
}
