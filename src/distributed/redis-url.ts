// Queue addresses: parsing a redis:// or rediss:// URL into connection
// options, and the form of it that may be shown or stored (no credentials).
import type { RedisOptions } from "ioredis";

export class QueueUrlError extends Error {
  override readonly name = "QueueUrlError";
}

export interface QueueAddress {
  /** redis://host:port or rediss://host:port (with /db when not 0): safe to print, log and store. */
  display: string;
  /** ioredis options, password and TLS included. */
  options: RedisOptions;
}

const DEFAULT_PORT = 6379;

/** Parses `redis://[[user]:password@]host[:port][/db]` or `rediss://...` (TLS). */
export function parseQueueUrl(raw: string): QueueAddress {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new QueueUrlError(`not a queue URL: "${redactQueueUrl(raw)}" (expected redis://host:port or rediss://host:port)`);
  }
  const tls = url.protocol === "rediss:";
  if (!tls && url.protocol !== "redis:") {
    throw new QueueUrlError(`unsupported queue URL scheme "${url.protocol}" (expected redis:// or rediss://)`);
  }
  if (url.hostname === "") throw new QueueUrlError(`the queue URL ${redactQueueUrl(raw)} has no host`);
  const port = url.port === "" ? DEFAULT_PORT : Number(url.port);
  const dbPath = url.pathname.replace(/^\/+/, "");
  const db = dbPath === "" ? 0 : Number(dbPath);
  if (!Number.isInteger(db) || db < 0) throw new QueueUrlError(`the queue URL's database must be a number, got "/${dbPath}"`);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1"); // IPv6 literals come bracketed
  const options: RedisOptions = { host, port, db };
  if (url.username) options.username = decodeURIComponent(url.username);
  if (url.password) options.password = decodeURIComponent(url.password);
  if (tls) options.tls = { servername: host };
  const display = `${url.protocol}//${url.host}${db === 0 ? "" : `/${db}`}`;
  return { display, options };
}

/** `raw` with any user and password removed, for messages about a URL that may not even parse. */
export function redactQueueUrl(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i, "$1");
}
