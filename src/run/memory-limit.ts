/**
 * The memory limit of a run process: its default, how its resident memory is
 * read, and the watch that kills the process once it is over the limit.
 * Resident memory (not only the V8 heap) is what counts, so Buffers,
 * onnxruntime tensors and native addons are covered; the objective's worker
 * threads live in the run process and are counted with it.
 */
import * as fs from "node:fs";
import * as os from "node:os";

const MB = 1024 * 1024;

/** The most a default limit grants, however large the machine. */
export const MAX_DEFAULT_MEMORY_LIMIT_MB = 8192;

/** Below this a run process cannot even load an objective. */
export const MIN_MEMORY_LIMIT_MB = 128;

/** A quarter of the machine's memory, at most 8 GB. */
export function defaultMemoryLimitMB(totalBytes: number = os.totalmem()): number {
  return Math.min(MAX_DEFAULT_MEMORY_LIMIT_MB, Math.floor(totalBytes / 4 / MB));
}

/** How often the watch reads the run process's memory. */
export const MEMORY_POLL_MS = 50;

/**
 * Resident memory of process `pid` in bytes from /proc/<pid>/status (Linux),
 * or undefined where there is no such file (another platform, or the process is gone).
 */
export function residentBytesOf(pid: number): number | undefined {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, "latin1");
  } catch {
    return undefined;
  }
  const match = /^VmRSS:\s*(\d+)\s*kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** Whether this platform lets a parent read a child's resident memory (else the child reports its own). */
export function canReadResidentMemory(): boolean {
  return residentBytesOf(process.pid) !== undefined;
}

/** "1,103 MB", rounded up: a figure over the limit never reads as the limit itself. */
export function formatMegabytes(bytes: number): string {
  return `${Math.ceil(bytes / MB).toLocaleString("en-US")} MB`;
}

/**
 * Watches one process against a limit: polls /proc where it can, and takes
 * the figures the process reports itself (`report`) everywhere else. Calls
 * `onBreach` once, with the figure that crossed the limit.
 */
export class MemoryWatch {
  private timer: NodeJS.Timeout | undefined;
  private highest = 0;
  private breached = false;

  constructor(
    private readonly pid: number,
    readonly limitMB: number,
    private readonly onBreach: (residentBytes: number) => void,
    poll: boolean,
  ) {
    if (poll) this.timer = setInterval(() => this.observe(residentBytesOf(this.pid)), MEMORY_POLL_MS).unref();
  }

  /** The highest resident memory seen, in bytes. */
  get peakBytes(): number {
    return this.highest;
  }

  /** A figure from the process itself (process.memoryUsage().rss). */
  report(residentBytes: number): void {
    this.observe(residentBytes);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private observe(residentBytes: number | undefined): void {
    if (residentBytes === undefined || this.breached) return;
    this.highest = Math.max(this.highest, residentBytes);
    if (residentBytes > this.limitMB * MB) {
      this.breached = true;
      this.stop();
      this.onBreach(residentBytes);
    }
  }
}
