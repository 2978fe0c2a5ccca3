// The zoar.* settings: defaults as the manifest declares them, bad values
// replaced and reported, and the mapping to the run layer's settings.
import assert from "node:assert/strict";
import * as path from "node:path";
import { optimizerNames } from "../../src/engine";
import { HYPERPARAMETER_KEYS } from "../../src/protocol";
import {
  DEFAULT_SETTINGS,
  SETTING_KEYS,
  boundedStop,
  checkRunRequest,
  compareRequests,
  defaultRequest,
  memoryLimitOf,
  readSettings,
  runSettingsFor,
  runsFolderFor,
} from "../../src/extension/settings";
import { defaultMemoryLimitMB } from "../../src/run/memory-limit";
import manifest from "../../package.json";

type Property = { default?: unknown; enum?: string[]; items?: { enum?: string[] }; properties?: Record<string, unknown> };
const properties = manifest.contributes.configuration.properties as Record<string, Property>;

describe("settings", () => {
  it("declares every setting in the manifest with the default the code uses", () => {
    const declared = Object.keys(properties).sort();
    assert.deepEqual(declared, Object.values(SETTING_KEYS).map((key) => `zoar.${key}`).sort());
    for (const [field, key] of Object.entries(SETTING_KEYS)) {
      assert.deepEqual(properties[`zoar.${key}`].default, DEFAULT_SETTINGS[field as keyof typeof SETTING_KEYS], `default of zoar.${key}`);
    }
  });

  it("offers exactly the registry's optimizers and the form's hyperparameters in the manifest", () => {
    assert.deepEqual(properties["zoar.optimizer"].enum, optimizerNames());
    assert.deepEqual(properties["zoar.compare.optimizers"].items!.enum, optimizerNames());
    assert.deepEqual(Object.keys(properties["zoar.hyperparameters"].properties!).sort(), [...HYPERPARAMETER_KEYS].sort());
  });

  it("reads the manifest's defaults as no problem at all", () => {
    const { settings, problems } = readSettings((key) => properties[`zoar.${key}`]?.default);
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, DEFAULT_SETTINGS);
  });

  it("reads the memory limit per run: 0 is the documented default, too small a limit is replaced and reported", () => {
    assert.equal(memoryLimitOf(DEFAULT_SETTINGS), defaultMemoryLimitMB());
    assert.equal(defaultMemoryLimitMB(64 * 1024 ** 3), 8192, "at most 8 GB");
    assert.equal(defaultMemoryLimitMB(8 * 1024 ** 3), 2048, "a quarter of the machine");
    const good = readSettings((key) => (key === "memoryLimitMB" ? 2048 : undefined));
    assert.deepEqual(good.problems, []);
    assert.equal(memoryLimitOf(good.settings), 2048);
    for (const bad of [64, 1.5, "1GB"]) {
      const { settings, problems } = readSettings((key) => (key === "memoryLimitMB" ? bad : undefined));
      assert.equal(settings.memoryLimitMB, 0);
      assert.deepEqual(problems, [`zoar.memoryLimitMB must be 0 (the default) or an integer >= 128 (got ${JSON.stringify(bad)}); using 0`]);
    }
  });

  it("replaces each bad value by its default and says so, keeping the good ones", () => {
    const values: Record<string, unknown> = {
      optimizer: "adam-but-misspelled",
      iterations: 0,
      evaluationBudget: 5000,
      target: "low",
      seed: 2 ** 32,
      evaluationTimeout: -1,
      onnxProvider: "tpu",
      nonFinite: "skip",
      runsFolder: "  ",
      paramsLocation: "ask",
      "compare.optimizers": ["zoar", "sgd"],
      "codeLens.enabled": "yes",
      hyperparameters: { lr: 0.5, queries: 2.5, colour: "blue", sampler: "sphere" },
    };
    const { settings, problems } = readSettings((key) => values[key]);
    assert.equal(settings.optimizer, "zoar");
    assert.equal(settings.iterations, 1000);
    assert.equal(settings.evaluationBudget, 5000);
    assert.equal(settings.target, null);
    assert.equal(settings.seed, 0);
    assert.equal(settings.evaluationTimeout, 60);
    assert.equal(settings.onnxProvider, "auto");
    assert.equal(settings.nonFinite, "skip");
    assert.equal(settings.runsFolder, ".zoar/runs");
    assert.equal(settings.paramsLocation, "ask");
    assert.deepEqual(settings.compareOptimizers, ["vanilla", "zoar", "radazo"]);
    assert.equal(settings.codeLens, true);
    assert.deepEqual(settings.hyperparameters, { lr: 0.5, sampler: "sphere" });
    for (const key of ["optimizer", "iterations", "target", "seed", "evaluationTimeout", "onnxProvider", "runsFolder", "compare.optimizers", "codeLens.enabled", "hyperparameters.queries", "hyperparameters.colour"]) {
      assert.ok(
        problems.some((problem) => problem.startsWith(`zoar.${key} `)),
        `a problem names zoar.${key}: ${problems.join("; ")}`,
      );
    }
    assert.equal(problems.length, 11);
  });

  it("asks for the default optimizer with its hyperparameters, and compares with each optimizer's defaults", () => {
    const settings = { ...DEFAULT_SETTINGS, optimizer: "radazo", hyperparameters: { lr: 0.2 }, seed: 9, evaluationBudget: 300, target: -1 };
    assert.deepEqual(defaultRequest(settings), { optimizer: "radazo", overrides: { lr: 0.2 }, seed: 9, stop: { iterations: 1000, evaluations: 300, target: -1 } });
    const compared = compareRequests(["zoar", "spsa"], settings);
    assert.deepEqual(
      compared.map((request) => [request.optimizer, request.overrides, request.seed, request.stop]),
      [
        ["zoar", {}, 9, { iterations: 1000, evaluations: 300, target: -1 }],
        ["spsa", {}, 9, { iterations: 1000, evaluations: 300, target: -1 }],
      ],
    );
  });

  it("bounds a run that only has a target by the settings' iterations", () => {
    assert.deepEqual(boundedStop({ target: 0 }, { ...DEFAULT_SETTINGS, iterations: 77 }), { target: 0, iterations: 77 });
    assert.deepEqual(boundedStop({ evaluations: 10 }, DEFAULT_SETTINGS), { evaluations: 10 });
  });

  it("maps a request to the run layer's settings", () => {
    const runDir = path.resolve("/w/.zoar/runs/20260101-000000-abcd");
    const settings = { ...DEFAULT_SETTINGS, evaluationTimeout: 0, onnxProvider: "cuda" as const };
    const run = runSettingsFor({ optimizer: "zoar", overrides: { queries: 4 }, seed: 2, stop: { iterations: 5 } }, { objectiveFile: "/w/f.ts", runDir, settings });
    assert.deepEqual(run, {
      objectiveFile: "/w/f.ts",
      optimizer: "zoar",
      overrides: { queries: 4 },
      seed: 2,
      stop: { iterations: 5 },
      timeoutMs: 0,
      nonFinite: "fail",
      provider: "cuda",
      runsDir: path.dirname(runDir),
      runDir,
    });
  });

  it("says which field of a request the engine would refuse", () => {
    const ok = { optimizer: "zoar", overrides: {}, seed: 0, stop: { iterations: 1 } };
    assert.equal(checkRunRequest(ok), null);
    assert.equal(checkRunRequest({ ...ok, optimizer: "nope" })?.field, "optimizer");
    assert.equal(checkRunRequest({ ...ok, seed: -1 })?.field, "seed");
    assert.equal(checkRunRequest({ ...ok, stop: { iterations: 0 } })?.field, "iterations");
    assert.deepEqual(checkRunRequest({ ...ok, overrides: { mu: 0 } }), { field: "mu", message: "Invalid mu: must be a finite number > 0 (got 0)" });
    // A decaying lr schedule decays over the form's iterations; without them it needs its own horizon.
    assert.equal(checkRunRequest({ ...ok, stop: { iterations: 500 }, overrides: { lrSchedule: "cosine" } }), null);
    assert.equal(checkRunRequest({ ...ok, stop: { evaluations: 500 }, overrides: { lrSchedule: "cosine" } })?.field, "lrDecaySteps");
    assert.equal(checkRunRequest({ ...ok, stop: { evaluations: 500 }, overrides: { lrSchedule: "cosine", lrDecaySteps: 40 } }), null);
  });

  it("puts runs under the objective's workspace folder, or beside the objective outside one", () => {
    assert.equal(runsFolderFor("/w/sub/f.ts", "/w", ".zoar/runs"), path.resolve("/w/.zoar/runs"));
    assert.equal(runsFolderFor("/elsewhere/f.ts", undefined, ".zoar/runs"), path.resolve("/elsewhere/.zoar/runs"));
    assert.equal(runsFolderFor("/w/f.ts", "/w", "/data/runs"), path.resolve("/data/runs"));
  });
});
