// Which workers serve a queue: each one scores itself in a sorted set every
// HEARTBEAT_MS with Redis's own clock (so machines' clocks never matter);
// a worker silent for WORKER_SILENT_MS (killed, cut off) no longer counts.
// Cheaper and more widely allowed than CLIENT LIST, and it counts only
// zoar workers of this objective version.
import type { Redis } from "ioredis";

export const HEARTBEAT_MS = 1000;
export const WORKER_SILENT_MS = 3500;

/** KEYS: workers key; ARGV: worker id, key ttl in ms. */
const BEAT_SCRIPT = `
local now = redis.call('time')
redis.call('zadd', KEYS[1], now[1] * 1000 + math.floor(now[2] / 1000), ARGV[1])
redis.call('pexpire', KEYS[1], ARGV[2])
return 1
`;

/** KEYS: workers key; ARGV: silent after ms. Drops the silent ones, returns how many are left. */
const COUNT_SCRIPT = `
local now = redis.call('time')
redis.call('zremrangebyscore', KEYS[1], '-inf', now[1] * 1000 + math.floor(now[2] / 1000) - ARGV[1])
return redis.call('zcard', KEYS[1])
`;

export async function beat(client: Redis, key: string, worker: string): Promise<void> {
  await client.eval(BEAT_SCRIPT, 1, key, worker, WORKER_SILENT_MS * 10);
}

export async function leave(client: Redis, key: string, worker: string): Promise<void> {
  await client.zrem(key, worker);
}

export async function countWorkers(client: Redis, key: string): Promise<number> {
  return Number(await client.eval(COUNT_SCRIPT, 1, key, WORKER_SILENT_MS));
}
