// All bundles of zoar. `node esbuild.config.mjs` builds once; `--watch` rebuilds on change.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import * as esbuild from "esbuild";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");

/** Native or self-locating packages that must stay require()s at run time (tsx: only for workers run from sources). */
const external = ["onnxruntime-node", "esbuild", "vscode", "tsx"];

const node = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: production ? false : "linked",
  minify: production,
  external,
  logLevel: "warning",
};

/** The dashboard webview: browser code, one classic script (loaded with a CSP nonce) and one css file. */
const webview = {
  bundle: true,
  platform: "browser",
  target: "chrome120",
  format: "iife",
  sourcemap: production ? false : "linked",
  minify: production,
  logLevel: "warning",
  entryPoints: { webview: "webview/main.ts" },
  outdir: "dist",
};

const builds = [
  { ...node, entryPoints: { cli: "src/cli/main.ts" }, outdir: "dist", banner: { js: "#!/usr/bin/env node" } },
  // The VS Code extension host's entry ("main" in package.json); `vscode` is provided by the host at run time.
  { ...node, entryPoints: { extension: "src/extension/extension.ts" }, outdir: "dist" },
  // Worker threads and the SDK objectives are compiled with: the code looks for them beside its own bundle.
  {
    ...node,
    entryPoints: {
      "run-worker": "src/run/worker.ts",
      "objective-worker": "src/objective/worker.ts",
      "objective-sdk": "src/objective/sdk.ts",
      "drawing-worker": "src/run/drawing-worker.ts",
    },
    outdir: "dist",
  },
  webview,
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

// Declarations of the objective SDK, which the TypeScript server plugin serves for "zoar".
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.sdk-types.json"], { stdio: "inherit" });
