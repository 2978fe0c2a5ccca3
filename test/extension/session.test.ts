// The host's view model of a dashboard: what a webview that applies the
// snapshot and then every update holds must equal a fresh snapshot.
import assert from "node:assert/strict";
import { type DashboardSnapshot, type HostMessage, type RunHeader, applySeriesUpdate } from "../../src/protocol";
import type { TracePoint } from "../../src/extension/decimate";
import { startingHeader } from "../../src/extension/runView";
import { ObjectiveSession } from "../../src/extension/session";

const CAN_RUN = { canRun: true };

function point(iteration: number): TracePoint {
  const value = 100 / (1 + iteration) + (iteration % 7);
  return { iteration, evaluations: 11 * (iteration + 1), value, best: 100 / (1 + iteration), baseline: value / 2, gradientNorm: 1 / (1 + iteration), stepNorm: 0.01 };
}

function header(runId: string, optimizer = "zoar"): RunHeader {
  return startingHeader({ runId, label: "", optimizer, seed: 1, stop: { iterations: 100 } });
}

/** A stand-in for the webview's store: applies snapshots and progress messages like the dashboard does. */
class Receiver {
  data: DashboardSnapshot | null = null;

  apply(message: HostMessage): void {
    if (message.type === "snapshot") {
      this.data = structuredClone(message.snapshot);
      return;
    }
    assert.equal(message.type, "progress");
    assert.ok(this.data, "progress before any snapshot");
    let run = this.data.runs.find((r) => r.header.runId === message.header.runId);
    if (!run) {
      assert.equal(message.series.from, 0, "a new run's first update starts at row 0");
      run = { header: message.header, series: { iteration: [], evaluations: [], value: [], best: [], baseline: [], gradientNorm: [], stepNorm: [] } };
      this.data.runs.push(run);
    }
    assert.ok(applySeriesUpdate(run.series, message.series), "update fits the rows held");
    run.header = message.header;
    if (message.inspector) this.data.inspector = message.inspector;
    if (message.parameters) this.data.parameters = message.parameters;
  }
}

function sync(session: ObjectiveSession, receiver: Receiver): HostMessage[] {
  const update = session.takeUpdate();
  const messages: HostMessage[] =
    update.kind === "snapshot" ? [{ type: "snapshot", snapshot: session.snapshot(CAN_RUN, []) }] : update.kind === "progress" ? update.messages : [];
  for (const message of messages) receiver.apply(message);
  return messages;
}

