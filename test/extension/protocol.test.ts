// The webview protocol: what the host accepts from the webview, and the
// settings form's schema, whose rules must agree with the engine's own checks.
import assert from "node:assert/strict";
import { type OptimizerConfig, optimizerEntry, optimizerNames, resolveConfig } from "../../src/engine";
import { HYPERPARAMETER_KEYS, checkHyperparameter, optimizerSchemas, validateWebviewMessage } from "../../src/protocol";

const START = { type: "start", requestId: 3, optimizer: "zoar", overrides: { lr: 0.01, queries: 20, sampler: "sphere", amsgrad: true }, seed: 42, stop: { iterations: 500, evaluations: 6000, target: -1.5 } };

function rejection(raw: unknown): string {
  const result = validateWebviewMessage(raw);
  assert.ok("error" in result, `expected ${JSON.stringify(raw)} to be rejected`);
  return result.error;
}

describe("webview message validation", () => {
  it("accepts every message type the webview posts", () => {
    const valid = [
      { type: "ready" },
      START,
      { type: "compare", requestId: 4, optimizers: ["zoar", "vanilla"], seed: 1, stop: { iterations: 100 } },
      { type: "pause", runId: "20250101-120000-abcd" },
      { type: "resume", runId: "r" },
      { type: "step", runId: "r" },
      { type: "stop", runId: "r" },
      { type: "saveParameters", requestId: 0, runId: "r" },
      { type: "selectRun", runId: "r" },
      { type: "setAxis", view: { x: "evaluations", y: "linear" } },
    ];
    for (const message of valid) assert.deepEqual(validateWebviewMessage(message), message);
  });

  it("rebuilds messages from their known fields only", () => {
    const result = validateWebviewMessage({ ...START, extra: "<script>", stop: { iterations: 5, unknown: 1 } });
    assert.deepEqual(result, { ...START, stop: { iterations: 5 } });
  });

  it("rejects what is not a message, and unknown types", () => {
    assert.match(rejection(null), /message must be an object/);
    assert.match(rejection("ready"), /message must be an object/);
    assert.match(rejection([{ type: "ready" }]), /message must be an object/);
    assert.match(rejection({}), /unknown message type undefined/);
    assert.match(rejection({ type: "deleteEverything" }), /unknown message type "deleteEverything"/);
    assert.match(rejection({ type: "__proto__" }), /unknown message type/);
  });

  it("rejects bad values with a message naming the field", () => {
    assert.match(rejection({ ...START, requestId: -1 }), /requestId/);
    assert.match(rejection({ ...START, requestId: 1.5 }), /requestId/);
    assert.match(rejection({ ...START, optimizer: "" }), /optimizer must be an optimizer name/);
    assert.match(rejection({ ...START, optimizer: "../../etc" }), /optimizer must be an optimizer name/);
    assert.match(rejection({ ...START, seed: 2 ** 32 }), /seed/);
    assert.match(rejection({ ...START, seed: "1" }), /seed/);
    assert.match(rejection({ ...START, stop: { iterations: 0 } }), /stop.iterations must be an integer >= 1/);
    assert.match(rejection({ ...START, stop: { evaluations: 10.5 } }), /stop.evaluations/);
    assert.match(rejection({ ...START, stop: { target: null } }), /stop.target must be a finite number/);
    assert.match(rejection({ ...START, stop: undefined }), /stop must be an object/);
    assert.match(rejection({ ...START, overrides: { lr: -1 } }), /overrides.lr must be a number > 0/);
    assert.match(rejection({ ...START, overrides: { queries: 2.5 } }), /overrides.queries must be an integer >= 1/);
    assert.match(rejection({ ...START, overrides: { beta2: 1 } }), /overrides.beta2 must be a number in \[0, 1\)/);
    assert.match(rejection({ ...START, overrides: { sampler: "cauchy" } }), /overrides.sampler must be one of gaussian, sphere/);
    assert.match(rejection({ ...START, overrides: { amsgrad: "yes" } }), /overrides.amsgrad must be true or false/);
    assert.match(rejection({ ...START, overrides: { estimator: "vanilla" } }), /overrides.estimator is not a hyperparameter/);
    assert.match(rejection({ ...START, overrides: { constructor: 1 } }), /not a hyperparameter/);
    assert.match(rejection({ type: "compare", requestId: 1, optimizers: [], seed: 1, stop: {} }), /optimizers must be a list of 1 to 12 names/);
    assert.match(rejection({ type: "compare", requestId: 1, optimizers: ["zoar", "zoar"], seed: 1, stop: {} }), /must not repeat/);
    assert.match(rejection({ type: "pause" }), /runId/);
    assert.match(rejection({ type: "stop", runId: "x".repeat(201) }), /runId/);
    assert.match(rejection({ type: "setAxis", view: { x: "time", y: "log" } }), /view.x/);
    assert.match(rejection({ type: "setAxis", view: { x: "iteration", y: "symlog" } }), /view.y/);
  });
});

describe("settings form schema", () => {
  const schemas = optimizerSchemas(optimizerNames().map(optimizerEntry));

  it("offers every registered optimizer with its summary and its defaults", () => {
    assert.deepEqual(schemas.map((s) => s.name), optimizerNames());
    for (const schema of schemas) {
      const { config, summary } = optimizerEntry(schema.name);
      assert.equal(schema.summary, summary);
      for (const field of schema.fields) assert.equal(field.default, config[field.key], `${schema.name}.${field.key}`);
      assert.ok(["queries", "mu", "lr"].every((key) => schema.fields.some((f) => f.key === key)), schema.name);
    }
  });

  it("shows only the hyperparameters an optimizer uses", () => {
    const keys = (name: string) => schemas.find((s) => s.name === name)!.fields.map((f) => f.key);
    assert.ok(keys("zoar").includes("histories"));
    assert.ok(!keys("vanilla").includes("histories"), "vanilla keeps no history");
    assert.ok(keys("zohs-ema").includes("emaDecay"));
    assert.ok(!keys("zo-sgd").includes("beta1"), "plain gradient steps have no moments");
    assert.ok(keys("zo-adamm").includes("beta2"));
    for (const name of ["cma-es", "sep-cma-es"]) assert.deepEqual(keys(name), ["queries", "mu", "lr", "measureCenter"], name);
    const population = schemas.find((s) => s.name === "cma-es")!.fields.find((f) => f.key === "queries")!;
    assert.equal(population.label, "Population (lambda)");
  });

  it("accepts exactly the values the engine accepts", () => {
    const candidates = [-1, 0, 1e-9, 0.5, 0.999, 1, 1.5, 2, 10, NaN, Infinity, true, "gaussian", "sphere", "x"];
    const base = optimizerEntry("zoar").config;
    for (const key of HYPERPARAMETER_KEYS) {
      for (const value of candidates) {
        let engineAccepts = true;
        try {
          // epsInsideSqrt lets eps be 0, so the range of eps alone is what is checked.
          resolveConfig({ ...(key === "eps" ? { epsInsideSqrt: true } : {}), [key]: value } as Partial<OptimizerConfig>, base);
        } catch {
          engineAccepts = false;
        }
        assert.equal(checkHyperparameter(key, value) === null, engineAccepts, `${key} = ${String(value)}`);
      }
    }
  });
});
