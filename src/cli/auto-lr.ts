// `zoar run --lr auto`: the trials of src/run/autoLr.ts as real runs of the
// objective (same seed, same evaluation settings) in a scratch folder that is
// removed afterwards, then the run's settings with the picked rate and what
// the trials spent taken off its iterations and evaluation budget.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chooseLearningRate, describeChoice } from "../run/autoLr";
import { RunController } from "../run/controller";
import type { RunSettings } from "../run/types";
import { describeFailure } from "./format";

/** The settings to run with (picked lr, the rest of the budget), or "interrupted" when Ctrl-C stopped the trials. */
export async function pickLearningRate(settings: RunSettings): Promise<Pick<RunSettings, "overrides" | "stop"> | "interrupted"> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-lr-auto-"));
  let current: RunController | undefined;
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    current?.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let evaluations = 0;
  try {
    const stop = settings.stop ?? {};
    const choice = await chooseLearningRate(
      async (lr, iterations) => {
        if (interrupted) throw new Error("interrupted");
        process.stderr.write(`lr auto: trying lr ${lr} for ${iterations} iterations\n`);
        current = RunController.start({ ...settings, overrides: { ...settings.overrides, lr }, stop: { iterations }, runsDir: scratch, runDir: undefined });
        const result = await current.finished;
        evaluations += result.evaluations;
        if (result.status === "failed") throw new Error(result.error ? describeFailure(result.error) : "failed");
        return result.bestValue;
      },
      { iterations: stop.iterations },
    );
    if (interrupted) return "interrupted";
    process.stderr.write(describeChoice(choice) + "\n");
    const rest = { ...stop };
    if (rest.iterations !== undefined) rest.iterations = Math.max(1, rest.iterations - choice.spentIterations);
    if (rest.evaluations !== undefined) rest.evaluations = Math.max(1, rest.evaluations - evaluations);
    return { overrides: choice.lr === undefined ? settings.overrides : { ...settings.overrides, lr: choice.lr }, stop: rest };
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
