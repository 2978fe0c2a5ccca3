// Paces the dashboard's updates: however many changes arrive (several runs,
// progress at 20/s each, checkpoint reads), the panel posts at most once per
// interval, and always after the change that asked for it has completed (a
// flush never runs inside the caller). No vscode import.

/** At most 20 updates per second. */
export const UPDATE_INTERVAL_MS = 50;

export interface PacerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: PacerClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class UpdatePacer {
  private lastFlush = -Infinity;
  private timer: unknown;
  private disposed = false;

  constructor(
    private readonly flush: () => void,
    private readonly intervalMs = UPDATE_INTERVAL_MS,
    private readonly clock: PacerClock = systemClock,
  ) {}

  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Asks for a flush: the next one allowed, or the one already scheduled. */
  request(): void {
    if (this.disposed || this.timer !== undefined) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.clock.now());
    this.timer = this.clock.setTimeout(() => this.run(), wait);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    this.timer = undefined;
    if (this.disposed) return;
    this.lastFlush = this.clock.now();
    this.flush();
  }
}
