// `--lr auto`: a short seeded sweep picks the learning rate. Each candidate
// (one per decade) runs the same seed for the same few iterations, together a
// small share of the run's iterations; the lowest best value wins (a smaller
// rate on a tie), a candidate that diverges (NaN, infinite) is out. The run
// then gets the rest of its iterations. The trials are the caller's
// (`runTrial`): real runs on the command line, in-thread runs in the bench.

/** One per decade: the papers' 1e-3 (tuned for d = 10^4) up to 1. */
export const AUTO_LR_CANDIDATES: readonly number[] = [1e-3, 1e-2, 1e-1, 1];

/** Share of the run's iterations the trials spend, all candidates together. */
export const AUTO_LR_SHARE = 0.1;

/** Fewest iterations a trial gets, however short the run. */
export const MIN_TRIAL_ITERATIONS = 10;

export interface TrialOutcome {
  lr: number;
  /** Best value the trial found; NaN when it diverged or failed. */
  best: number;
  /** Why the trial does not count, when it does not. */
  problem?: string;
}

export interface LrChoice {
  /** The learning rate picked, or undefined when every trial failed (the optimizer's default stays). */
  lr: number | undefined;
  trials: TrialOutcome[];
  trialIterations: number;
  /** Iterations all trials spent. */
  spentIterations: number;
}

/** Iterations per trial for a run of `iterations` (a time- or budget-bounded run: undefined). */
export function trialIterations(iterations: number | undefined, candidates = AUTO_LR_CANDIDATES.length): number {
  if (iterations === undefined) return MIN_TRIAL_ITERATIONS * 2;
  return Math.max(MIN_TRIAL_ITERATIONS, Math.floor((iterations * AUTO_LR_SHARE) / candidates));
}

/** The candidate with the lowest best value; the smaller on a tie; undefined when none counts. */
export function pickBest(trials: readonly TrialOutcome[]): number | undefined {
  let chosen: TrialOutcome | undefined;
  for (const trial of trials) {
    if (!Number.isFinite(trial.best)) continue;
    if (!chosen || trial.best < chosen.best || (trial.best === chosen.best && trial.lr < chosen.lr)) chosen = trial;
  }
  return chosen?.lr;
}

/** Runs the trials one after another and picks the learning rate. */
export async function chooseLearningRate(
  runTrial: (lr: number, iterations: number) => Promise<number>,
  options: { iterations: number | undefined; candidates?: readonly number[] },
): Promise<LrChoice> {
  const candidates = options.candidates ?? AUTO_LR_CANDIDATES;
  const iterations = trialIterations(options.iterations, candidates.length);
  const trials: TrialOutcome[] = [];
  for (const lr of candidates) {
    try {
      const best = await runTrial(lr, iterations);
      trials.push(Number.isFinite(best) ? { lr, best } : { lr, best: NaN, problem: "diverged" });
    } catch (error) {
      trials.push({ lr, best: NaN, problem: error instanceof Error ? error.message : String(error) });
    }
  }
  return { lr: pickBest(trials), trials, trialIterations: iterations, spentIterations: iterations * candidates.length };
}

function figure(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}

/** "lr auto: picked 0.1 (best 1.234 after 25 iterations per trial, same seed; 0.001: best 5432; 0.01: best 98.7; 1: diverged)" */
export function describeChoice(choice: LrChoice): string {
  const others = choice.trials.filter((trial) => trial.lr !== choice.lr).map((trial) => `${trial.lr}: ${trial.problem ?? `best ${figure(trial.best)}`}`);
  const picked = choice.trials.find((trial) => trial.lr === choice.lr);
  const head =
    choice.lr === undefined || !picked ? "lr auto: every trial failed, keeping the optimizer's default" : `lr auto: picked ${choice.lr} (best ${figure(picked.best)}`;
  return `${head}${picked ? " " : " ("}after ${choice.trialIterations} iterations per trial, same seed; ${others.join("; ")})`;
}
