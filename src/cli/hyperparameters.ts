// Command-line options that override an optimizer's hyperparameters. Shared
// by `zoar bench` and `zoar run`; an option left out keeps the optimizer's default.
import type { Command } from "commander";
import { LR_SCHEDULES, type OptimizerConfig } from "../engine";
import { UsageError } from "./exit";
import { closedUnitInterval, integer, oneOf, positiveNumber, unitInterval } from "./parse";

/** A learning rate, or "auto" (`zoar run` picks one by a short sweep). */
export function learningRate(raw: string): number | "auto" {
  return raw.trim() === "auto" ? "auto" : positiveNumber(raw);
}

export function addHyperparameterOptions(command: Command): Command {
  return command
    .option("--queries <K>", "directions per iteration (K)", integer(1))
    .option("--mu <mu>", "smoothing radius", positiveNumber)
    .option("--lr <eta>", "learning rate (zoar run: or auto, picked by a short seeded sweep)", learningRate)
    .option("--lr-schedule <kind>", "learning rate over the run: constant, cosine, linear (decaying to --lr-final-fraction)", oneOf(LR_SCHEDULES))
    .option("--lr-decay-steps <n>", "updates over which a decaying schedule goes down (default: --iterations)", integer(1))
    .option("--lr-final-fraction <f>", "the decaying schedule's last rate, as a fraction of lr (default 0)", closedUnitInterval)
    .option("--histories <N>", "past iterations kept (ZoAR buffer, ZoHS window)", integer(0))
    .option("--update <rule>", "update rule: sgd, adam, radazo", oneOf(["sgd", "adam", "radazo"]))
    .option("--beta1 <b1>", "first-moment factor", unitInterval)
    .option("--beta2 <b2>", "second-moment factor", unitInterval)
    .option("--eps <eps>", "denominator epsilon", positiveNumber)
    .option("--sampler <kind>", "directions: gaussian, sphere", oneOf(["gaussian", "sphere"]))
    .option("--bias-correction", "Adam bias correction")
    .option("--amsgrad", "AMSGrad (running max of v)")
    .option("--measure-center", "evaluate f(theta) each iteration (CMA-ES: f(m), off by default)")
    .option("--no-measure-center", "skip f(theta) where the estimator does not need it")
    .option("--buffer-storage <kind>", "ZoAR buffer: auto, vectors, seeds", oneOf(["auto", "vectors", "seeds"]));
}

interface HyperparameterFlags {
  queries?: number;
  mu?: number;
  lr?: number | "auto";
  lrSchedule?: OptimizerConfig["lrSchedule"];
  lrDecaySteps?: number;
  lrFinalFraction?: number;
  histories?: number;
  update?: OptimizerConfig["update"];
  beta1?: number;
  beta2?: number;
  eps?: number;
  sampler?: OptimizerConfig["sampler"];
  biasCorrection?: boolean;
  amsgrad?: boolean;
  measureCenter?: boolean;
  bufferStorage?: OptimizerConfig["bufferStorage"];
}

/** The hyperparameters given on the command line, and only those. */
export function overridesFrom(flags: HyperparameterFlags, command: Command): Partial<OptimizerConfig> {
  if (flags.lr === "auto") throw new UsageError("--lr auto is for zoar run; give a number here");
  const overrides: Partial<OptimizerConfig> = {};
  const keys = ["queries", "mu", "lr", "lrSchedule", "lrDecaySteps", "lrFinalFraction", "histories", "update", "beta1", "beta2", "eps", "sampler", "biasCorrection", "amsgrad", "bufferStorage"] as const;
  for (const key of keys) if (flags[key] !== undefined) (overrides as Record<string, unknown>)[key] = flags[key];
  // --no-measure-center defaults to true in commander; only an explicit flag overrides.
  if (command.getOptionValueSource("measureCenter") === "cli") overrides.measureCenter = flags.measureCenter;
  return overrides;
}
