// What the host does with the dashboard's messages: bad ones are logged and
// ignored (never thrown), requests always get an answer, runs start with the
// settings' evaluation options, and nothing starts in Restricted Mode.
import assert from "node:assert/strict";
import * as path from "node:path";
import type { RunResult, RunSettings } from "../../src/run/types";
import type { HostMessage, ResponseMessage } from "../../src/protocol";
import { DashboardMessages, type DashboardHost } from "../../src/extension/dashboardMessages";
import { ObjectiveHub } from "../../src/extension/objectiveHub";
import type { RunHandle } from "../../src/extension/objectiveRunner";
import type { RunAvailability } from "../../src/extension/session";
import { DEFAULT_SETTINGS } from "../../src/extension/settings";

const RUNS_DIR = path.resolve("/nonexistent-zoar-test/runs");
const OBJECTIVE = path.resolve("/nonexistent-zoar-test/objective.ts");

function pendingRun(settings: RunSettings, commands: string[]): RunHandle {
  const record = (name: string) => () => void commands.push(`${name} ${path.basename(settings.runDir!)}`);
  return {
    runDir: settings.runDir!,
    finished: new Promise<RunResult>(() => undefined),
    onStarted: () => () => undefined,
    onProgress: () => () => undefined,
    pause: record("pause"),
    resume: record("resume"),
    step: record("step"),
    stop: record("stop"),
  };
}

function setup(options: { availability?: RunAvailability; save?: DashboardHost["saveParameters"] } = {}) {
  const launched: RunSettings[] = [];
  const commands: string[] = [];
  const hub = new ObjectiveHub({
    launch: (settings) => {
      launched.push(settings);
      return pendingRun(settings, commands);
    },
    displayPath: (file) => path.basename(file),
    runsDirOf: () => RUNS_DIR,
  });
  const entry = hub.get(OBJECTIVE);
  const posted: HostMessage[] = [];
  const logged: { level: string; message: string }[] = [];
  let snapshots = 0;
  const host: DashboardHost = {
    post: (message) => posted.push(message),
    sendSnapshot: () => snapshots++,
    availability: () => options.availability ?? { canRun: true },
    settings: () => ({ ...DEFAULT_SETTINGS, iterations: 250, evaluationTimeout: 2.5, onnxProvider: "cpu", nonFinite: "skip" }),
    saveParameters: options.save ?? (async () => "Saved to objective.params.json"),
    log: {
      info: (message) => logged.push({ level: "info", message }),
      warn: (message) => logged.push({ level: "warn", message }),
      error: (message) => logged.push({ level: "error", message }),
    },
  };
  const messages = new DashboardMessages(hub, entry, host);
  const responses = () => posted.filter((message): message is ResponseMessage => message.type === "response");
  return { hub, entry, messages, posted, responses, logged, launched, commands, snapshotCount: () => snapshots };
}

const START = { type: "start", requestId: 7, optimizer: "zoar", overrides: { lr: 0.01 }, seed: 3, stop: { target: 0.5 } };

