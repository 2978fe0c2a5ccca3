// A sweep from the dashboard: one real run per value and seed, each stored
// with its hyperparameters, labelled by its value for the legend; malformed
// sweeps are refused by the protocol check before anything runs.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RunController } from "../../src/run/controller";
import { type HostMessage, type ResponseMessage, validateWebviewMessage } from "../../src/protocol";
import { DashboardMessages } from "../../src/extension/dashboardMessages";
import { ObjectiveHub } from "../../src/extension/objectiveHub";
import { DEFAULT_SETTINGS } from "../../src/extension/settings";
import { runFixture } from "../run/helpers";

const SWEEP = { type: "sweep", requestId: 4, optimizer: "zoar", overrides: { mu: 0.02 }, key: "lr", values: [0.001, 0.1], seeds: 2, seed: 11, stop: { iterations: 12 } };

describe("sweep from the dashboard", function () {
  this.timeout(120_000);
  let runsDir: string;
  beforeEach(() => {
    runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-sweep-host-"));
  });
  afterEach(() => fs.rmSync(runsDir, { recursive: true, force: true }));

  it("runs each value with each seed, stores its hyperparameters and labels the runs by value", async () => {
    const hub = new ObjectiveHub({ launch: (settings) => RunController.start(settings), displayPath: (file) => path.basename(file), runsDirOf: () => runsDir });
    const entry = hub.get(runFixture("quadratic.ts"));
    const posted: HostMessage[] = [];
    const log = { info: () => undefined, warn: (message: string) => assert.fail(message), error: (message: string) => assert.fail(message) };
    const messages = new DashboardMessages(hub, entry, { post: (message) => posted.push(message), sendSnapshot: () => undefined, availability: () => ({ canRun: true }), settings: () => DEFAULT_SETTINGS, saveParameters: async () => "", log });
    await messages.receive(SWEEP);
    const [response] = posted as ResponseMessage[];
    assert.equal(response.ok, true, response.message);
    assert.equal(response.runIds?.length, 4);
    assert.match(response.message ?? "", /Started 4 runs, one after another: zoar lr=0\.001, zoar lr=0\.001, zoar lr=0\.1, zoar lr=0\.1/);
    await entry.runner.whenIdle();

    const headers = entry.session.runIds.map((runId) => entry.session.header(runId)!);
    assert.deepEqual(
      headers.map((header) => [header.label, header.seed, header.status]),
      [
        ["zoar lr=0.001 #1", 11, "done"],
        ["zoar lr=0.001 #2", 12, "done"],
        ["zoar lr=0.1 #1", 11, "done"],
        ["zoar lr=0.1 #2", 12, "done"],
      ],
    );
    for (const runId of response.runIds!) {
      const config = JSON.parse(fs.readFileSync(path.join(runsDir, runId, "config.json"), "utf8")) as { overrides: Record<string, number>; stop: { iterations: number } };
      assert.equal(config.overrides.mu, 0.02, "the other hyperparameters are the form's");
      assert.equal(config.stop.iterations, 12);
    }
    const lrs = response.runIds!.map((runId) => (JSON.parse(fs.readFileSync(path.join(runsDir, runId, "config.json"), "utf8")) as { overrides: { lr: number } }).overrides.lr);
    assert.deepEqual(lrs, [0.001, 0.001, 0.1, 0.1]);
  });

  it("refuses a sweep of a non-numeric hyperparameter, repeated or bad values, the swept key in the overrides, and too many runs", () => {
    const refused = (changes: Record<string, unknown>) => {
      const checked = validateWebviewMessage({ ...SWEEP, ...changes });
      return "error" in checked ? checked.error : "accepted";
    };
    assert.equal(refused({}), "accepted");
    assert.equal(refused({ key: "sampler" }), "key must be a numeric hyperparameter");
    assert.equal(refused({ values: [0.1, 0.1] }), "values must not repeat a value");
    assert.equal(refused({ values: [0.1, -1] }), "values[1] must be a number > 0");
    assert.equal(refused({ key: "queries", values: [2, 2.5] }), "values[1] must be an integer >= 1");
    assert.equal(refused({ overrides: { lr: 0.5 } }), "overrides must not hold the swept lr");
    assert.equal(refused({ seeds: 0 }), "seeds must be an integer in [1, 10]");
    assert.equal(refused({ values: [1, 2, 3, 4, 5, 6, 7], seeds: 10 }), "a sweep runs at most 60 runs (values x seeds)");
  });
});
