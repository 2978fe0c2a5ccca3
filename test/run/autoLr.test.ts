// Picking the learning rate from short trials: the lowest best value wins, a
// smaller rate on a tie, diverged or failed trials are out, and the trials
// spend a small share of the run.
import assert from "node:assert/strict";
import { AUTO_LR_CANDIDATES, chooseLearningRate, describeChoice, MIN_TRIAL_ITERATIONS, pickBest, trialIterations } from "../../src/run/autoLr";

describe("lr auto", () => {
  it("gives each candidate a tenth of the run's iterations between them, at least a few", () => {
    assert.equal(trialIterations(1000), 25);
    assert.equal(trialIterations(20_000), 500);
    assert.equal(trialIterations(50), MIN_TRIAL_ITERATIONS);
    assert.equal(trialIterations(undefined), 2 * MIN_TRIAL_ITERATIONS);
  });

  it("picks the lowest best value, the smaller rate on a tie, and never a diverged trial", () => {
    assert.equal(pickBest([{ lr: 0.001, best: 5 }, { lr: 0.01, best: 0.5 }, { lr: 0.1, best: NaN, problem: "diverged" }]), 0.01);
    assert.equal(pickBest([{ lr: 0.1, best: 1 }, { lr: 0.01, best: 1 }]), 0.01);
    assert.equal(pickBest([{ lr: 1, best: NaN }]), undefined);
  });

  it("runs every candidate with the same iterations and says what it picked and why", async () => {
    const asked: string[] = [];
    // A stand-in for the runs: the value falls with the rate up to 0.1, the largest diverges, one trial fails.
    const choice = await chooseLearningRate(
      async (lr, iterations) => {
        asked.push(`${lr}x${iterations}`);
        if (lr === 1) return Infinity;
        if (lr === 0.01) throw new Error("objective threw at iteration 3");
        return 1 / lr;
      },
      { iterations: 400 },
    );
    assert.deepEqual(asked, AUTO_LR_CANDIDATES.map((lr) => `${lr}x10`));
    assert.equal(choice.lr, 0.1);
    assert.equal(choice.spentIterations, 40);
    assert.equal(describeChoice(choice), "lr auto: picked 0.1 (best 10 after 10 iterations per trial, same seed; 0.001: best 1000; 0.01: objective threw at iteration 3; 1: diverged)");
  });
});
