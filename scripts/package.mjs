// Builds the platform-specific VSIX: `npm run package [-- --target <target>]`.
// The bundles are platform-neutral; the two runtime packages that cannot be
// bundled carry native binaries, so each target gets only its own: the
// onnxruntime-node binding and esbuild's executable (fetched from the npm
// registry when this machine's install lacks that platform's package).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

const root = path.resolve(import.meta.dirname, "..");

/** onnxruntime-node ships these targets; esbuild's executable is `esbuild.exe` at the root on Windows. */
const TARGETS = {
  "linux-x64": { onnxruntime: "linux/x64", esbuildBinary: "bin/esbuild" },
  "linux-arm64": { onnxruntime: "linux/arm64", esbuildBinary: "bin/esbuild" },
  "darwin-arm64": { onnxruntime: "darwin/arm64", esbuildBinary: "bin/esbuild" },
  "win32-x64": { onnxruntime: "win32/x64", esbuildBinary: "esbuild.exe" },
  "win32-arm64": { onnxruntime: "win32/arm64", esbuildBinary: "esbuild.exe" },
};

const { values } = parseArgs({ options: { target: { type: "string", default: "linux-x64" }, out: { type: "string" } } });
const target = values.target;
const spec = TARGETS[target];
if (!spec) {
  console.error(`zoar package: unknown --target "${target}"; one of ${Object.keys(TARGETS).join(", ")}`);
  process.exit(2);
}
const out = path.resolve(root, values.out ?? `.tmp/zoar-${target}.vsix`);

ensureEsbuildPlatformPackage(target);
const ignoreFile = writeIgnoreFile(target, spec);
const readme = writeMarketplaceReadme();
fs.mkdirSync(path.dirname(out), { recursive: true });
const vsceArgs = ["package", "--target", target, "--ignoreFile", ignoreFile, "--readme-path", path.relative(root, readme), "-o", out];
execFileSync(process.execPath, [path.join(root, "node_modules/@vscode/vsce/vsce"), ...vsceArgs], {
  cwd: root,
  stdio: "inherit",
});
const megabytes = fs.statSync(out).size / 2 ** 20;
console.log(`zoar package: ${path.relative(root, out)} for ${target}, ${megabytes.toFixed(1)} MB`);

/**
 * README.md with its relative images (benchmark plots, screenshots) as plain
 * references: the extension has no public repository for the marketplace to
 * load them from, and vsce refuses a README whose images would break.
 */
function writeMarketplaceReadme() {
  const text = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const relativeImage = /!\[([^\]]*)\]\((?!https?:)([^)\s]+)\)/g;
  const file = path.join(root, ".tmp/README.marketplace.md");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text.replace(relativeImage, (_, alt, target) => `*${alt || "Figure"}* (\`${target}\` in the zoar sources)`));
  return file;
}

/** The shared .vscodeignore plus the lines that let this target's binaries in. */
function writeIgnoreFile(target, spec) {
  const shared = fs.readFileSync(path.join(root, ".vscodeignore"), "utf8");
  const targetLines = [
    `!node_modules/onnxruntime-node/bin/napi-v6/${spec.onnxruntime}/**`,
    `!node_modules/@esbuild/${target}/package.json`,
    `!node_modules/@esbuild/${target}/${spec.esbuildBinary}`,
  ];
  const file = path.join(root, `.tmp/vscodeignore-${target}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${shared.trimEnd()}\n\n# ${target}\n${targetLines.join("\n")}\n`);
  return file;
}

/** npm installs only this machine's esbuild binary; another target's comes from the registry. */
function ensureEsbuildPlatformPackage(target) {
  const destination = path.join(root, "node_modules/@esbuild", target);
  if (fs.existsSync(path.join(destination, "package.json"))) return;
  const version = JSON.parse(fs.readFileSync(path.join(root, "node_modules/esbuild/package.json"), "utf8")).version;
  const staging = fs.mkdtempSync(path.join(root, ".tmp/esbuild-"));
  try {
    const tarball = execFileSync("npm", ["pack", `@esbuild/${target}@${version}`, "--silent", "--pack-destination", staging], { cwd: staging, encoding: "utf8" }).trim().split("\n").pop();
    fs.mkdirSync(destination, { recursive: true });
    execFileSync("tar", ["-xzf", path.join(staging, tarball), "-C", destination, "--strip-components=1"]);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
