// At-least-once delivery: a query's result may arrive twice (a stalled job
// run again) or after its iteration is over. Only the first one counts.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { type Job, Worker } from "bullmq";
import { Redis } from "ioredis";
import { bullConnection } from "../../src/distributed/connection";
import { pointsKey, QUEUE_PREFIX, queueName, valuesKey } from "../../src/distributed/keys";
import { encodeResult, pointsFromBuffer, type QueryJob, WRITE_RESULT_SCRIPT } from "../../src/distributed/payload";
import { QueueEvaluator } from "../../src/distributed/queue-evaluator";
import { parseQueueUrl } from "../../src/distributed/redis-url";
import { ObjectiveEvaluator } from "../../src/objective/evaluator";
import { type RedisServer, startRedis } from "./redis-server";

const BOWL = path.resolve(__dirname, "../fixtures/distributed/bowl.ts");

describe("duplicate and late results", function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let client: Redis;

  beforeEach(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });

  afterEach(async () => {
    client.disconnect();
    await redis.stop();
  });

  it("counts the first result of each query once; later duplicates and results of a finished iteration are turned away", async () => {
    const evaluator = await QueueEvaluator.open(BOWL, { queue: redis.url, runId: "duplicates" });
    const local = await ObjectiveEvaluator.open(BOWL);
    const writes: number[] = [];
    const late: { points: string; values: string }[] = [];
    const write = (job: QueryJob, value: number) =>
      client.eval(WRITE_RESULT_SCRIPT, 2, pointsKey(job.session, job.iteration), valuesKey(job.session, job.iteration), job.query, encodeResult({ value }));
    // A worker that delivers every result twice, the second time wrong.
    const worker = new Worker<QueryJob, string>(
      queueName(evaluator.identity),
      async (job: Job<QueryJob, string>) => {
        const d = job.data.dimension;
        const points = pointsFromBuffer((await client.getBuffer(pointsKey(job.data.session, job.data.iteration)))!);
        const [value] = await local.evaluateBatch(points.slice(job.data.query * d, (job.data.query + 1) * d), 1, job.data.iteration);
        writes.push((await write(job.data, value)) as number, (await write(job.data, value + 1000)) as number);
        late.push({ points: pointsKey(job.data.session, job.data.iteration), values: valuesKey(job.data.session, job.data.iteration) });
        return encodeResult({ value });
      },
      { connection: bullConnection(parseQueueUrl(redis.url).options), prefix: QUEUE_PREFIX, concurrency: 3 },
    );
    try {
      const rows = 5;
      const d = evaluator.info.dimension;
      for (let iteration = 0; iteration < 3; iteration++) {
        const points = Float64Array.from({ length: rows * d }, (_, i) => Math.sin(i + 10 * iteration));
        const values = await evaluator.evaluateBatch(points, rows, iteration);
        assert.deepEqual(Array.from(values), Array.from(await local.evaluateBatch(points, rows, iteration)), `iteration ${iteration}`);
      }
      assert.deepEqual(writes, Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 1 : 0)), "each query written once, its duplicate refused");
      // A result arriving after its iteration: the keys are gone and stay gone.
      const { points, values } = late[0];
      assert.equal(await client.exists(points, values), 0);
      assert.equal(await client.eval(WRITE_RESULT_SCRIPT, 2, points, values, 0, encodeResult({ value: 1 })), -1);
      assert.equal(await client.exists(values), 0);
    } finally {
      await worker.close();
      await evaluator.close();
      await local.close();
    }
    assert.deepEqual(await client.keys("zoar:session:*"), []);
  });
});
