// At-least-once delivery: a query's result may arrive twice (a stalled job
// run again) or after its iteration is over. Only the first one counts.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { type Job, Worker } from "bullmq";
import { Redis } from "ioredis";
import { bullConnection } from "../../src/distributed/connection";
import { ACTIVE_RUNS_KEY, finishedKey, QUEUE_PREFIX, queueName, resultsChannel, valuesKey } from "../../src/distributed/keys";
import { encodeResult, floatsFromBuffer, type QueryJob, WRITE_RESULT_SCRIPT } from "../../src/distributed/payload";
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

  const write = (job: Pick<QueryJob, "session" | "iteration" | "query">, value: number) =>
    client.eval(
      WRITE_RESULT_SCRIPT,
      3,
      ACTIVE_RUNS_KEY,
      finishedKey(job.session),
      valuesKey(job.session, job.iteration),
      job.session,
      job.iteration,
      job.query,
      encodeResult({ value }),
      resultsChannel(job.session),
      60,
    ) as Promise<number>;

  it("counts the first result of each query once; later duplicates and results of a finished iteration or run are turned away", async () => {
    const evaluator = await QueueEvaluator.open(BOWL, { queue: redis.url, runId: "duplicates" });
    const local = await ObjectiveEvaluator.open(BOWL);
    const writes: number[] = [];
    const jobs: QueryJob[] = [];
    // A worker that delivers every result twice, the second time wrong.
    const worker = new Worker<QueryJob, string>(
      queueName(evaluator.identity),
      async (job: Job<QueryJob, string>) => {
        const input = job.data.input;
        assert.equal(input.kind, "row", "six coordinates travel inside the job");
        const [value] = await local.evaluateBatch(floatsFromBuffer(Buffer.from(input.row, "base64")), 1, job.data.iteration);
        writes.push(await write(job.data, value), await write(job.data, value + 1000));
        jobs.push(job.data);
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
      // A batch resolves on its last first write; that job's second write may still be on its way.
      for (let tries = 0; writes.length < 30 && tries < 500; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
      // The duplicate is refused as a duplicate (0), or as late (-1) once the batch has all its values.
      const refused = writes.map((written, i) => (i % 2 === 0 ? written : written === 0 || written === -1 ? "refused" : written));
      assert.deepEqual(refused, Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 1 : "refused")), "each query written once, its duplicate refused");
      // A result arriving after its iteration is over: turned away, its values key gone and staying gone.
      const late = jobs.find((job) => job.iteration === 0)!;
      await waitForGone(valuesKey(late.session, 0));
      assert.equal(await write(late, 1), -1);
      assert.equal(await client.exists(valuesKey(late.session, 0)), 0);
    } finally {
      await worker.close();
      await evaluator.close();
      await local.close();
    }
    // After the run: nothing of its session is left, and nothing can bring it back.
    assert.deepEqual(await client.keys("zoar:session:*"), []);
    assert.equal(await write({ ...jobs[0], iteration: 7 }, 1), -1);
    assert.deepEqual(await client.keys("zoar:session:*"), []);
  });

  async function waitForGone(key: string): Promise<void> {
    for (let tries = 0; (await client.exists(key)) === 1; tries++) {
      if (tries > 200) throw new Error(`${key} was not removed`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
});
