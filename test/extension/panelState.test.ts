// Restoring a dashboard after a reload: the objective named in the state the
// webview stored, resolved against the workspace folders, and nothing else.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { displayPathInState, displayPathOf, type FolderRef, resolveDisplayPath } from "../../src/extension/panelState";

describe("dashboard restore state", () => {
  let root: string;
  let one: FolderRef;
  let two: FolderRef;

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-panel-state-"));
    one = { name: "alpha", path: path.join(root, "alpha") };
    two = { name: "beta", path: path.join(root, "beta") };
    for (const file of ["alpha/examples/levy.ts", "beta/levy.ts", "beta/examples/levy.ts", "outside/loose.ts", "alpha/notes.txt"]) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), "");
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("reads the objective's display path from the dashboard's stored state, and nothing from other shapes", () => {
    assert.equal(displayPathInState({ format: "zoar-dashboard/1", state: { data: { objective: { file: "examples/levy.ts" } } } }), "examples/levy.ts");
    for (const state of [undefined, null, 3, "x", {}, { state: { data: { objective: null } } }, { state: { data: { objective: { file: 5 } } } }, { state: { data: { objective: { file: "" } } } }]) {
      assert.equal(displayPathInState(state), undefined, JSON.stringify(state));
    }
  });

  it("round-trips display paths in single- and multi-root workspaces and outside them", () => {
    const levy = path.join(one.path, "examples", "levy.ts");
    assert.equal(displayPathOf(levy, [one]), "examples/levy.ts");
    assert.equal(resolveDisplayPath("examples/levy.ts", [one]), levy);

    const betaLevy = path.join(two.path, "examples", "levy.ts");
    assert.equal(displayPathOf(betaLevy, [one, two]), "beta/examples/levy.ts");
    assert.equal(resolveDisplayPath("beta/examples/levy.ts", [one, two]), betaLevy, "the folder name picks the folder");
    assert.equal(resolveDisplayPath("alpha/examples/levy.ts", [one, two]), levy);

    const loose = path.join(root, "outside", "loose.ts");
    assert.equal(displayPathOf(loose, [one, two]), loose);
    assert.equal(resolveDisplayPath(loose, [one]), loose);
  });

  it("resolves only existing TypeScript files inside the folders", () => {
    assert.equal(resolveDisplayPath("examples/missing.ts", [one]), undefined);
    assert.equal(resolveDisplayPath("notes.txt", [one]), undefined);
    assert.equal(resolveDisplayPath("../beta/levy.ts", [one]), undefined);
    assert.equal(resolveDisplayPath("examples", [one]), undefined);
  });
});
