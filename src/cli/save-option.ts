// --save [path] and --force: where tuned parameters go, checked before a run
// starts so a conflict costs nothing.
import type { Command } from "commander";
import * as path from "node:path";
import { checkParamsTarget, defaultParamsPath, ParamsConflictError } from "../run/params";
import { UsageError } from "./exit";
import type { SaveRequest } from "./report";

export interface SaveFlags {
  save?: string | boolean;
  force?: boolean;
}

export function addSaveOptions(command: Command): Command {
  return command
    .option("--save [path]", "save the tuned parameters as JSON, above 100,000 numbers with a .safetensors file beside it (default path: <objective>.params.json beside the objective)")
    .option("--force", "with --save: replace a params file that belongs to another objective");
}

/** The save request of the flags, or undefined without --save; a usage error when the file belongs to another objective. */
export function saveRequestFrom(flags: SaveFlags, objectiveFile: string): SaveRequest | undefined {
  if (flags.save === undefined || flags.save === false) return undefined;
  const file = typeof flags.save === "string" ? path.resolve(flags.save) : undefined;
  const force = flags.force === true;
  try {
    checkParamsTarget(file ?? defaultParamsPath(objectiveFile), objectiveFile, { force });
  } catch (error) {
    if (error instanceof ParamsConflictError) throw new UsageError(`${error.message.replace("(force to replace it)", "(--force replaces it)")}`);
    throw error;
  }
  return { file, force };
}
