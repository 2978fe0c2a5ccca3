// Real runs in worker threads through the host's hub: a comparison runs one
// optimizer after another, a new hub (a reloaded window) shows the same runs
// from the runs folder, and an objective's error keeps its file and line.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { optimizerEntry, optimizerNames } from "../../src/engine";
import { type DashboardSnapshot, optimizerSchemas } from "../../src/protocol";
import { RunController } from "../../src/run/controller";
import type { RunResult } from "../../src/run/types";
import { ObjectiveHub } from "../../src/extension/objectiveHub";
import { compareRequests, DEFAULT_SETTINGS, defaultRequest, type ZoarSettings } from "../../src/extension/settings";
import { positionOf, runFixture, waitFor } from "../run/helpers";

const CAN_RUN = { canRun: true };

describe("objective hub with real runs", function () {
  this.timeout(120_000);
  let runsDir: string;
  const settings: ZoarSettings = { ...DEFAULT_SETTINGS, iterations: 30, seed: 5 };
  const hubs: ObjectiveHub[] = [];

  function newHub(onFinished?: (result: RunResult) => void): ObjectiveHub {
    const hub = new ObjectiveHub({
      launch: (runSettings) => RunController.start(runSettings),
      events: { finished: (event) => onFinished?.(event.result) },
      displayPath: (file) => path.basename(file),
      runsDirOf: () => runsDir,
    });
    hubs.push(hub);
    return hub;
  }

  beforeEach(() => {
    runsDir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-hub-test-"));
  });
  afterEach(async () => {
    for (const hub of hubs.splice(0)) await hub.stopAll();
    fs.rmSync(runsDir, { recursive: true, force: true });
  });

  it("compares optimizers one after another, and a reloaded window shows the same runs from disk", async () => {
    const objective = runFixture("quadratic.ts");
    const hub = newHub();
    const entry = hub.get(objective);
    const outcome = hub.startRuns(entry, compareRequests(["zoar", "vanilla"], settings), settings);
    assert.ok(outcome.ok);
    assert.equal(hub.startRuns(entry, [defaultRequest(settings)], settings).ok, false, "one run of an objective at a time");
    await entry.runner.whenIdle();
    await waitFor(() => entry.session.snapshot(CAN_RUN, []).parameters?.runId === outcome.runIds[1], 10_000, "the last run's parameters");

    const live = entry.session.snapshot(CAN_RUN, []);
    assert.deepEqual(
      live.runs.map((run) => [run.header.label, run.header.status, run.header.iteration, run.series.iteration.length]),
      [
        ["zoar #1", "done", 30, 30],
        ["vanilla #1", "done", 30, 30],
      ],
    );
    assert.deepEqual(live.objective, { name: "quadratic", file: "quadratic.ts", dimension: 5, description: "sum of (x_i - 1)^2" });
    assert.equal(live.selectedRunId, outcome.runIds[1]);
    assert.equal(live.parameters!.dimension, 5);
    assert.equal(live.inspector!.optimizer, "vanilla");
    assert.deepEqual(fs.readdirSync(runsDir).sort(), [...outcome.runIds].sort());

    const reloaded = newHub().get(objective);
    await reloaded.history;
    const restored = reloaded.session.snapshot(CAN_RUN, []);
    assert.deepEqual(
      restored.runs.map((run) => [run.header.runId, run.header.label, run.header.status, run.header.reason]),
      live.runs.map((run) => [run.header.runId, run.header.label, "done", "iteration limit reached"]),
    );
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(restored.runs[i].series, live.runs[i].series, "the stored trace decimates to what the live run showed");
      assert.equal(restored.runs[i].header.bestValue, live.runs[i].header.bestValue);
    }
    assert.equal(restored.objective!.dimension, 5);
  });

  it("loads a stored run's inspector and best parameters from its checkpoint when it is selected", async () => {
    const objective = runFixture("quadratic.ts");
    const first = newHub().get(objective);
    const runId = newHub().startRuns(first, [defaultRequest(settings)], settings);
    assert.ok(runId.ok);
    await first.runner.whenIdle();

    const hub = newHub();
    const entry = hub.get(objective);
    await entry.history;
    assert.equal(entry.session.hasDetails(runId.runIds[0]), false);
    assert.ok(entry.session.select(runId.runIds[0]));
    hub.loadDetails(entry, runId.runIds[0]);
    await waitFor(() => entry.session.hasDetails(runId.runIds[0]), 10_000, "details from the checkpoint");
    const snapshot = entry.session.snapshot(CAN_RUN, []);
    assert.equal(snapshot.inspector!.iteration, 30);
    assert.equal(snapshot.inspector!.estimator, "zoar");
    assert.equal(snapshot.parameters!.dimension, 5);
    assert.equal(snapshot.parameters!.value, snapshot.runs[0].header.bestValue);
  });

  it("gives the settings form the objective's recommended settings once a run has started, and again from a stored run", async () => {
    const objective = runFixture("recommends-settings.ts"); // spsa: lr 0.05, mu 0.02
    const schemas = optimizerSchemas(optimizerNames().map(optimizerEntry));
    const presetLr = optimizerEntry("spsa").config.lr;
    const fieldsOf = (snapshot: DashboardSnapshot, optimizer: string) => Object.fromEntries(snapshot.optimizers.find((o) => o.name === optimizer)!.fields.map((f) => [f.key, f]));
    const entry = newHub().get(objective);
    assert.equal(fieldsOf(entry.session.snapshot(CAN_RUN, schemas), "spsa").lr.default, presetLr, "before any run: the preset's");

    const outcome = newHub().startRuns(entry, [defaultRequest(settings)], settings);
    assert.ok(outcome.ok);
    await entry.runner.whenIdle();
    for (const hub of [entry, newHub().get(objective)]) {
      await hub.history;
      const spsa = fieldsOf(hub.session.snapshot(CAN_RUN, schemas), "spsa");
      assert.deepEqual([spsa.lr.default, spsa.lr.recommended], [0.05, { preset: presetLr }]);
      assert.deepEqual([spsa.mu.default, spsa.mu.recommended], [0.02, { preset: optimizerEntry("spsa").config.mu }]);
      assert.equal(spsa.queries.recommended, undefined);
      const zoar = fieldsOf(hub.session.snapshot(CAN_RUN, schemas), "zoar");
      assert.deepEqual([zoar.lr.default, zoar.lr.recommended], [optimizerEntry("zoar").config.lr, undefined], "nothing recommended for zoar");
    }
  });

  it("reports an objective's error with the file and line that threw", async () => {
    const objective = runFixture("fails-at-evaluation-100.ts");
    const results: RunResult[] = [];
    const hub = newHub((result) => results.push(result));
    const entry = hub.get(objective);
    const outcome = hub.startRuns(entry, [defaultRequest(settings)], settings);
    assert.ok(outcome.ok);
    await entry.runner.whenIdle();
    assert.equal(results.length, 1);
    const { error } = results[0];
    assert.equal(results[0].status, "failed");
    assert.equal(error?.file, objective);
    assert.equal(error?.line, positionOf(objective, "fails here").line);
    const header = entry.session.header(outcome.runIds[0])!;
    assert.equal(header.status, "failed");
    assert.match(header.reason!, /the simulator diverged/);
  });
});
