// Workers counted by their heartbeats in Redis's own clock.
import * as assert from "node:assert/strict";
import { Redis } from "ioredis";
import { beat, countWorkers, leave, WORKER_SILENT_MS } from "../../src/distributed/heartbeat";
import { type RedisServer, startRedis } from "./redis-server";

describe("worker heartbeats", function () {
  this.timeout(30_000);
  let redis: RedisServer;
  let client: Redis;

  before(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });

  after(async () => {
    client.disconnect();
    await redis.stop();
  });

  it("count the workers heard from lately: one that leaves at once, one that falls silent once WORKER_SILENT_MS has passed", async () => {
    const key = "zoar:workers:test-queue";
    await beat(client, key, "a");
    await beat(client, key, "b");
    await beat(client, key, "b"); // a second beat of the same worker counts once
    assert.equal(await countWorkers(client, key), 2);
    await leave(client, key, "a");
    assert.equal(await countWorkers(client, key), 1);
    await new Promise((resolve) => setTimeout(resolve, WORKER_SILENT_MS + 200));
    assert.equal(await countWorkers(client, key), 0);
    assert.equal(await client.exists(key), 0, "the silent worker is dropped from the set");
    assert.equal(await countWorkers(client, "zoar:workers:no-such-queue"), 0);
  });
});