describe("dashboard session (host view model)", () => {
  it("names the objective after its file until a run reports its definition", () => {
    const session = new ObjectiveSession("/w/examples/levy.ts", "examples/levy.ts");
    assert.equal(session.objective.name, "levy");
    assert.equal(session.objective.file, "examples/levy.ts");
    assert.ok(Number.isNaN(session.objective.dimension));
    session.setObjectiveInfo({ name: "levy-1000", dimension: 1000, description: "Levy" });
    assert.deepEqual(session.objective, { name: "levy-1000", file: "examples/levy.ts", dimension: 1000, description: "Levy" });
  });

  it("keeps a webview that applies every update equal to a fresh snapshot, through bucket merges", () => {
    const session = new ObjectiveSession("/w/a.ts", "a.ts");
    const receiver = new Receiver();
    session.addLiveRuns([{ runId: "r1", header: header("r1"), runDir: "/runs/r1", created: "2026-01-01T00:00:00.000Z" }]);
    receiver.apply({ type: "snapshot", snapshot: session.snapshot(CAN_RUN, []) });
    let sent = 0;
    let last = -1;
    for (let t = 0; t < 20_000; t += 97) {
      session.appendTrace("r1", Array.from({ length: 97 }, (_, i) => point(t + i)));
      last = t + 96;
      session.updateHeader("r1", (h) => ({ ...h, status: "running", iteration: t + 97 }));
      sent += sync(session, receiver).length;
    }
    assert.ok(sent > 100);
    const fresh = session.snapshot(CAN_RUN, []);
    assert.deepEqual(receiver.data!.runs[0].series, fresh.runs[0].series);
    assert.equal(receiver.data!.runs[0].header.iteration, fresh.runs[0].header.iteration);
    assert.ok(fresh.runs[0].series.iteration.length <= 2000, "decimated to at most 2,000 rows");
    assert.equal(fresh.runs[0].series.iteration.at(-1), last, "the latest iteration is always shown");
  });

  it("sends a status change without new rows as an empty update at the rows held", () => {
    const session = new ObjectiveSession("/w/a.ts", "a.ts");
    session.addLiveRuns([{ runId: "r1", header: header("r1"), runDir: undefined, created: "2026-01-01T00:00:00.000Z" }]);
    session.appendTrace("r1", [point(0), point(1), point(2)]);
    session.snapshot(CAN_RUN, []);
    session.updateHeader("r1", (h) => ({ ...h, status: "paused" }));
    const update = session.takeUpdate();
    assert.equal(update.kind, "progress");
    if (update.kind !== "progress") return;
    assert.equal(update.messages.length, 1);
    assert.equal(update.messages[0].header.status, "paused");
    assert.deepEqual({ from: update.messages[0].series.from, total: update.messages[0].series.total }, { from: 3, total: 3 });
    assert.equal(update.messages[0].series.rows.iteration.length, 0);
    assert.equal(session.takeUpdate().kind, "none", "nothing more to send");
  });

  it("numbers runs per optimizer in creation order, stored runs before this window's", () => {
    const session = new ObjectiveSession("/w/a.ts", "a.ts");
    session.addLiveRuns([
      { runId: "live-zoar", header: header("live-zoar"), runDir: undefined, created: "2026-03-01T00:00:00.000Z" },
      { runId: "live-vanilla", header: header("live-vanilla", "vanilla"), runDir: undefined, created: "2026-03-01T00:00:00.000Z" },
    ]);
    session.snapshot(CAN_RUN, []);
    session.addStoredRun({ runId: "old-zoar", header: header("old-zoar"), runDir: "/runs/old", created: "2026-02-01T00:00:00.000Z" }, [point(0)]);
    assert.equal(session.takeUpdate().kind, "snapshot", "labels of shown runs changed: everything again");
    const snapshot = session.snapshot(CAN_RUN, []);
    assert.deepEqual(
      snapshot.runs.map((run) => [run.header.runId, run.header.label]),
      [
        ["old-zoar", "zoar #1"],
        ["live-zoar", "zoar #2"],
        ["live-vanilla", "vanilla #1"],
      ],
    );
    assert.equal(snapshot.selectedRunId, "live-zoar", "the first run of a comparison is selected");
  });

  it("sends inspector and parameters with the selected run only, and again after a selection", () => {
    const session = new ObjectiveSession("/w/a.ts", "a.ts");
    session.addStoredRun({ runId: "a", header: header("a"), runDir: "/runs/a", created: "1" }, [point(0)]);
    session.addStoredRun({ runId: "b", header: header("b"), runDir: "/runs/b", created: "2" }, [point(0)]);
    session.snapshot(CAN_RUN, []);
    const parameters = (runId: string) => ({ runId, iteration: 0, value: 1, dimension: 1, head: [1], histogram: { min: 1, max: 1, counts: [1] } });
    session.setParameters("a", parameters("a"));
    session.setParameters("b", parameters("b"));
    let update = session.takeUpdate();
    assert.equal(update.kind, "progress");
    if (update.kind !== "progress") return;
    assert.equal(session.selectedRunId, "b", "the newest run is selected by default");
    assert.equal(update.messages.find((m) => m.header.runId === "a")!.parameters, undefined);
    assert.equal(update.messages.find((m) => m.header.runId === "b")!.parameters!.runId, "b");

    assert.equal(session.select("a"), true);
    update = session.takeUpdate();
    assert.equal(update.kind, "progress");
    if (update.kind !== "progress") return;
    assert.equal(update.messages.length, 1);
    assert.equal(update.messages[0].parameters!.runId, "a");
    assert.equal(session.select("nope"), false);
  });

  it("moves the selection to the next run of a comparison unless the user picked one", () => {
    const session = new ObjectiveSession("/w/a.ts", "a.ts");
    const runs = ["x", "y", "z"].map((runId) => ({ runId, header: header(runId), runDir: undefined, created: "1" }));
    session.addLiveRuns(runs);
    session.follow("y");
    assert.equal(session.selectedRunId, "y");
    session.select("x");
    session.follow("z");
    assert.equal(session.selectedRunId, "x");
  });

  it("tells its listeners about each change, so the panel can schedule an update", () => {
    const session = new ObjectiveSession("/w/a.ts", "a.ts");
    let calls = 0;
    const stop = session.onDidChange(() => calls++);
    session.addLiveRuns([{ runId: "r", header: header("r"), runDir: undefined, created: "1" }]);
    session.appendTrace("r", [point(0)]);
    session.appendTrace("r", []);
    stop();
    session.appendTrace("r", [point(1)]);
    assert.equal(calls, 2);
  });

  it("sends every metrics point once: all in a snapshot, the new ones with progress", () => {
    const session = new ObjectiveSession("/w/finetune.ts", "finetune.ts");
    session.addLiveRuns([{ runId: "a", header: header("a"), runDir: undefined, created: "2026-01-01T00:00:00Z" }]);
    const withMetrics = (iteration: number): TracePoint => ({ ...point(iteration), ...(iteration % 5 === 0 ? { metrics: { accuracy: iteration / 100, loss: NaN } } : {}) });
    session.appendTrace("a", Array.from({ length: 12 }, (_, i) => withMetrics(i)));
    session.takeUpdate();
    const snapshot = session.snapshot(CAN_RUN, []);
    assert.deepEqual(snapshot.runs[0].metrics, [
      { iteration: 0, evaluations: 11, values: { accuracy: 0, loss: null } },
      { iteration: 5, evaluations: 66, values: { accuracy: 0.05, loss: null } },
      { iteration: 10, evaluations: 121, values: { accuracy: 0.1, loss: null } },
    ]);
    session.appendTrace("a", Array.from({ length: 10 }, (_, i) => withMetrics(12 + i)));
    const update = session.takeUpdate();
    assert.equal(update.kind, "progress");
    const messages = update.kind === "progress" ? update.messages : [];
    assert.deepEqual(messages[0].metrics?.map((p) => p.iteration), [15, 20]);
    session.appendTrace("a", [withMetrics(22)]);
    const next = session.takeUpdate();
    assert.equal(next.kind === "progress" ? next.messages[0].metrics : "none", undefined, "no metrics point, no metrics field");
  });

  it("ends a run's metrics with its final parameters' (result.json's), once", () => {
    const session = new ObjectiveSession("/w/finetune.ts", "finetune.ts");
    session.addLiveRuns([{ runId: "a", header: header("a"), runDir: undefined, created: "2026-01-01T00:00:00Z" }]);
    session.appendTrace("a", [{ ...point(0), metrics: { accuracy: 0.7 } }, point(1), point(2)]);
    session.takeUpdate();
    session.snapshot(CAN_RUN, []);
    session.appendFinalMetrics("a", { iterations: 3, evaluations: 33, metrics: { accuracy: 0.8 } });
    session.appendFinalMetrics("a", { iterations: 3, evaluations: 33, metrics: { accuracy: 0.8 } });
    const update = session.takeUpdate();
    const messages = update.kind === "progress" ? update.messages : [];
    assert.deepEqual(messages[0].metrics, [{ iteration: 3, evaluations: 33, values: { accuracy: 0.8 } }], "the final point, after the trace's");
    session.appendFinalMetrics("a", { iterations: 3, evaluations: 33, metrics: undefined });
    assert.deepEqual(session.snapshot(CAN_RUN, []).runs[0].metrics?.map((p) => p.iteration), [0, 3]);
  });
});
