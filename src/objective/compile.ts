/**
 * Compiles a user objective file with esbuild into one CommonJS bundle that
 * the worker runs as if it were the file itself (see worker.ts):
 *
 * - the bare import "zoar" resolves to the SDK: `sdkPath`, by default sdk.ts
 *   beside this module (running from sources) or objective-sdk.js beside the
 *   bundle this module was built into (dist/, see defaultSdkPath);
 * - the objective's own imports (neighbour files, packages in the workspace's
 *   node_modules) resolve from the objective's folder and are bundled;
 * - onnxruntime-node stays external (a native addon) and always resolves to
 *   zoar's own copy, so the SDK and the objective share one instance.
 */
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";
import { ObjectiveError } from "./errors";

export interface CompileOptions {
  /** The file the bare import "zoar" resolves to; see defaultSdkPath. */
  sdkPath?: string;
  /** Folder of the onnxruntime-node package objectives use; default: the one zoar resolves. */
  onnxRuntimeDir?: string;
}

export interface CompiledObjective {
  /** Absolute path of the objective file. */
  file: string;
  /** CommonJS bundle with an inline source map; evaluate it with `file` as its filename. */
  code: string;
  /** Absolute paths of every bundled source file. */
  sources: string[];
  /** The objective's own files among them: not the SDK, not node_modules. Stack frames there are the user's. */
  userSources: string[];
  sdkPath: string;
  onnxRuntimeDir: string | undefined;
  /** esbuild's warnings, formatted like errors. */
  warnings: string[];
}

/** File names the SDK has beside this module: the source (tsx, tests) or the prebuilt bundle (dist/). */
export const SDK_FILE_NAMES = ["sdk.ts", "objective-sdk.js"] as const;

/**
 * sdk.ts next to this file when running from sources; when this module is
 * bundled into dist/, esbuild.config.mjs must also emit dist/objective-sdk.js
 * (src/objective/sdk.ts, format cjs, onnxruntime-node external).
 */
export function defaultSdkPath(baseDir: string = __dirname): string {
  const candidates = SDK_FILE_NAMES.map((name) => path.join(baseDir, name));
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (found === undefined) throw new Error(`zoar's objective SDK was not found; looked for ${candidates.join(" and ")}`);
  return found;
}

/** The onnxruntime-node package zoar itself resolves, if installed. */
export function defaultOnnxRuntimeDir(): string | undefined {
  try {
    return path.dirname(require.resolve("onnxruntime-node/package.json"));
  } catch {
    return undefined;
  }
}

export async function compileObjective(file: string, options: CompileOptions = {}): Promise<CompiledObjective> {
  const objectiveFile = path.resolve(file);
  if (!fs.existsSync(objectiveFile)) {
    throw new ObjectiveError({ kind: "compile", summary: "objective file not found", file: objectiveFile });
  }
  const sdkPath = path.resolve(options.sdkPath ?? defaultSdkPath());
  const onnxRuntimeDir = options.onnxRuntimeDir ?? defaultOnnxRuntimeDir();
  const workingDir = path.dirname(objectiveFile);

  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [objectiveFile],
      // Never written; it places the source map's relative paths beside the objective.
      outfile: `${objectiveFile}.js`,
      absWorkingDir: workingDir,
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      sourcemap: "inline",
      sourcesContent: false,
      write: false,
      metafile: true,
      logLevel: "silent",
      // CommonJS has no import.meta; give the entry file's values (modules in subfolders see the same).
      define: {
        "import.meta.url": "__zoarImportMetaUrl",
        "import.meta.dirname": "__dirname",
        "import.meta.filename": "__filename",
      },
      banner: { js: 'var __zoarImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
      plugins: [zoarImports(sdkPath, onnxRuntimeDir)],
    });
  } catch (error) {
    if (isBuildFailure(error)) throw compileError(error.errors, workingDir, objectiveFile);
    throw error;
  }

  const sources = Object.keys(result.metafile.inputs).map((input) => path.resolve(workingDir, input));
  const sdkDir = path.dirname(sdkPath);
  const userSources = sources.filter(
    (source) => !source.split(path.sep).includes("node_modules") && path.dirname(source) !== sdkDir,
  );
  return {
    file: objectiveFile,
    code: result.outputFiles[0].text,
    sources,
    userSources,
    sdkPath,
    onnxRuntimeDir,
    warnings: result.warnings.map((warning) => formatMessage(warning, workingDir, objectiveFile)),
  };
}

function zoarImports(sdkPath: string, onnxRuntimeDir: string | undefined): esbuild.Plugin {
  return {
    name: "zoar-imports",
    setup(build) {
      build.onResolve({ filter: /^zoar$/ }, () => ({ path: sdkPath }));
      build.onResolve({ filter: /^onnxruntime-node$/ }, () => {
        if (onnxRuntimeDir === undefined) {
          return { errors: [{ text: "onnxruntime-node is not installed with zoar, so ONNX models cannot be loaded" }] };
        }
        return { path: onnxRuntimeEntry(onnxRuntimeDir), external: true };
      });
    },
  };
}

function onnxRuntimeEntry(onnxRuntimeDir: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(onnxRuntimeDir, "package.json"), "utf8")) as { main?: string };
  return path.join(onnxRuntimeDir, manifest.main ?? "index.js");
}

function isBuildFailure(error: unknown): error is esbuild.BuildFailure {
  return error instanceof Error && Array.isArray((error as Partial<esbuild.BuildFailure>).errors);
}

/** One ObjectiveError for the first esbuild error; the others follow in the message. */
function compileError(messages: esbuild.Message[], workingDir: string, objectiveFile: string): ObjectiveError {
  const [first, ...rest] = messages;
  const location = first.location ? messageLocation(first.location, workingDir) : undefined;
  let summary = first.text + hintFor(first.text);
  if (first.location?.lineText) summary += `\n${codeFrame(first.location)}`;
  for (const other of rest) summary += `\nalso: ${formatMessage(other, workingDir, objectiveFile)}`;
  return new ObjectiveError({ kind: "compile", summary, ...location }, objectiveFile);
}

function formatMessage(message: esbuild.Message, workingDir: string, objectiveFile: string): string {
  const location = message.location ? messageLocation(message.location, workingDir) : {};
  return new ObjectiveError({ kind: "compile", summary: message.text, ...location }, objectiveFile).message;
}

/** esbuild's 0-based byte column becomes a 1-based character column, as editors count. */
function messageLocation(location: esbuild.Location, workingDir: string): { file: string; line: number; column: number } {
  const column = Buffer.from(location.lineText, "utf8").subarray(0, location.column).toString("utf8").length + 1;
  return { file: path.resolve(workingDir, location.file), line: location.line, column };
}

function codeFrame(location: esbuild.Location): string {
  const gutter = String(location.line);
  const column = Buffer.from(location.lineText, "utf8").subarray(0, location.column).toString("utf8").length;
  return `  ${gutter} | ${location.lineText}\n  ${" ".repeat(gutter.length)} | ${" ".repeat(column)}^`;
}

function hintFor(text: string): string {
  if (text.startsWith("Top-level await is currently not supported")) {
    return " (objectives are compiled to CommonJS: move the awaited work into setup() or into evaluate)";
  }
  const unresolved = /^Could not resolve "([^"]+)"/.exec(text);
  if (unresolved && !unresolved[1].startsWith(".") && !path.isAbsolute(unresolved[1])) {
    return ` (install the package in the objective's folder or a folder above it: npm install ${packageName(unresolved[1])})`;
  }
  return "";
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}
