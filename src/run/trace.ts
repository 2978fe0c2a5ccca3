// trace.jsonl: one JSON line per iteration, only ever appended to. Lines are
// written in small batches (one write call each), so a run killed mid-write
// leaves at most one torn last line, which readers ignore and resume cuts off.
// A line waits at most 50 ms: a run process that crashes or is killed loses
// only the iterations of its last moments.
import * as fs from "node:fs";
import { numberOrNaN } from "./files";
import type { TraceLine } from "./types";

export class TraceFormatError extends Error {
  override readonly name = "TraceFormatError";
}

export interface TraceBatching {
  /** Write once this many lines are waiting ... */
  lines: number;
  /** ... or once the oldest waiting line is this old. */
  ms: number;
}

const DEFAULT_BATCHING: TraceBatching = { lines: 64, ms: 50 };

export class TraceWriter {
  private readonly fd: number;
  private waiting: string[] = [];
  private oldestWaitingAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private written: number;

  /** Appends to `file`, which already holds `linesOnDisk` complete lines (created when missing). */
  constructor(
    file: string,
    linesOnDisk: number,
    private readonly batching: TraceBatching = DEFAULT_BATCHING,
  ) {
    this.fd = fs.openSync(file, "a");
    this.written = linesOnDisk;
  }

  /** Lines on disk plus those still waiting. */
  get lines(): number {
    return this.written + this.waiting.length;
  }

  append(line: TraceLine): void {
    if (this.waiting.length === 0) {
      this.oldestWaitingAt = performance.now();
      // Slow iterations: the line is written when it is old enough, not when the next one comes.
      this.timer = setTimeout(() => this.flush(), this.batching.ms).unref();
    }
    this.waiting.push(JSON.stringify(line));
    if (this.waiting.length >= this.batching.lines || performance.now() - this.oldestWaitingAt >= this.batching.ms) this.flush();
  }

  /** Writes every waiting line. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length === 0) return;
    const text = this.waiting.join("\n") + "\n";
    fs.writeSync(this.fd, text);
    this.written += this.waiting.length;
    this.waiting = [];
  }

  /** Flushes, forces the lines to disk (a checkpoint is about to count them) and keeps the file open. */
  sync(): void {
    this.flush();
    fs.fsyncSync(this.fd);
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

export interface TraceContents {
  lines: TraceLine[];
  /** Whether the file ended in an incomplete line (a write cut short), which was ignored. */
  torn: boolean;
}

/** Every complete line of a trace file; a missing file is an empty trace. */
export function readTrace(file: string): TraceContents {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { lines: [], torn: false };
    throw error;
  }
  const parts = text.split("\n");
  const tail = parts.pop();
  const lines = parts.map((part, index) => parseTraceLine(part, index + 1, file));
  return { lines, torn: tail !== undefined && tail !== "" };
}

/** The last `count` complete lines (reads the whole file; traces are a few hundred bytes per iteration). */
export function readTraceTail(file: string, count: number): TraceLine[] {
  const { lines } = readTrace(file);
  return count > 0 ? lines.slice(-count) : [];
}

/** One line of a trace file, checked; `file` and `lineNumber` name it in errors. */
export function parseTraceLine(text: string, lineNumber: number, file: string): TraceLine {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new TraceFormatError(`${file}:${lineNumber}: not a JSON line`);
  }
  if (typeof raw !== "object" || raw === null || typeof raw.iteration !== "number") {
    throw new TraceFormatError(`${file}:${lineNumber}: not a trace line (no iteration)`);
  }
  const line: TraceLine = {
    iteration: raw.iteration,
    evaluations: numberOrNaN(raw.evaluations),
    value: numberOrNaN(raw.value),
    best: numberOrNaN(raw.best),
    baseline: numberOrNaN(raw.baseline),
    gradientNorm: numberOrNaN(raw.gradientNorm),
    stepNorm: numberOrNaN(raw.stepNorm),
    elapsedMs: numberOrNaN(raw.elapsedMs),
  };
  if (typeof raw.skipped === "number") line.skipped = raw.skipped;
  if (typeof raw.metrics === "object" && raw.metrics !== null) {
    line.metrics = Object.fromEntries(Object.entries(raw.metrics).map(([name, value]) => [name, numberOrNaN(value)]));
  }
  return line;
}

/**
 * Cuts the trace after its first `lines` complete lines (dropping later lines
 * and a torn tail). Throws when the file holds fewer complete lines.
 */
export function truncateTrace(file: string, lines: number): void {
  const fd = fs.openSync(file, fs.existsSync(file) ? "r+" : "w+");
  try {
    const offset = offsetAfterLines(fd, lines);
    if (offset === undefined) {
      throw new TraceFormatError(`${file} holds fewer than the ${lines} lines its checkpoint counts`);
    }
    fs.ftruncateSync(fd, offset);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Byte offset just past the `lines`-th newline, or undefined when the file has fewer. */
function offsetAfterLines(fd: number, lines: number): number | undefined {
  if (lines === 0) return 0;
  const chunk = Buffer.allocUnsafe(1 << 16);
  let seen = 0;
  let position = 0;
  for (;;) {
    const read = fs.readSync(fd, chunk, 0, chunk.length, position);
    if (read === 0) return undefined;
    let index = -1;
    while ((index = chunk.indexOf(10, index + 1)) !== -1 && index < read) {
      if (++seen === lines) return position + index + 1;
    }
    position += read;
  }
}
