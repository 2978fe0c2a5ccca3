// Exit codes of `zoar` and the errors that choose them.
import type { RunResult } from "../run/types";

export const EXIT_DONE = 0;
/** The objective failed (or the run could not go on). */
export const EXIT_FAILED = 1;
/** Unknown flag, bad value, missing file: nothing was run. */
export const EXIT_USAGE = 2;
/** Stopped by Ctrl-C (128 + SIGINT, as shells report it); the run stays resumable. */
export const EXIT_INTERRUPTED = 130;

/** A mistake in the command line; main prints its message and exits with EXIT_USAGE. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The exit code a command asks for, set by its action and read by main. */
export interface ExitStatus {
  code: number;
}

export function exitCodeOf(result: RunResult): number {
  switch (result.status) {
    case "done":
      return EXIT_DONE;
    case "stopped":
      return EXIT_INTERRUPTED;
    case "failed":
      return EXIT_FAILED;
  }
}