describe("dashboard messages (host side)", () => {
  it("logs and ignores messages that fail validation, without answering or throwing", async () => {
    const { messages, posted, logged, launched } = setup();
    const bad: unknown[] = [
      null,
      "start",
      { type: "launchMissiles" },
      { ...START, requestId: -1 },
      { ...START, overrides: { lr: -1 } },
      { ...START, overrides: { notAParameter: 1 } },
      { type: "pause" },
      { type: "setAxis", view: { x: "time", y: "log" } },
      { type: "compare", requestId: 1, optimizers: ["zoar", "zoar"], seed: 1, stop: {} },
    ];
    for (const raw of bad) await messages.receive(raw);
    const cyclic: Record<string, unknown> = { type: "ready?" };
    cyclic.self = cyclic;
    await messages.receive(cyclic);
    assert.deepEqual(posted, []);
    assert.equal(launched.length, 0);
    assert.equal(logged.filter((entry) => entry.level === "warn" && entry.message.startsWith("dashboard message rejected")).length, bad.length + 1);
  });

  it("answers 'ready' with a snapshot", async () => {
    const { messages, snapshotCount } = setup();
    await messages.receive({ type: "ready" });
    assert.equal(snapshotCount(), 1);
  });

  it("starts a run with the form's values and the settings' evaluation options", async () => {
    const { messages, responses, launched } = setup();
    await messages.receive(START);
    const [response] = responses();
    assert.equal(response.requestId, 7);
    assert.equal(response.ok, true, response.message);
    assert.equal(response.runIds!.length, 1);
    assert.equal(launched.length, 1);
    const settings = launched[0];
    assert.equal(settings.objectiveFile, OBJECTIVE);
    assert.equal(settings.optimizer, "zoar");
    assert.deepEqual(settings.overrides, { lr: 0.01 });
    assert.equal(settings.seed, 3);
    assert.deepEqual(settings.stop, { target: 0.5, iterations: 250 }, "a target alone cannot end a run: the settings' iterations bound it");
    assert.equal(settings.timeoutMs, 2500);
    assert.equal(settings.provider, "cpu");
    assert.equal(settings.nonFinite, "skip");
    assert.equal(path.dirname(settings.runDir!), RUNS_DIR);
    assert.equal(path.basename(settings.runDir!), response.runIds![0]);
  });

  it("refuses a second start while a run is going, and any start in Restricted Mode", async () => {
    const busy = setup();
    await busy.messages.receive(START);
    await busy.messages.receive({ ...START, requestId: 8 });
    assert.deepEqual(
      busy.responses().map((r) => r.ok),
      [true, false],
    );
    assert.match(busy.responses()[1].message!, /in progress/);

    const untrusted = setup({ availability: { canRun: false, canRunReason: "Restricted Mode: trust the workspace" } });
    await untrusted.messages.receive(START);
    await untrusted.messages.receive({ type: "compare", requestId: 9, optimizers: ["zoar", "vanilla"], seed: 1, stop: {} });
    assert.deepEqual(
      untrusted.responses().map((r) => [r.ok, r.message]),
      [
        [false, "Restricted Mode: trust the workspace"],
        [false, "Restricted Mode: trust the workspace"],
      ],
    );
    assert.equal(untrusted.launched.length, 0);
  });

  it("names the form field of a request the engine refuses", async () => {
    const { messages, responses, launched } = setup();
    await messages.receive({ ...START, optimizer: "no-such-optimizer" });
    await messages.receive({ ...START, requestId: 8, optimizer: "zoar", overrides: { beta1: 0.9, histories: 2, queries: 1, lr: 1e300 } });
    assert.deepEqual(responses()[0], { type: "response", requestId: 7, ok: false, field: "optimizer", message: responses()[0].message });
    assert.equal(responses()[1].ok, true, "values inside every range are accepted");
    assert.equal(launched.length, 1);
  });

  it("queues a comparison with each optimizer's defaults, the same seed and stop conditions", async () => {
    const { messages, responses, launched, entry } = setup();
    await messages.receive({ type: "compare", requestId: 4, optimizers: ["vanilla", "zoar", "radazo"], seed: 11, stop: { iterations: 40 } });
    const [response] = responses();
    assert.equal(response.ok, true);
    assert.equal(response.runIds!.length, 3);
    assert.equal(new Set(response.runIds).size, 3, "each run gets its own folder");
    assert.equal(launched.length, 1, "one after another");
    assert.deepEqual(launched[0].overrides, {});
    assert.deepEqual(
      response.runIds!.map((id) => entry.session.header(id)!.optimizer),
      ["vanilla", "zoar", "radazo"],
    );
    assert.deepEqual(
      response.runIds!.map((id) => entry.session.header(id)!.seed),
      [11, 11, 11],
    );
  });

  it("forwards run commands to this window's runs and ignores unknown run ids", async () => {
    const { messages, responses, commands, logged } = setup();
    await messages.receive(START);
    const runId = responses()[0].runIds![0];
    await messages.receive({ type: "pause", runId });
    await messages.receive({ type: "step", runId });
    await messages.receive({ type: "stop", runId: "someone-elses-run" });
    assert.deepEqual(commands, [`pause ${runId}`, `step ${runId}`]);
    assert.ok(logged.some((entry) => entry.level === "warn" && entry.message.includes("someone-elses-run")));
  });

  it("answers saveParameters with the outcome, also when saving fails", async () => {
    let saved: string[] = [];
    const ok = setup({ save: async (runId, runDir) => (saved.push(`${runId} ${runDir}`), "Saved to a.params.json") });
    await ok.messages.receive(START);
    const runId = ok.responses()[0].runIds![0];
    await ok.messages.receive({ type: "saveParameters", requestId: 21, runId });
    assert.deepEqual(ok.responses()[1], { type: "response", requestId: 21, ok: true, message: "Saved to a.params.json" });
    assert.deepEqual(saved, [`${runId} ${path.join(RUNS_DIR, runId)}`]);

    saved = [];
    const failing = setup({
      save: async () => {
        throw new Error("disk full");
      },
    });
    await failing.messages.receive(START);
    await failing.messages.receive({ type: "saveParameters", requestId: 22, runId: failing.responses()[0].runIds![0] });
    await failing.messages.receive({ type: "saveParameters", requestId: 23, runId: "unknown" });
    assert.deepEqual(
      failing.responses().slice(1).map((r) => [r.requestId, r.ok, r.message]),
      [
        [22, false, "disk full"],
        [23, false, "This run has no folder yet: it never started."],
      ],
    );
  });

  it("answers a request whose handler throws instead of letting the error escape", async () => {
    const { messages, responses, logged, hub } = setup();
    hub.startRuns = () => {
      throw new Error("unexpected");
    };
    await messages.receive(START);
    assert.deepEqual(responses()[0], { type: "response", requestId: 7, ok: false, message: "start failed: unexpected" });
    assert.ok(logged.some((entry) => entry.level === "error" && entry.message.includes("unexpected")));
  });

  it("keeps the chart axes and the selection the webview reports", async () => {
    const { messages, entry, responses, logged } = setup();
    await messages.receive({ type: "setAxis", view: { x: "evaluations", y: "linear" } });
    assert.deepEqual(entry.session.chartView, { x: "evaluations", y: "linear" });
    await messages.receive({ type: "compare", requestId: 1, optimizers: ["zoar", "vanilla"], seed: 1, stop: {} });
    const [, second] = responses()[0].runIds!;
    await messages.receive({ type: "selectRun", runId: second });
    assert.equal(entry.session.selectedRunId, second);
    await messages.receive({ type: "selectRun", runId: "missing" });
    assert.equal(entry.session.selectedRunId, second);
    assert.ok(logged.some((e) => e.message.includes("selectRun ignored")));
  });
});
