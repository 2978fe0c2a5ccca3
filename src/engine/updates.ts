// Update rules applied to a gradient estimate g (ALGORITHMS.md, "Update rules"):
//   sgd:    theta -= lr * g
//   adam:   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  theta -= lr * m / (sqrt(v) + eps)
//   radazo: m as adam;            v = b2 v + (1-b2) m^2 (new m); step as adam
// Reference-code behaviour by default: moments start at 0, no bias
// correction, eps outside the root. Options: bias correction, AMSGrad,
// eps inside the root, and a warm-up that uses v = 1 for the first steps.
// The step's lr is the schedule's (lr-schedule.ts): lr itself when constant.
import type { OptimizerConfig } from "./config";
import { scheduledLr } from "./lr-schedule";
import { type Vector, zeros } from "./precision";

export interface MomentState {
  /** Updates applied so far. */
  step: number;
  m: Vector;
  v: Vector;
  /** Running max of v (AMSGrad), empty when unused. */
  vMax: Vector;
}

export function initMoments(config: OptimizerConfig, dimension: number): MomentState {
  const adaptive = config.update !== "sgd";
  const precision = config.precision;
  return {
    step: 0,
    m: zeros(precision, adaptive ? dimension : 0),
    v: zeros(precision, adaptive ? dimension : 0),
    vMax: zeros(precision, config.amsgrad ? dimension : 0),
  };
}

/** theta <- theta - step(g); returns the squared norm of the step. */
export function applyUpdate(config: OptimizerConfig, state: MomentState, theta: Vector, g: Vector): number {
  const d = theta.length;
  const lr = scheduledLr(config, state.step);
  state.step += 1;
  if (config.update === "sgd") {
    let squared = 0;
    for (let i = 0; i < d; i++) {
      const step = lr * g[i];
      theta[i] -= step;
      squared += step * step;
    }
    return squared;
  }
  const { m, v, vMax } = state;
  const { beta1, beta2, eps, amsgrad, epsInsideSqrt } = config;
  const refined = config.update === "radazo";
  const firstMomentCorrection = config.biasCorrection ? 1 - Math.pow(beta1, state.step) : 1;
  const secondMomentCorrection = config.biasCorrection ? 1 - Math.pow(beta2, state.step) : 1;
  const warmingUp = state.step <= config.momentumWarmup;
  if (!amsgrad && !epsInsideSqrt && !warmingUp && !config.biasCorrection) return plainAdaptiveStep(refined, lr, beta1, beta2, eps, m, v, theta, g);
  let squared = 0;
  for (let i = 0; i < d; i++) {
    const mi = beta1 * m[i] + (1 - beta1) * g[i];
    const source = refined ? mi : g[i];
    const vi = beta2 * v[i] + (1 - beta2) * source * source;
    m[i] = mi;
    v[i] = vi;
    let second = vi;
    if (amsgrad) second = vMax[i] = Math.max(vMax[i], vi);
    second = warmingUp ? 1 : second / secondMomentCorrection;
    const denominator = epsInsideSqrt ? Math.sqrt(second + eps) : Math.sqrt(second) + eps;
    const step = (lr * (mi / firstMomentCorrection)) / denominator;
    theta[i] -= step;
    squared += step * step;
  }
  return squared;
}

/**
 * The reference code's update (no bias correction, AMSGrad or warm-up, eps
 * outside the root): the general loop's arithmetic without its per-coordinate
 * choices and its divisions by corrections of 1, so the same bits, sooner.
 */
function plainAdaptiveStep(refined: boolean, lr: number, beta1: number, beta2: number, eps: number, m: Vector, v: Vector, theta: Vector, g: Vector): number {
  const d = theta.length;
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  let squared = 0;
  if (refined) {
    for (let i = 0; i < d; i++) {
      const mi = beta1 * m[i] + keep1 * g[i];
      const vi = beta2 * v[i] + keep2 * mi * mi;
      m[i] = mi;
      v[i] = vi;
      const step = (lr * mi) / (Math.sqrt(vi) + eps);
      theta[i] -= step;
      squared += step * step;
    }
    return squared;
  }
  for (let i = 0; i < d; i++) {
    const gi = g[i];
    const mi = beta1 * m[i] + keep1 * gi;
    const vi = beta2 * v[i] + keep2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const step = (lr * mi) / (Math.sqrt(vi) + eps);
    theta[i] -= step;
    squared += step * step;
  }
  return squared;
}
