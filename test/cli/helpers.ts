import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

/**
 * The command line as it ships: bundled by esbuild with its run worker,
 * objective worker and SDK beside it (the entries of esbuild.config.mjs),
 * into a folder inside the project so node_modules resolve. Built once per
 * test process; starting the bundle is several times faster than tsx.
 */
let bundle: Promise<string> | undefined;

export function builtCli(): Promise<string> {
  bundle ??= (async () => {
    const outdir = path.join(ROOT, ".tmp", `cli-test-${process.pid}`);
    process.once("exit", () => fs.rmSync(outdir, { recursive: true, force: true }));
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: {
        cli: "src/cli/main.ts",
        "run-worker": "src/run/worker.ts",
        "objective-worker": "src/objective/worker.ts",
        "objective-sdk": "src/objective/sdk.ts",
      },
      outdir,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      external: ["onnxruntime-node", "esbuild", "vscode", "tsx"],
      logLevel: "error",
    });
    return path.join(outdir, "cli.js");
  })();
  return bundle;
}

export const RUN_FIXTURES = path.resolve(__dirname, "../fixtures/runs");

export interface CliOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcessWithoutNullStreams>();

// A test that fails while a run is going on must not leave the run behind.
afterEach(() => {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
});

export type CliProcess = ChildProcessWithoutNullStreams & { outcome: Promise<CliOutcome> };

/** Starts `zoar args...` in `cwd`; stdout and stderr are pipes (not a terminal). */
export async function startCli(args: string[], cwd: string): Promise<CliProcess> {
  const child = spawn(process.execPath, [await builtCli(), ...args], { cwd, env: { ...process.env, FORCE_COLOR: "0" } });
  running.add(child);
  child.on("exit", () => running.delete(child));
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const outcome = new Promise<CliOutcome>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return Object.assign(child, { outcome });
}

export async function runCli(args: string[], cwd: string): Promise<CliOutcome> {
  return (await startCli(args, cwd)).outcome;
}

/** Copies a run fixture into `dir` (so parameters saved beside it land there) and returns its path. */
export function copyFixture(name: string, dir: string, as = name): string {
  const target = path.join(dir, as);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(RUN_FIXTURES, name), target);
  return target;
}

/** The only line of stdout, parsed. */
export function jsonOf(outcome: CliOutcome): Record<string, unknown> {
  const lines = outcome.stdout.trim().split("\n");
  if (lines.length !== 1) throw new Error(`expected one line of JSON on stdout, got:\n${outcome.stdout}\nstderr:\n${outcome.stderr}`);
  return JSON.parse(lines[0]) as Record<string, unknown>;
}

/** What went wrong, for assertion messages. */
export function explain(outcome: CliOutcome): string {
  return `exit ${outcome.code}${outcome.signal ? ` (${outcome.signal})` : ""}\nstdout:\n${outcome.stdout}\nstderr:\n${outcome.stderr}`;
}
