// A real VS Code for the end-to-end tests: code-server 4.100.3 (installed and
// cached by setup.sh), our VSIX installed into a private extensions folder,
// and one server per suite on 127.0.0.1 with its own user data, settings and
// a workspace copied from test/e2e/fixtures.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");
export const ARTIFACTS = path.join(ROOT, "test-artifacts/e2e");

/** The target this machine runs, as `vsce package --target` names it. */
const HOST_TARGET = `${process.platform}-${process.arch}`;

let prepared: { entry: string; extensionsDir: string } | undefined;

/**
 * Installs code-server (once, cached), packages the VSIX and installs it into
 * an extensions folder shared by this process's servers. Never a silent skip:
 * whatever is missing fails here with the reason.
 */
export function prepareCodeServer(): { entry: string; extensionsDir: string } {
  if (prepared) return prepared;
  const entry = runStep("code-server set-up (test/e2e/setup.sh)", "bash", [path.join(__dirname, "setup.sh")]).trim().split("\n").pop()!;
  if (!fs.existsSync(entry)) throw new Error(`code-server set-up reported ${entry}, which does not exist`);
  const vsix = path.join(ROOT, `.tmp/zoar-${HOST_TARGET}.vsix`);
  runStep("packaging the VSIX (npm run package)", "npm", ["run", "package", "--silent", "--", "--target", HOST_TARGET, "--out", vsix]);
  const extensionsDir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-e2e-extensions-"));
  const installOutput = runStep("installing the VSIX into code-server", process.execPath, [
    entry,
    "--extensions-dir",
    extensionsDir,
    "--user-data-dir",
    fs.mkdtempSync(path.join(os.tmpdir(), "zoar-e2e-install-")),
    "--install-extension",
    vsix,
  ], isolatedEnvironment());
  if (!/successfully installed/i.test(installOutput)) throw new Error(`code-server did not install ${vsix}:\n${installOutput}`);
  prepared = { entry, extensionsDir };
  return prepared;
}

function runStep(what: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync(command, args, { cwd: ROOT, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${what} failed: ${failure.message}\n${failure.stderr ?? ""}${failure.stdout ?? ""}`, { cause: error });
  }
}

/** Keeps code-server's config and data out of the user's home. */
function isolatedEnvironment(home = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-e2e-home-"))): NodeJS.ProcessEnv {
  return { ...process.env, XDG_CONFIG_HOME: path.join(home, "config"), XDG_DATA_HOME: path.join(home, "data"), XDG_CACHE_HOME: path.join(home, "cache") };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface CodeServerOptions {
  /** Files and folders copied into the workspace, relative to the project root; folders are merged in order. */
  copy: string[];
  /**
   * Symbolic links made in the workspace: path there -> path relative to the project root (an example
   * used in place; node_modules, for packages an objective reads at run time). The links go with the
   * server's scratch folder, their targets stay.
   */
  links?: Record<string, string>;
  /** The workspace's .vscode/settings.json. */
  workspaceSettings?: Record<string, unknown>;
  /** User settings (settings.json of the temporary user-data folder), over the quiet defaults. */
  userSettings?: Record<string, unknown>;
}

/** User settings that keep the workbench quiet and predictable under test. */
const QUIET_SETTINGS = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "extensions.ignoreRecommendations": true,
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "git.enabled": false,
  "typescript.disableAutomaticTypeAcquisition": true,
  "typescript.tsserver.experimental.enableProjectDiagnostics": false,
  "window.restoreWindows": "all",
  "security.workspace.trust.enabled": false,
};

export class CodeServer {
  private readonly exited: Promise<void>;
  private log = "";

  private constructor(
    private readonly process: ChildProcess,
    readonly url: string,
    readonly workspace: string,
    private readonly scratch: string,
  ) {
    this.exited = new Promise((resolve) => process.once("exit", () => resolve()));
    process.stdout?.on("data", (chunk: Buffer) => (this.log += chunk.toString()));
    process.stderr?.on("data", (chunk: Buffer) => (this.log += chunk.toString()));
  }

  static async start(options: CodeServerOptions): Promise<CodeServer> {
    const { entry, extensionsDir } = prepareCodeServer();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-e2e-"));
    const workspace = path.join(scratch, "workspace");
    for (const source of options.copy) {
      const from = path.join(ROOT, source);
      fs.cpSync(from, fs.statSync(from).isDirectory() ? workspace : path.join(workspace, path.basename(source)), { recursive: true });
    }
    for (const [name, target] of Object.entries(options.links ?? {})) {
      fs.mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
      fs.symlinkSync(path.join(ROOT, target), path.join(workspace, name));
    }
    if (options.workspaceSettings) {
      fs.mkdirSync(path.join(workspace, ".vscode"), { recursive: true });
      fs.writeFileSync(path.join(workspace, ".vscode/settings.json"), JSON.stringify(options.workspaceSettings, null, 2));
    }
    const userData = path.join(scratch, "user-data");
    fs.mkdirSync(path.join(userData, "User"), { recursive: true });
    fs.writeFileSync(path.join(userData, "User/settings.json"), JSON.stringify({ ...QUIET_SETTINGS, ...options.userSettings }, null, 2));
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        entry,
        "--auth",
        "none",
        "--bind-addr",
        `127.0.0.1:${port}`,
        "--disable-telemetry",
        "--disable-update-check",
        "--extensions-dir",
        extensionsDir,
        "--user-data-dir",
        userData,
        workspace,
      ],
      { env: isolatedEnvironment(path.join(scratch, "home")), stdio: ["ignore", "pipe", "pipe"] },
    );
    const server = new CodeServer(child, `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, workspace, scratch);
    await server.waitUntilListening(port);
    return server;
  }

  private async waitUntilListening(port: number): Promise<void> {
    const deadline = Date.now() + 60_000;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      if (exited) throw new Error(`code-server exited while starting:\n${this.log}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`code-server did not answer on 127.0.0.1:${port} within 60 s:\n${this.log}`);
  }

  /** The server's own log, for failure messages. */
  get output(): string {
    return this.log;
  }

  async stop(): Promise<void> {
    this.process.kill("SIGTERM");
    const killed = setTimeout(() => this.process.kill("SIGKILL"), 5_000);
    await this.exited;
    clearTimeout(killed);
    fs.rmSync(this.scratch, { recursive: true, force: true });
  }
}
