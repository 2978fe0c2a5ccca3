import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultSdkPath } from "../../src/objective/compile";
import { defaultWorkerScript } from "../../src/objective/evaluator";
import { fixture, positionOf, temporaryFolder } from "./helpers";
import { sphereModelBytes } from "./sphere-model";

const ROOT = path.resolve(__dirname, "../..");

/**
 * The layout esbuild.config.mjs produces: the code that opens evaluators
 * bundled into dist/ (here a small CLI-like entry), with dist/objective-worker.js
 * and dist/objective-sdk.js beside it, found by their default names.
 */
describe("objective evaluation from bundled code (dist/ layout)", function () {
  this.timeout(30_000);
  let dist: ReturnType<typeof temporaryFolder>;

  before(async () => {
    dist = temporaryFolder("zoar-dist-test-");
    const entry = path.join(dist.dir, "entry.ts");
    fs.writeFileSync(
      entry,
      `import { ObjectiveEvaluator } from ${JSON.stringify(path.join(ROOT, "src/objective/evaluator"))};
(async () => {
  const results: Record<string, unknown> = {};
  for (const file of process.argv.slice(2)) {
    try {
      const evaluator = await ObjectiveEvaluator.open(file, { provider: "cpu" });
      const values = await evaluator.evaluateBatch(new Float64Array(evaluator.info.dimension * 2).fill(1), 2, 0);
      results[file] = { values: Array.from(values), provider: evaluator.info.provider };
      await evaluator.close();
    } catch (error) {
      results[file] = { error: (error as Error).message };
    }
  }
  console.log(JSON.stringify(results));
})();
`,
    );
    const common = { bundle: true, platform: "node", format: "cjs", target: "node20", logLevel: "error" } as const;
    await Promise.all([
      esbuild.build({ ...common, entryPoints: [entry], outfile: path.join(dist.dir, "cli.js"), external: ["esbuild", "onnxruntime-node", "tsx"] }),
      esbuild.build({ ...common, entryPoints: [path.join(ROOT, "src/objective/worker.ts")], outfile: path.join(dist.dir, "objective-worker.js") }),
      esbuild.build({ ...common, entryPoints: [path.join(ROOT, "src/objective/sdk.ts")], outfile: path.join(dist.dir, "objective-sdk.js"), external: ["onnxruntime-node"] }),
    ]);
  });
  after(() => dist.remove());

  it("finds the bundled worker and SDK beside the bundle by default", () => {
    assert.equal(defaultWorkerScript(dist.dir), path.join(dist.dir, "objective-worker.js"));
    assert.equal(defaultSdkPath(dist.dir), path.join(dist.dir, "objective-sdk.js"));
  });

  it("evaluates objectives, ONNX included, and maps errors to the TypeScript line", () => {
    const work = temporaryFolder("zoar-dist-objectives-");
    try {
      const onnxObjective = path.join(work.dir, "onnx-sphere.ts");
      fs.copyFileSync(fixture("onnx-sphere.ts"), onnxObjective);
      fs.writeFileSync(path.join(work.dir, "sphere.onnx"), sphereModelBytes([1, 2, 3]));
      const files = [fixture("sphere.ts"), fixture("evaluate-throws.ts"), onnxObjective];
      const output = execFileSync(process.execPath, [path.join(dist.dir, "cli.js"), ...files], {
        encoding: "utf8",
        // The bundle lives outside the repository; let it find the packages left external.
        env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") },
      });
      const results = JSON.parse(output) as Record<string, { values?: number[]; provider?: string; error?: string }>;
      assert.deepEqual(results[files[0]], { values: [0, 0] });
      const at = positionOf(files[1], "new TypeError");
      assert.equal(
        results[files[1]].error,
        `evaluate-throws.ts:${at.line}:${at.column}: evaluate threw at iteration 0, query 0: TypeError: cannot handle positive x[0] = 1`,
      );
      assert.deepEqual(results[files[2]], { values: [5, 5], provider: "cpu" });
    } finally {
      work.remove();
    }
  });
});
