// Active time of a run: it stands still while the run is paused, and carries
// on from the checkpoint's value when the run resumes.
export class ActiveClock {
  private startedAt: number | undefined;

  constructor(private accumulatedMs = 0) {}

  get running(): boolean {
    return this.startedAt !== undefined;
  }

  start(): void {
    this.startedAt ??= performance.now();
  }

  stop(): void {
    if (this.startedAt === undefined) return;
    this.accumulatedMs += performance.now() - this.startedAt;
    this.startedAt = undefined;
  }

  get elapsedMs(): number {
    return this.accumulatedMs + (this.startedAt === undefined ? 0 : performance.now() - this.startedAt);
  }
}
