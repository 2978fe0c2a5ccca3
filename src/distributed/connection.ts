// Connections to the queue's Redis: ours (fails fast at the start, then
// reconnects) and the options BullMQ's own connections get.
import type { ConnectionOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import type { QueueAddress } from "./redis-url";

/** The queue could not be reached, or was lost mid-run. Its message names the URL, never the password. */
export class QueueConnectionError extends Error {
  override readonly name = "QueueConnectionError";
}

const CONNECT_TIMEOUT_MS = 5000;
export const RECONNECT_EVERY_MS = 250;

export async function connect(address: QueueAddress): Promise<Redis> {
  const client = new Redis({
    ...address.options,
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    retryStrategy: () => RECONNECT_EVERY_MS,
  });
  // connect() itself only says "Connection is closed."; the cause comes as an error event.
  let cause: unknown;
  client.on("error", (error) => (cause ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new QueueConnectionError(`cannot reach the queue at ${address.display}: ${messageOf(cause ?? error)}`);
  }
  client.removeAllListeners("error");
  client.on("error", () => undefined); // later errors surface through the commands and the close event
  return client;
}

/** BullMQ's connections: blocking ones need maxRetriesPerRequest null; they reconnect every RECONNECT_EVERY_MS. */
export function bullConnection(options: RedisOptions): ConnectionOptions {
  return { ...options, maxRetriesPerRequest: null, retryStrategy: () => RECONNECT_EVERY_MS } as ConnectionOptions;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
