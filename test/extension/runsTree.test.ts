// The Runs view's model: stored runs grouped by objective file, each with its
// status and figures; and the watcher that follows a runs folder while
// another process (`zoar run` in a terminal) writes it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RunSummary } from "../../src/run/store";
import {
  groupRuns,
  objectiveRecord,
  recordText,
  runContextValue,
  runDescription,
  RunsTreeModel,
  runStatus,
  STATUS_ICONS,
} from "../../src/extension/runsTree";
import { RunsFolderWatcher } from "../../src/extension/runsWatcher";
import { startCli } from "../cli/helpers";
import { runFixture, useTemporaryFolder, waitFor } from "../run/helpers";

function summary(id: string, fields: Partial<RunSummary>): RunSummary {
  return {
    id,
    dir: `/runs/${id}`,
    objective: "quadratic",
    objectiveFile: "/work/quadratic.ts",
    optimizer: "zoar",
    created: `2026-12-01T10:00:0${id.slice(-1)}.000Z`,
    status: "done",
    iterations: 100,
    bestValue: 0.5,
    ...fields,
  };
}

describe("Runs view model", () => {
  it("groups runs by objective file, groups and runs newest first", () => {
    const runs = [
      summary("r1", { objectiveFile: "/work/a.ts" }),
      summary("r2", { objectiveFile: "/work/b.ts" }),
      summary("r3", { objectiveFile: "/work/sub/../a.ts" }),
    ];
    const groups = groupRuns(runs);
    assert.deepEqual(
      groups.map((group) => [group.objectiveFile, group.runs.map((run) => run.summary.id)]),
      [
        [path.resolve("/work/a.ts"), ["r3", "r1"]],
        [path.resolve("/work/b.ts"), ["r2"]],
      ],
    );
  });

  it("shows the store's status, and this window's paused state over the store's running", () => {
    assert.equal(runStatus(summary("r1", { status: "failed" }), undefined), "failed");
    assert.equal(runStatus(summary("r1", { status: "running" }), undefined), "running");
    assert.equal(runStatus(summary("r1", { status: "running" }), "paused"), "paused");
    assert.equal(runStatus(summary("r1", { status: "interrupted" }), undefined), "interrupted");
    // A finished run's result wins over a late live state.
    assert.equal(runStatus(summary("r1", { status: "done" }), "running"), "done");
    const [group] = groupRuns([summary("r1", { status: "running" }), summary("r2", { status: "stopped" })], (id) => (id === "r1" ? "paused" : undefined));
    assert.deepEqual(
      group.runs.map((run) => [run.summary.id, run.status, STATUS_ICONS[run.status].icon]),
      [
        ["r2", "stopped", "debug-stop"],
        ["r1", "paused", "debug-pause"],
      ],
    );
  });

  it("describes each run by best value and iterations, and says which actions apply", () => {
    const [group] = groupRuns([
      summary("r1", { status: "done", bestValue: 0.0123, iterations: 1000 }),
      summary("r2", { status: "running", bestValue: NaN, iterations: 0 }),
      summary("r3", { status: "interrupted", bestValue: 2, iterations: 40 }),
    ]);
    const byId = new Map(group.runs.map((run) => [run.summary.id, run]));
    assert.equal(runDescription(byId.get("r1")!), "best 0.0123 · 1,000 it");
    assert.equal(runDescription(byId.get("r2")!), "best - · 0 it · running");
    assert.equal(runContextValue(byId.get("r1")!), "run deletable");
    assert.equal(runContextValue(byId.get("r2")!), "run stoppable");
    assert.equal(runContextValue(byId.get("r3")!), "run resumable deletable");
  });

  it("gives an objective's record for its CodeLens: the best value, by which optimizer, over how many runs", () => {
    const [group] = groupRuns([
      summary("r1", { optimizer: "vanilla", bestValue: 0.5 }),
      summary("r2", { optimizer: "zoar", bestValue: 0.0123 }),
      summary("r3", { optimizer: "radazo", bestValue: NaN, status: "failed" }),
    ]);
    assert.equal(recordText(objectiveRecord(group)), "best 0.0123 · zoar · 3 runs");
    assert.equal(recordText(objectiveRecord(groupRuns([summary("r1", { bestValue: NaN })])[0])), "1 run");
  });

  describe("following a runs folder written by another process", function () {
    this.timeout(120_000);
    const temporary = useTemporaryFolder("zoar-runs-tree-");

    it("shows a terminal's run while it runs and once it is done; the filter keeps one objective", async () => {
      const runsDir = path.join(temporary.dir, ".zoar", "runs");
      const problems: string[] = [];
      const model = new RunsTreeModel(() => [runsDir], undefined, (message) => problems.push(message));
      const seen: string[] = [];
      const watcher = new RunsFolderWatcher(() => {
        model.refresh();
        watcher.watch([runsDir], model.runDirs);
        const run = model.groups[0]?.runs[0];
        if (run) seen.push(`${run.status}:${run.summary.iterations}`);
      }, 50);
      try {
        model.refresh();
        // The runs folder does not exist yet: its nearest existing parent is watched.
        watcher.watch([runsDir], model.runDirs);
        assert.equal(model.groups.length, 0);
        assert.deepEqual(watcher.watched, [temporary.dir]);

        const objective = runFixture("slow-quadratic.ts");
        const cli = await startCli(["run", objective, "--iterations", "400", "--seed", "3"], temporary.dir);
        await waitFor(() => model.groups[0]?.runs[0]?.status === "running" && model.groups[0].runs[0].summary.iterations > 0, 60_000, "the running run in the model");
        const [group] = model.groups;
        assert.equal(group.objectiveFile, objective);
        assert.ok(watcher.watched.includes(group.runs[0].summary.dir), "the running run's folder is watched");
        const runningAt = group.runs[0].summary.iterations;

        const outcome = await cli.outcome;
        assert.equal(outcome.code, 0, outcome.stderr);
        await waitFor(() => model.groups[0]?.runs[0]?.status === "done", 30_000, "the finished run in the model");
        const done = model.groups[0].runs[0];
        assert.equal(done.summary.iterations, 400);
        assert.ok(runningAt < 400, `seen running at iteration ${runningAt}`);
        assert.ok(seen.some((entry) => entry.startsWith("running:")) && seen.at(-1) === "done:400", seen.join(", "));
        assert.ok(watcher.watched.includes(done.summary.dir), "an ended run's folder is still watched: it may be resumed");
        assert.deepEqual(problems, []);

        model.setFilter(path.join(temporary.dir, "other.ts"));
        assert.equal(model.groups.length, 0);
        model.setFilter(objective);
        assert.equal(model.groups.length, 1);
        model.setFilter(undefined);

        // An ended run is read once; when its result goes (a resume began), it is read again.
        fs.rmSync(path.join(done.summary.dir, "result.json"));
        await waitFor(() => model.groups[0]?.runs[0]?.status === "interrupted", 10_000, "the run without its result to read as interrupted");
        assert.equal(model.groups[0].runs[0].summary.iterations, 400, "how far its trace got");

        // A deleted run folder leaves the view at the next change.
        fs.rmSync(model.groups[0].runs[0].summary.dir, { recursive: true, force: true });
        await waitFor(() => model.groups.length === 0, 10_000, "the deleted run to leave the model");
      } finally {
        watcher.dispose();
      }
    });
  });
});
