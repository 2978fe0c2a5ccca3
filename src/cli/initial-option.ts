// --initial <file>: the saved parameters a run starts from. Whether they fit
// the objective is checked once it is loaded (startRun); here, that the file
// exists and has a format zoar reads, so a typo costs nothing.
import * as fs from "node:fs";
import * as path from "node:path";
import { INITIAL_FILE_EXTENSIONS } from "../run/initial-parameters";
import { UsageError } from "./exit";

export function initialFileFrom(argument: string): string {
  const file = path.resolve(argument);
  if (!fs.existsSync(file)) throw new UsageError(`--initial: parameters file not found: ${argument}`);
  const extension = path.extname(file).toLowerCase();
  if (!(INITIAL_FILE_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new UsageError(`--initial: cannot read parameters from a "${extension}" file (expected ${INITIAL_FILE_EXTENSIONS.join(", ")})`);
  }
  return file;
}
