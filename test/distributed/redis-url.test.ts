import * as assert from "node:assert/strict";
import { parseQueueUrl, QueueUrlError, redactQueueUrl } from "../../src/distributed/redis-url";

describe("queue URLs", () => {
  it("reads host, port, database, user and password; shows none of the credentials", () => {
    const { display, options } = parseQueueUrl("redis://alice:p%40ss@queue.example:6380/2");
    assert.equal(display, "redis://queue.example:6380/2");
    assert.deepEqual(options, { host: "queue.example", port: 6380, db: 2, username: "alice", password: "p@ss" });
    assert.equal(parseQueueUrl("redis://:secret@10.0.0.5").display, "redis://10.0.0.5");
    assert.equal(parseQueueUrl("redis://:secret@10.0.0.5").options.port, 6379);
  });

  it("turns rediss:// into TLS", () => {
    const { display, options } = parseQueueUrl("rediss://:pw@cache.example:6390");
    assert.equal(display, "rediss://cache.example:6390");
    assert.deepEqual(options.tls, { servername: "cache.example" });
  });

  it("rejects other schemes and bad databases without repeating the password", () => {
    assert.throws(() => parseQueueUrl("http://:pw@host:1"), (error: Error) => error instanceof QueueUrlError && /scheme "http:"/.test(error.message) && !error.message.includes("pw"));
    assert.throws(() => parseQueueUrl("redis://:pw@host:1/x"), /database must be a number/);
    assert.throws(() => parseQueueUrl("not a url :pw@"), (error: Error) => !error.message.includes("pw@"));
    assert.equal(redactQueueUrl("redis://user:pw@host:1"), "redis://host:1");
  });
});
