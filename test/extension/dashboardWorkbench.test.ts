// The dashboard's workbench requests, host side, with real runs: a sweep (one
// run per value and seed, each stored with its hyperparameters and labelled
// by its value; malformed sweeps refused before anything runs) and exports
// (a run's whole trace as CSV, chart files as sent, bad names refused).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RunController } from "../../src/run/controller";
import { type HostMessage, type ResponseMessage, validateWebviewMessage } from "../../src/protocol";
import { DashboardMessages } from "../../src/extension/dashboardMessages";
import { ObjectiveHub } from "../../src/extension/objectiveHub";
import { DEFAULT_SETTINGS, defaultRequest, readSettings, seededCompareRequests, withoutAutoLr } from "../../src/extension/settings";
import { runFixture, waitFor } from "../run/helpers";

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
    // A sweep with several seeds draws each value as one band: its runs share a seed group.
    assert.equal(new Set(headers.map((header) => header.seedGroup)).size, 2);
    assert.equal(headers[0].seedGroup, headers[1].seedGroup);
    const lrs = response.runIds!.map((runId) => (JSON.parse(fs.readFileSync(path.join(runsDir, runId, "config.json"), "utf8")) as { overrides: { lr: number } }).overrides.lr);
    assert.deepEqual(lrs, [0.001, 0.001, 0.1, 0.1]);
  });

  it("compares with several seeds as zoar compare does: each optimizer per seed, one seed group per optimizer", () => {
    const requests = seededCompareRequests(["zoar", "vanilla"], DEFAULT_SETTINGS, 2, 5, { iterations: 10 }, "b:");
    assert.deepEqual(
      requests.map((request) => [request.optimizer, request.seed, request.seedGroup]),
      [
        ["zoar", 5, "b:zoar"],
        ["vanilla", 5, "b:vanilla"],
        ["zoar", 6, "b:zoar"],
        ["vanilla", 6, "b:vanilla"],
      ],
    );
    assert.ok(seededCompareRequests(["zoar", "vanilla"], DEFAULT_SETTINGS, 1).every((request) => request.seedGroup === undefined), "one seed: no bands");
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
    assert.equal(refused({ values: [1, 2, 3, 4, 5, 6, 7], seeds: 10 }), "at most 60 runs at once (values x seeds)");
  });
});

describe("exports from the dashboard (host side)", function () {
  this.timeout(60_000);
  let runsDir: string;
  beforeEach(() => {
    runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-export-host-"));
  });
  afterEach(() => fs.rmSync(runsDir, { recursive: true, force: true }));

  it("writes a run's whole trace as CSV, a PNG's bytes and an SVG's text, and refuses bad names", async () => {
    const hub = new ObjectiveHub({ launch: (settings) => RunController.start(settings), displayPath: (file) => path.basename(file), runsDirOf: () => runsDir });
    const entry = hub.get(runFixture("quadratic.ts"));
    const posted: HostMessage[] = [];
    const saved: { name: string; format: string; content: Buffer }[] = [];
    const warnings: string[] = [];
    const messages = new DashboardMessages(hub, entry, {
      post: (message) => posted.push(message),
      sendSnapshot: () => undefined,
      availability: () => ({ canRun: true }),
      settings: () => ({ ...DEFAULT_SETTINGS, iterations: 30 }),
      saveParameters: async () => "",
      saveExport: async (name, format, content) => {
        saved.push({ name, format, content: Buffer.from(content) });
        return `Exported to ${name}`;
      },
      log: { info: () => undefined, warn: (message) => warnings.push(message), error: (message) => assert.fail(message) },
    });
    await messages.receive({ type: "start", requestId: 1, optimizer: "vanilla", overrides: {}, seed: 2, stop: { iterations: 30 } });
    await entry.runner.whenIdle();
    const [runId] = entry.session.runIds;
    await messages.receive({ type: "export", requestId: 2, format: "csv", name: "trace.csv", runId });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    await messages.receive({ type: "export", requestId: 3, format: "png", name: "chart.png", data: png.toString("base64") });
    await messages.receive({ type: "export", requestId: 4, format: "svg", name: "chart.svg", data: "<svg/>" });
    await messages.receive({ type: "export", requestId: 5, format: "svg", name: "../escape.svg", data: "<svg/>" });
    await messages.receive({ type: "export", requestId: 6, format: "png", name: "chart.png", data: "not base64!" });

    const csv = saved[0].content.toString("utf8").trimEnd().split("\n");
    assert.equal(csv.length, 31, "a header and every one of the 30 iterations");
    assert.equal(csv[30].split(",")[0], "29");
    assert.deepEqual(saved[1], { name: "chart.png", format: "png", content: png });
    assert.deepEqual(saved[2], { name: "chart.svg", format: "svg", content: Buffer.from("<svg/>") });
    assert.equal(saved.length, 3);
    const answers = posted.filter((message): message is ResponseMessage => message.type === "response");
    assert.deepEqual(answers.slice(1).map((answer) => answer.message), ["Exported to trace.csv", "Exported to chart.png", "Exported to chart.svg"]);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /name must be a plain file name ending in \.svg/);
    assert.match(warnings[1], /data of a PNG must be base64/);
  });
});

