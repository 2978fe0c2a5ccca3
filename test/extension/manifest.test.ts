// The extension manifest against the code: every registered command is
// contributed (with the zoar category), menus name only contributed
// commands, activation is limited to our commands, panel and TypeScript
// files, and the entry point is the bundle esbuild.config.mjs builds.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { COMMANDS, CONTEXT_KEYS, DASHBOARD_VIEW_TYPE, RUNS_VIEW_ID, WALKTHROUGH_ID } from "../../src/extension/commandIds";
import manifest from "../../package.json";

const ROOT = path.resolve(__dirname, "../..");

describe("extension manifest", () => {
  const contributed = manifest.contributes.commands.map((command) => command.command);

  it("contributes exactly the commands the extension registers, each titled and in the zoar category", () => {
    assert.deepEqual([...contributed].sort(), Object.values(COMMANDS).sort());
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, "zoar", command.command);
      assert.ok(command.title.length > 0, command.command);
    }
  });

  it("names only contributed commands in menus, and offers Optimize Objective on .ts files in the explorer and editor", () => {
    const menus = manifest.contributes.menus as Record<string, { command: string; when?: string }[]>;
    for (const [menu, items] of Object.entries(menus)) {
      for (const item of items) assert.ok(contributed.includes(item.command), `${menu} names ${item.command}`);
    }
    for (const menu of ["explorer/context", "editor/context", "editor/title"]) {
      const optimize = menus[menu].filter((item) => item.command === COMMANDS.optimize);
      assert.ok(optimize.length > 0, `${menu} offers Optimize Objective`);
      for (const item of optimize) assert.match(item.when ?? "", /resourceExtname == \.ts/, `${menu} limits it to .ts files`);
    }
  });

  it("uses only context keys the extension sets in its when-clauses", () => {
    const menus = manifest.contributes.menus as Record<string, { when?: string }[]>;
    const clauses = Object.values(menus).flatMap((items) => items.map((item) => item.when ?? ""));
    const keys = new Set(clauses.flatMap((when) => when.match(/\bzoar\.[A-Za-z]+\b/g) ?? []));
    keys.delete(DASHBOARD_VIEW_TYPE); // compared with activeWebviewPanelId, not a context key
    keys.delete(RUNS_VIEW_ID); // compared with view, not a context key
    assert.deepEqual([...keys].sort(), Object.values(CONTEXT_KEYS).sort());
  });

  it("activates on its dashboard panel (for restoring it) and TypeScript files only, never on *", () => {
    assert.deepEqual(manifest.activationEvents, [`onWebviewPanel:${DASHBOARD_VIEW_TYPE}`, "onLanguage:typescript"]);
  });

  it("runs in VS Code 1.100 and later, limited in untrusted workspaces", () => {
    assert.equal(manifest.engines.vscode, "^1.100.0");
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, "limited");
    assert.ok(manifest.capabilities.untrustedWorkspaces.description.length > 20);
    assert.equal(manifest.publisher, "zoar");
  });

  it("has its main entry built by esbuild.config.mjs beside the worker bundles", () => {
    assert.equal(manifest.main, "dist/extension.js");
    const config = fs.readFileSync(path.join(ROOT, "esbuild.config.mjs"), "utf8");
    assert.match(config, /entryPoints: \{ extension: "src\/extension\/extension\.ts" \}, outdir: "dist"/);
    assert.match(config, /"run-worker": "src\/run\/worker\.ts"/);
    assert.match(config, /"objective-worker": "src\/objective\/worker\.ts"/);
  });

  it("has a zoar view container in the activity bar with the Runs view, and a welcome for its empty state", () => {
    const { viewsContainers, views, viewsWelcome } = manifest.contributes;
    assert.deepEqual(viewsContainers.activitybar.map((container) => container.id), ["zoar"]);
    assert.ok(fs.existsSync(path.join(ROOT, viewsContainers.activitybar[0].icon)), "the container's icon exists");
    assert.deepEqual(views.zoar.map((view) => view.id), [RUNS_VIEW_ID]);
    const welcome = viewsWelcome.find((entry) => entry.view === RUNS_VIEW_ID);
    assert.ok(welcome, "the Runs view has a welcome");
    const linked = [...welcome.contents.matchAll(/\(command:([\w.]+)\)/g)].map((match) => match[1]);
    assert.deepEqual(linked, [COMMANDS.newObjective, COMMANDS.openWalkthrough]);
  });

  it("offers the Runs view's actions only on its items, and the item states the tree gives them", () => {
    const items = manifest.contributes.menus["view/item/context"];
    for (const item of items) assert.match(item.when, new RegExp(`view == ${RUNS_VIEW_ID.replace(".", "\\.")}`), item.command);
    const offered = new Set(items.map((item) => item.command));
    for (const command of [COMMANDS.runsOpenDashboard, COMMANDS.runsResume, COMMANDS.runsStop, COMMANDS.runsCompareSelected, COMMANDS.runsRevealFolder, COMMANDS.runsDelete]) {
      assert.ok(offered.has(command), `${command} is offered on runs`);
    }
    const states = new Set(items.flatMap((item) => [...item.when.matchAll(/\\b(\w+)\\b\//g)].map((match) => match[1])));
    assert.deepEqual([...states].sort(), ["deletable", "resumable", "run", "stoppable"]);
  });

  it("has a Getting Started walkthrough whose steps each have existing markdown and a command button", () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.equal(`${manifest.publisher}.${manifest.name}#${walkthrough.id}`, WALKTHROUGH_ID);
    assert.ok(walkthrough.steps.length >= 6);
    for (const step of walkthrough.steps) {
      assert.ok(fs.existsSync(path.join(ROOT, step.media.markdown)), `${step.id}: ${step.media.markdown} exists`);
      const commands = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((match) => match[1]);
      assert.equal(commands.length, 1, `${step.id} has one command button`);
      assert.ok(contributed.includes(commands[0]) || commands[0] === `${RUNS_VIEW_ID}.focus`, `${step.id}: ${commands[0]} is a command`);
    }
  });

  it("has a 128 x 128 PNG icon", () => {
    const png = fs.readFileSync(path.join(ROOT, manifest.icon));
    assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });
});
