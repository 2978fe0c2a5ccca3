/**
 * Reading V8 stack traces whose frames Node has already mapped through the
 * objective bundle's source map (the worker enables source maps), to find the
 * user's file:line:column and to strip zoar's own frames from what we show.
 */

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

interface Frame {
  text: string;
  location: SourceLocation | undefined;
}

// "    at fn (/path/file.ts:3:11)" or "    at /path/file.ts:3:11"; paths may contain spaces.
const FRAME_WITH_NAME = /^\s*at .*\((.+):(\d+):(\d+)\)$/;
const FRAME_BARE = /^\s*at (?:async )?(.+):(\d+):(\d+)$/;

function parseFrame(text: string): Frame {
  const match = FRAME_WITH_NAME.exec(text) ?? FRAME_BARE.exec(text);
  if (!match) return { text, location: undefined };
  let file = match[1];
  if (file.startsWith("file://")) file = decodeURIComponent(new URL(file).pathname);
  return { text, location: { file, line: Number(match[2]), column: Number(match[3]) } };
}

function splitStack(stack: string): { header: string[]; frames: Frame[] } {
  const lines = stack.split("\n");
  const firstFrame = lines.findIndex((line) => /^\s+at /.test(line));
  if (firstFrame < 0) return { header: lines, frames: [] };
  return { header: lines.slice(0, firstFrame), frames: lines.slice(firstFrame).map(parseFrame) };
}

/** The innermost frame in one of the given files. */
export function firstLocationIn(stack: string | undefined, files: ReadonlySet<string>): SourceLocation | undefined {
  if (!stack) return undefined;
  return splitStack(stack).frames.find((frame) => frame.location && files.has(frame.location.file))?.location;
}

/**
 * The stack down to the outermost frame of the bundle (the objective, the SDK
 * and the packages it bundles); the frames below it are zoar calling the objective.
 */
export function trimToBundle(stack: string | undefined, bundleSources: ReadonlySet<string>): string | undefined {
  if (!stack) return undefined;
  const { header, frames } = splitStack(stack);
  let last = -1;
  frames.forEach((frame, index) => {
    if (frame.location && bundleSources.has(frame.location.file)) last = index;
  });
  if (last < 0) return stack;
  return [...header, ...frames.slice(0, last + 1).map((frame) => frame.text)].join("\n");
}