describe('"lr": "auto" in the settings (host side)', function () {
  this.timeout(120_000);
  let runsDir: string;
  beforeEach(() => {
    runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-lr-auto-host-"));
  });
  afterEach(() => fs.rmSync(runsDir, { recursive: true, force: true }));

  it("reads it from zoar.hyperparameters, picks the rate by real trials, logs why and runs the rest of the iterations", async () => {
    const { settings, problems } = readSettings((key) => ({ hyperparameters: { lr: "auto", mu: 0.02 }, iterations: 200 })[key]);
    assert.deepEqual(problems, []);
    assert.deepEqual(settings.hyperparameters, { lr: "auto", mu: 0.02 });
    const notes: string[] = [];
    const hub = new ObjectiveHub({ launch: (runSettings) => RunController.start(runSettings), events: { note: (message) => notes.push(message) }, displayPath: (file) => path.basename(file), runsDirOf: () => runsDir });
    const entry = hub.get(runFixture("quadratic.ts"));
    const outcome = hub.startRuns(entry, [defaultRequest(settings)], settings);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    await entry.runner.whenIdle();
    const [runId] = outcome.runIds;
    const header = entry.session.header(runId)!;
    assert.equal(header.status, "done");
    assert.equal(header.iteration, 160, "200 iterations less the 4 x 10 of the trials");
    assert.match(notes[0], new RegExp(`^run ${runId}: lr auto: picked (\\S+) \\(best \\S+ after 10 iterations per trial, same seed; `));
    const picked = Number(/picked (\S+)/.exec(notes[0])![1]);
    const config = JSON.parse(fs.readFileSync(path.join(runsDir, runId, "config.json"), "utf8")) as { overrides: Record<string, number> };
    assert.deepEqual(config.overrides, { lr: picked, mu: 0.02 });
    assert.deepEqual(fs.readdirSync(runsDir), [runId], "the trials leave no runs behind");
    // The dashboard's form shows numbers: the optimizer's default rate, not "auto".
    assert.deepEqual(formDefaultsOverrides(settings), { mu: 0.02 });
  });
});

describe('"lr": "auto" stopped while it picks', function () {
  this.timeout(120_000);
  it("Stop ends the trials and the run, which never starts", async () => {
    const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-lr-auto-stop-"));
    try {
      const settings = { ...DEFAULT_SETTINGS, iterations: 20_000, hyperparameters: { lr: "auto" } };
      const launched: string[] = [];
      const hub = new ObjectiveHub({
        launch: (runSettings) => {
          launched.push(String(runSettings.overrides?.lr));
          return RunController.start(runSettings);
        },
        displayPath: (file) => path.basename(file),
        runsDirOf: () => runsDir,
      });
      const entry = hub.get(runFixture("slow-quadratic.ts"));
      const outcome = hub.startRuns(entry, [defaultRequest(settings)], settings);
      assert.ok(outcome.ok);
      await waitFor(() => launched.length === 1, 30_000, "the first trial");
      assert.equal(entry.runner.command(outcome.runIds[0], "stop"), true);
      await entry.runner.whenIdle();
      const header = entry.session.header(outcome.runIds[0])!;
      assert.deepEqual([header.status, header.reason], ["stopped", "stopped while picking the learning rate"]);
      assert.deepEqual(launched, ["0.001"], "no trial after the stop, and no run");
      assert.deepEqual(fs.readdirSync(runsDir), []);
    } finally {
      fs.rmSync(runsDir, { recursive: true, force: true });
    }
  });
});

function formDefaultsOverrides(settings: ReturnType<typeof readSettings>["settings"]): Record<string, unknown> {
  return withoutAutoLr(defaultRequest(settings)).request.overrides;
}
