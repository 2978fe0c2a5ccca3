// Names for new objective files ("New Objective"). No vscode import.
import * as path from "node:path";

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** The name without a trailing .ts. */
export function bareName(input: string): string {
  return input.trim().replace(/\.ts$/i, "");
}

/** Why `input` cannot name a new objective file, or null when it can. */
export function checkObjectiveName(input: string): string | null {
  const name = bareName(input);
  if (name === "") return "Give the objective a name, e.g. my-objective";
  if (!NAME.test(name)) return "Use a letter first, then letters, digits, - or _ (at most 64 characters)";
  return null;
}

export function objectiveFilePath(folder: string, input: string): string {
  return path.join(folder, `${bareName(input)}.ts`);
}
