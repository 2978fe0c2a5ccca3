// A real redis-server per test: on a free loopback port, without persistence,
// stopped afterwards. A missing redis-server fails the test (never a skip).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface RedisServerOptions {
  password?: string;
  /** Serve TLS only (rediss://), with a self-signed certificate for 127.0.0.1. */
  tls?: boolean;
  /** Reuse this port (restarting a server that was stopped). */
  port?: number;
}

export interface RedisServer {
  port: number;
  /** redis:// or rediss:// URL, password included. */
  url: string;
  /** The CA file clients must trust (TLS only): give it as NODE_EXTRA_CA_CERTS. */
  caFile?: string;
  stop(): Promise<void>;
}

const REDIS_SERVER = "redis-server";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, "redis.crt");
  const key = path.join(dir, "redis.key");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
  return { cert, key };
}

export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zoar-redis-"));
  const args = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--maxmemory-policy", "noeviction"];
  let caFile: string | undefined;
  if (options.tls) {
    const { cert, key } = selfSignedCertificate(dir);
    caFile = cert;
    args.push("--port", "0", "--tls-port", String(port), "--tls-cert-file", cert, "--tls-key-file", key, "--tls-auth-clients", "no");
  } else {
    args.push("--port", String(port));
  }
  if (options.password) args.push("--requirepass", options.password);
  const child = spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.once("error", (error) => reject(new Error(`${REDIS_SERVER} could not be started (install it: apt-get install redis-server): ${error.message}`)));
    child.once("exit", (code) => reject(new Error(`${REDIS_SERVER} exited with code ${code}:\n${log}`)));
    const ready = setInterval(() => {
      if (/Ready to accept connections/.test(log)) {
        clearInterval(ready);
        resolve();
      }
    }, 10);
  });
  const scheme = options.tls ? "rediss" : "redis";
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : "";
  return {
    port,
    url: `${scheme}://${auth}127.0.0.1:${port}`,
    caFile,
    stop: () => stopProcess(child).then(() => fs.rmSync(dir, { recursive: true, force: true })),
  };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
