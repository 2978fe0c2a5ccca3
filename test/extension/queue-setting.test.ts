import * as assert from "node:assert/strict";
import { evaluatorLabel } from "../../src/extension/runView";
import { DEFAULT_SETTINGS, defaultRequest, readSettings, runSettingsFor } from "../../src/extension/settings";

describe("zoar.queue", () => {
  const get = (values: Record<string, unknown>) => (key: string) => values[key];

  it("is empty (local) by default, and a queued run gets the URL, password included, only in its settings", () => {
    assert.equal(readSettings(get({})).settings.queue, "");
    const { settings, problems } = readSettings(get({ queue: "redis://:pw@10.1.2.3:6379" }));
    assert.deepEqual(problems, []);
    const run = runSettingsFor(defaultRequest(settings), { objectiveFile: "/w/f.ts", runDir: "/w/.zoar/runs/r1", settings });
    assert.equal(run.queue, "redis://:pw@10.1.2.3:6379");
    const local = runSettingsFor(defaultRequest(DEFAULT_SETTINGS), { objectiveFile: "/w/f.ts", runDir: "/w/.zoar/runs/r1", settings: { ...DEFAULT_SETTINGS } });
    assert.equal("queue" in local, false);
  });

  it("falls back to local evaluation on a bad URL, and the report never repeats the password", () => {
    const { settings, problems } = readSettings(get({ queue: "http://:hunter2@host:1" }));
    assert.equal(settings.queue, "");
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^zoar\.queue "http:\/\/host:1": unsupported queue URL scheme "http:"/);
    assert.ok(!problems[0].includes("hunter2"));
  });

  it("shows the evaluator in the dashboard header: the queue and its workers, or that it waits for them", () => {
    assert.equal(evaluatorLabel({ label: "queue redis://h:1", workers: 6 }), "queue redis://h:1, 6 workers");
    assert.equal(evaluatorLabel({ label: "queue redis://h:1", workers: 1 }), "queue redis://h:1, 1 worker");
    assert.equal(evaluatorLabel({ label: "queue redis://h:1", workers: 0, waitingForWorkers: true }), "waiting for workers on redis://h:1");
  });
});
