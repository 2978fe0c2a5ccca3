// The dashboard's view of named parameters: rows by name, the start from saved
// parameters, and the message field that asks for it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DashboardMessages, type DashboardHost } from "../../src/extension/dashboardMessages";
import { summarizeParameters } from "../../src/extension/decimate";
import { ObjectiveHub } from "../../src/extension/objectiveHub";
import type { RunHandle } from "../../src/extension/objectiveRunner";
import { coordinateMap } from "../../src/extension/parameterRows";
import { DEFAULT_SETTINGS } from "../../src/extension/settings";
import { choice, encodeParameters, integer, logUniform, vector } from "../../src/objective/parameters";
import { type ResponseMessage, validateWebviewMessage } from "../../src/protocol";
import type { RunResult, RunSettings } from "../../src/run/types";

const space = { rate: logUniform(1e-4, 1), layers: integer(1, 4), solver: choice(["cg", "gmres"]), weights: vector(3, { lower: -1, upper: 1 }) };

describe("named parameters on the dashboard", () => {
  it("summarizes the best point by name: values, ranges, positions, and a histogram per vector", () => {
    const point = encodeParameters(space, { rate: 1e-2, layers: 4, solver: "gmres", weights: [-1, 0, 1] });
    const summary = summarizeParameters("run-1", { value: 0.5, iteration: 7, point }, 20, 4, space);
    const [rate, layers, solver, weights] = summary.named!;
    assert.equal(rate.name, "rate");
    assert.ok(Math.abs((rate.value as number) - 1e-2) < 1e-15);
    assert.equal(rate.declaration, "logUniform(0.0001, 1)");
    assert.ok(Math.abs(rate.position! - 0.5) < 1e-12, "the middle of a log range");
    assert.deepEqual([layers.value, layers.lower, layers.upper, layers.position], [4, 1, 4, 0.875]);
    assert.deepEqual([solver.value, solver.position], ["gmres", undefined]);
    assert.deepEqual([weights.value, weights.length, weights.histogram], [null, 3, { min: -1, max: 1, counts: [1, 0, 1, 1] }]);
    assert.equal(summary.dimension, 7, "the coordinates stay described too");
    assert.equal(coordinateMap(space), "Coordinates, each normalised to [0, 1]: 0 rate (log scale), 1 layers (integer), 2-3 solver (one per option), 4-6 weights.");
  });

  it("accepts startFromSaved from the webview only as a boolean", () => {
    const start = { type: "start", requestId: 1, optimizer: "zoar", overrides: {}, seed: 0, stop: {}, startFromSaved: true };
    assert.deepEqual(validateWebviewMessage(start), start);
    assert.deepEqual(validateWebviewMessage({ ...start, startFromSaved: "yes" }), { error: "startFromSaved must be true or false" });
  });

  it("starts from the objective's saved parameters when asked, and names the field when there are none", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-start-saved-"));
    try {
      const objective = path.join(folder, "tune.ts");
      const launched: RunSettings[] = [];
      const hub = new ObjectiveHub({
        launch: (settings): RunHandle => {
          launched.push(settings);
          const nothing = () => undefined;
          return { runDir: settings.runDir!, finished: new Promise<RunResult>(nothing), onStarted: () => nothing, onProgress: () => nothing, pause: nothing, resume: nothing, step: nothing, stop: nothing };
        },
        displayPath: (file) => path.basename(file),
        runsDirOf: () => path.join(folder, "runs"),
      });
      const responses: ResponseMessage[] = [];
      const host: DashboardHost = {
        post: (message) => void (message.type === "response" && responses.push(message)),
        sendSnapshot: () => undefined,
        availability: () => ({ canRun: true }),
        settings: () => DEFAULT_SETTINGS,
        saveParameters: async () => "",
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      };
      const messages = new DashboardMessages(hub, hub.get(objective), host);
      const start = { type: "start", requestId: 1, optimizer: "zoar", overrides: {}, seed: 0, stop: { iterations: 5 }, startFromSaved: true };
      await messages.receive(start);
      assert.equal(responses[0].ok, false);
      assert.equal(responses[0].field, "startFromSaved");
      assert.match(responses[0].message!, /tune\.params\.json does not exist yet/);

      fs.writeFileSync(path.join(folder, "tune.params.json"), JSON.stringify({ objective: "tune.ts", parameters: [0] }));
      await messages.receive({ ...start, requestId: 2 });
      assert.equal(responses[1].ok, true, responses[1].message);
      assert.equal(launched[0].initialFile, path.join(folder, "tune.params.json"));
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
