// The learning rate of each update. "constant" is lr at every step; the
// decaying schedules go from lr at the first update to lr * lrFinalFraction
// after lrDecaySteps updates and stay there:
//   cosine: lr * (f + (1 - f) (1 + cos(pi p)) / 2)
//   linear: lr * (f + (1 - f) (1 - p))
// with p = min(t / lrDecaySteps, 1), t the updates applied before this one.
// The rate is a function of t and the configuration alone, so a restored
// optimizer continues with the same rates.
import type { OptimizerConfig } from "./config";

export type LrSchedule = "constant" | "cosine" | "linear";

export const LR_SCHEDULES: readonly LrSchedule[] = ["constant", "cosine", "linear"];

type ScheduleSettings = Pick<OptimizerConfig, "lr" | "lrSchedule" | "lrDecaySteps" | "lrFinalFraction">;

/** The learning rate of the update that follows `updatesBefore` updates. */
export function scheduledLr(config: ScheduleSettings, updatesBefore: number): number {
  if (config.lrSchedule === "constant") return config.lr;
  const progress = Math.min(updatesBefore / config.lrDecaySteps, 1);
  const remaining = config.lrSchedule === "cosine" ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
  const floor = config.lrFinalFraction;
  return config.lr * (floor + (1 - floor) * remaining);
}
