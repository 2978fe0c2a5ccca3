// Which objective a dashboard restored after a window reload belongs to. VS
// Code hands the serializer what the webview last stored with setState (the
// dashboard's persisted state, holding the objective's display path). That
// state comes from the webview, so it is checked like any webview message.
// No vscode import.
import * as fs from "node:fs";
import * as path from "node:path";
import { isObjectiveFileName } from "./objectiveLines";

export interface FolderRef {
  name: string;
  /** Absolute path of the workspace folder. */
  path: string;
}

/** The display path in a dashboard's stored state ({ format, state: { data: { objective: { file } } } }), or undefined. */
export function displayPathInState(state: unknown): string | undefined {
  const file = (state as { state?: { data?: { objective?: { file?: unknown } } } } | null | undefined)?.state?.data?.objective?.file;
  return typeof file === "string" && file.length > 0 && file.length <= 4096 ? file : undefined;
}

/**
 * How an objective is shown: relative to its workspace folder, prefixed with
 * the folder's name when there are several; its absolute path outside them.
 */
export function displayPathOf(objectiveFile: string, folders: readonly FolderRef[]): string {
  const file = path.resolve(objectiveFile);
  for (const folder of folders) {
    const relative = path.relative(folder.path, file);
    if (relative && !relative.startsWith("..") && !path.isAbsolute(relative)) {
      const shown = relative.split(path.sep).join("/");
      return folders.length > 1 ? `${folder.name}/${shown}` : shown;
    }
  }
  return file;
}

/** The objective file a display path stands for, when it exists as a TypeScript file; the inverse of displayPathOf. */
export function resolveDisplayPath(displayPath: string, folders: readonly FolderRef[]): string | undefined {
  const candidates: string[] = [];
  if (path.isAbsolute(displayPath)) candidates.push(displayPath);
  else {
    // Display paths never climb out of a folder; a state that does is not ours.
    if (displayPath.split("/").includes("..")) return undefined;
    const [first, ...rest] = displayPath.split("/");
    for (const folder of folders) {
      if (folders.length > 1 && folder.name === first && rest.length > 0) candidates.push(path.join(folder.path, ...rest));
    }
    for (const folder of folders) candidates.push(path.join(folder.path, ...displayPath.split("/")));
  }
  return candidates.map((candidate) => path.resolve(candidate)).find((file) => isObjectiveFileName(file) && isFile(file));
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
