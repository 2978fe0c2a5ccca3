// Progress events: a throttle that keeps them to a fixed rate without losing
// the latest state, and the dashboard's view of the optimizer.
import type { Inspection } from "../engine";
import type { InspectionSummary } from "./types";

/** At most 20 events per second. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 50;

/** Coordinates of theta a progress event carries. */
export const PARAMETER_PREVIEW = 32;

/**
 * Calls `emit` at most once per `intervalMs`. A request inside the interval
 * is not dropped: it is answered when the interval ends, so the last state
 * always shows.
 */
export class ProgressThrottle {
  private lastEmitAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: () => void,
    private readonly intervalMs: number = DEFAULT_PROGRESS_INTERVAL_MS,
  ) {}

  request(): void {
    if (this.timer) return;
    const wait = this.lastEmitAt + this.intervalMs - performance.now();
    if (wait <= 0) {
      this.fire();
    } else {
      this.timer = setTimeout(() => this.fire(), wait);
    }
  }

  /** Emits once more, as soon as the interval allows, and stops; resolves after that emission. */
  async finish(): Promise<void> {
    this.cancel();
    for (;;) {
      const wait = this.lastEmitAt + this.intervalMs - performance.now();
      if (wait <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    this.fire();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    const now = performance.now();
    const wait = this.lastEmitAt + this.intervalMs - now;
    if (wait > 0) {
      // Timers may fire a little early; never emit inside the interval.
      this.timer = setTimeout(() => this.fire(), wait);
      return;
    }
    this.lastEmitAt = now;
    this.emit();
  }
}

function norm(values: Float64Array | Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
}

/** The inspection without its d-sized vectors: their norms and the first coordinates of theta instead. */
export function summarizeInspection(inspection: Inspection): InspectionSummary {
  return {
    name: inspection.name,
    iteration: inspection.iteration,
    dimension: inspection.dimension,
    config: inspection.config,
    baseline: inspection.baseline,
    buffer: inspection.buffer,
    bufferCapacity: inspection.bufferCapacity,
    heldEstimates: inspection.heldEstimates,
    last: inspection.last,
    best: { value: inspection.best.value, iteration: inspection.best.iteration },
    norms: { theta: norm(inspection.theta), gradient: norm(inspection.gradient), m: norm(inspection.m), v: norm(inspection.v) },
    thetaHead: Array.from(inspection.theta.subarray(0, PARAMETER_PREVIEW)),
    ...(inspection.search ? { search: inspection.search } : {}),
  };
}
