// Where an objective file defines its objective, for the "Optimize" CodeLens:
// the line calling defineObjective(...), else the default-exported function.
// A line scan, not a parse: it must be cheap on every edit, and code that is
// commented out does not count. No vscode import.

const DEFINE_OBJECTIVE = /\bdefineObjective\s*\(/;
const DEFAULT_FUNCTION = /^\s*export\s+default\s+(async\s+)?function\b/;

/** The text of a line outside comments; `inBlock` carries an open block comment across lines. */
function codeOf(line: string, state: { inBlock: boolean }): string {
  let code = "";
  let i = 0;
  while (i < line.length) {
    if (state.inBlock) {
      const end = line.indexOf("*/", i);
      if (end < 0) return code;
      state.inBlock = false;
      i = end + 2;
      continue;
    }
    const block = line.indexOf("/*", i);
    const comment = line.indexOf("//", i);
    if (comment >= 0 && (block < 0 || comment < block)) return code + line.slice(i, comment);
    if (block < 0) return code + line.slice(i);
    code += line.slice(i, block) + " ";
    state.inBlock = true;
    i = block + 2;
  }
  return code;
}

/**
 * The 0-based line of the objective's definition, or -1 when the file shows
 * none: the first defineObjective( call, else the first `export default function`.
 */
export function objectiveLine(text: string): number {
  const lines = text.split(/\r?\n/);
  const state = { inBlock: false };
  let defaultFunction = -1;
  for (let i = 0; i < lines.length; i++) {
    const code = codeOf(lines[i], state);
    if (DEFINE_OBJECTIVE.test(code)) return i;
    if (defaultFunction < 0 && DEFAULT_FUNCTION.test(code)) defaultFunction = i;
  }
  return defaultFunction;
}

/** Whether a file can hold an objective: TypeScript, not a declaration file. */
export function isObjectiveFileName(fileName: string): boolean {
  return /\.ts$/i.test(fileName) && !/\.d\.ts$/i.test(fileName);
}
