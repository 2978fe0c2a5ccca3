/**
 * Host side of distributed evaluation: each batch becomes one job per query
 * on the objective's BullMQ queue; `zoar worker` processes (worker.ts) take
 * them, possibly on other machines. Small rows travel in their jobs; larger
 * seed-built batches send theta once and each job names its row's kind and
 * seed (batch-input.ts). Workers write each result once and announce it on
 * the session's channel; the first result of each query wins, and the batch
 * resolves in query order, so the engine sees exactly what a local
 * evaluation would give it. An objective error fails the batch as a local
 * one would: at the first query (in order) that failed, once every query
 * before it has its value.
 */
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import * as path from "node:path";
import type { QueryRecipe } from "../engine";
import type { BatchEvaluator, EvaluatorStatus } from "../objective/batch-evaluator";
import { compileObjective } from "../objective/compile";
import { ObjectiveError, type ObjectiveFailure } from "../objective/errors";
import { DEFAULT_TIMEOUT_MS, ObjectiveEvaluator, type ObjectiveEvaluatorOptions, type ObjectiveInfo } from "../objective/evaluator";
import { batchInput, type PayloadMode, recipeFits } from "./batch-input";
import { bullConnection, connect, messageOf, QueueConnectionError } from "./connection";
import { countWorkers } from "./heartbeat";
import { objectiveIdentity, type ObjectiveIdentity } from "./identity";
import {
  ACTIVE_RUNS_KEY,
  finishedKey,
  jobId,
  newSessionToken,
  pointsKey,
  QUEUE_PREFIX,
  queueName,
  resultsChannel,
  SESSION_KEY_TTL_S,
  sessionKeyPattern,
  thetaKey,
  valuesKey,
  workersKey,
} from "./keys";
import { decodeResult, parseAnnouncement, type QueryJob, type QueryResult } from "./payload";
import { parseQueueUrl, type QueueAddress } from "./redis-url";

export interface QueueEvaluatorOptions extends ObjectiveEvaluatorOptions {
  /** redis:// or rediss:// URL of the queue, credentials included. */
  queue: string;
  /** The run's id, shown by workers. */
  runId: string;
  /** How points reach the workers; default auto (by size, batch-input.ts). */
  payload?: PayloadMode;
}

/** What the run registers in ACTIVE_RUNS_KEY, so workers of another version can say why they take nothing. */
export interface ActiveRun extends ObjectiveIdentity {
  run: string;
}

/** How long Redis may be unreachable mid-run before the run stops (its checkpoint stays valid). */
const LOST_AFTER_MS = 5000;
/** How often the worker count is read, and results are read back in case an announcement was missed. */
const POLL_MS = 500;
/** The longest the cleanup at the end may take (Redis may be gone). */
const CLOSE_TIMEOUT_MS = 3000;

interface PendingBatch {
  iteration: number;
  rows: number;
  values: Float64Array;
  /** 0: not back yet, 1: a value, 2: a failure. */
  received: Uint8Array;
  failures: Map<number, ObjectiveFailure>;
  /** Queries before this one all have their values. */
  decidedUpTo: number;
  resolve(values: Float64Array): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

export class QueueEvaluator implements BatchEvaluator {
  private state: "open" | "failed" | "closed" = "open";
  private failure: Error | undefined;
  private batch: PendingBatch | undefined;
  private order: Promise<unknown> = Promise.resolve();
  private workers = 0;
  private readonly statusListeners = new Set<() => void>();
  private readonly poller: NodeJS.Timeout;
  private lostTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private readonly session: string;
  private readonly timeoutMs: number;
  private readonly nonFinite: QueryJob["nonFinite"];

  /** Compiles and loads the objective here (for its dimension, start and bounds), then connects to the queue. */
  static async open(file: string, options: QueueEvaluatorOptions): Promise<QueueEvaluator> {
    const address = parseQueueUrl(options.queue);
    const compiled = await compileObjective(file, options);
    const loaded = await ObjectiveEvaluator.load(compiled, options);
    const info = loaded.info;
    // metrics() run here, on the run's machine (a held-out evaluation is one call per metricsEvery iterations).
    const local = info.hasMetrics ? loaded : undefined;
    if (!local) await loaded.close();
    const identity = objectiveIdentity(compiled.code, info);
    const client = await connect(address);
    const subscriber = client.duplicate(); // lazy, like ours: connected below
    subscriber.on("error", () => undefined); // the main connection tells the story
    // The queue shares our connection: commands sent on it before addBulk (theta, the points) reach Redis first.
    const queue = new Queue<QueryJob>(queueName(identity), { connection: client, prefix: QUEUE_PREFIX });
    // Failures BullMQ decides itself (a job that lost its worker too often) arrive only as events.
    const events = new QueueEvents(queueName(identity), { connection: bullConnection(address.options), prefix: QUEUE_PREFIX });
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), subscriber.connect()]);
    } catch (error) {
      client.disconnect();
      subscriber.disconnect();
      await Promise.allSettled([queue.close(), events.close()]);
      throw new QueueConnectionError(`cannot use the queue at ${address.display}: ${messageOf(error)}`);
    }
    const evaluator = new QueueEvaluator(info, identity, address, client, subscriber, queue, events, options, local);
    await evaluator.register(options.runId);
    return evaluator;
  }

  private constructor(
    readonly info: ObjectiveInfo,
    readonly identity: ObjectiveIdentity,
    private readonly address: QueueAddress,
    private readonly client: Redis,
    private readonly subscriber: Redis,
    private readonly queue: Queue<QueryJob>,
    private readonly events: QueueEvents,
    private readonly options: QueueEvaluatorOptions,
    private readonly local: ObjectiveEvaluator | undefined,
  ) {
    this.session = newSessionToken(options.runId);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.nonFinite = options.nonFinite ?? "fail";
    subscriber.on("message", (_channel: string, message: string) => this.onAnnouncement(message));
    events.on("failed", ({ jobId: id, failedReason }) => this.onFailed(id, failedReason));
    client.on("close", () => this.onConnectionLost());
    client.on("ready", () => this.onReconnected());
    // Errors surface through onConnectionLost and the commands' own rejections; without a listener ioredis prints them.
    client.on("error", () => undefined);
    queue.on("error", () => undefined);
    events.on("error", () => undefined);
    this.poller = setInterval(() => void this.poll(), POLL_MS);
    this.poller.unref();
  }

  status(): EvaluatorStatus {
    return { label: `queue ${this.address.display}`, workers: this.workers, waitingForWorkers: this.batch !== undefined && this.workers === 0 };
  }

  onStatusChange(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  readonly usesRecipes = true;

  evaluateBatch(points: Float64Array, rows: number, iteration: number, recipe?: QueryRecipe | null): Promise<Float64Array> {
    const run = this.order.then(() => this.dispatch(points, rows, iteration, recipe));
    this.order = run.catch(() => undefined);
    return run;
  }

  /** The objective's metrics of `theta`, computed by this process's own objective worker. */
  metrics(theta: Float64Array, iteration: number): Promise<Record<string, number>> {
    if (!this.local) return Promise.reject(new Error(`${this.info.file}: the objective defines no metrics()`));
    return this.local.metrics(theta, iteration);
  }

  /** Ends the session: its jobs and keys are removed and the connections closed. Safe to call more than once. */
  close(): Promise<void> {
    if (this.state === "open" || this.state === "failed") {
      const batch = this.batch;
      this.state = "closed";
      if (batch) {
        this.settle(batch)?.reject(
          new ObjectiveError({ kind: "exit", summary: "the evaluator was closed during a batch", iteration: batch.iteration }, this.info.file),
        );
      }
    }
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async register(runId: string): Promise<void> {
    const active: ActiveRun = { ...this.identity, run: runId };
    await this.client.hset(ACTIVE_RUNS_KEY, this.session, JSON.stringify(active));
    await this.subscriber.subscribe(resultsChannel(this.session));
    await this.readWorkers();
  }

  private async dispatch(points: Float64Array, rows: number, iteration: number, recipe: QueryRecipe | null | undefined): Promise<Float64Array> {
    this.assertUsable();
    const dimension = this.info.dimension;
    if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
    if (points.length < rows * dimension) {
      throw new RangeError(`points holds ${points.length} numbers; ${rows} rows of dimension ${dimension} need ${rows * dimension}`);
    }
    if (rows === 0) return new Float64Array(0);
    const batch = this.begin(iteration, rows);
    const done = new Promise<Float64Array>((resolve, reject) => Object.assign(batch, { resolve, reject }));
    try {
      const input = batchInput(points, rows, dimension, recipeFits(recipe, rows, dimension, iteration) ? recipe : undefined, this.options.payload);
      // Sent on the queue's own connection before addBulk, so stored before the jobs exist, with no round trip between.
      const stored: Promise<unknown>[] = [];
      if (input.theta) stored.push(this.client.set(thetaKey(this.session, iteration), input.theta, "EX", SESSION_KEY_TTL_S));
      if (input.points) stored.push(this.client.set(pointsKey(this.session, iteration), input.points, "EX", SESSION_KEY_TTL_S));
      const jobs = [];
      for (let query = 0; query < rows; query++) {
        const data: QueryJob = {
          session: this.session,
          run: this.options.runId,
          iteration,
          query,
          version: this.identity.version,
          dimension,
          nonFinite: this.nonFinite,
          seed: this.options.seed ?? 0,
          ...(this.options.provider ? { provider: this.options.provider } : {}),
          input: input.inputs[query],
        };
        jobs.push({ name: "query", data, opts: { jobId: jobId(this.session, iteration, query), removeOnComplete: true, removeOnFail: true } });
      }
      await Promise.all([...stored, this.queue.addBulk(jobs)]);
    } catch (error) {
      if (this.batch === batch) this.fail(this.connectionError(error));
    }
    this.emitStatus();
    return done;
  }

  private begin(iteration: number, rows: number): PendingBatch {
    const batch: PendingBatch = {
      iteration,
      rows,
      values: new Float64Array(rows),
      received: new Uint8Array(rows),
      failures: new Map(),
      decidedUpTo: 0,
      resolve: () => undefined,
      reject: () => undefined,
    };
    const limit = this.timeoutMs;
    if (limit > 0 && limit <= 2 ** 31 - 1) batch.timer = setTimeout(() => this.onTimeout(batch, limit), limit);
    this.batch = batch;
    return batch;
  }

  /** A worker wrote a result (only the first of each query is announced). */
  private onAnnouncement(message: string): void {
    const batch = this.batch;
    const announced = parseAnnouncement(message);
    if (batch === undefined || announced === undefined || announced.iteration !== batch.iteration || announced.query >= batch.rows) return;
    this.accept(batch, announced.query, decodeResult(announced.encoded));
  }

  private onFailed(id: string, reason: string): void {
    const batch = this.batch;
    const query = batch ? this.queryOf(id, batch) : undefined;
    if (batch === undefined || query === undefined) return;
    this.fail(new Error(`query ${query} of iteration ${batch.iteration} failed on a worker: ${reason}`));
  }

  /** The query of `id` when it belongs to `batch`. */
  private queryOf(id: string, batch: PendingBatch): number | undefined {
    const prefix = jobId(this.session, batch.iteration, 0).slice(0, -1);
    if (!id.startsWith(prefix)) return undefined;
    const query = Number(id.slice(prefix.length));
    return Number.isInteger(query) && query >= 0 && query < batch.rows ? query : undefined;
  }

  /** First result of a query wins; the batch settles in query order. */
  private accept(batch: PendingBatch, query: number, result: QueryResult): void {
    if (this.batch !== batch || batch.received[query] !== 0) return;
    if ("failure" in result) {
      batch.received[query] = 2;
      batch.failures.set(query, result.failure);
    } else {
      batch.received[query] = 1;
      batch.values[query] = result.value;
    }
    while (batch.decidedUpTo < batch.rows && batch.received[batch.decidedUpTo] !== 0) {
      const failure = batch.failures.get(batch.decidedUpTo);
      if (failure) return this.fail(this.objectiveError(failure, batch.iteration, batch.decidedUpTo));
      batch.decidedUpTo++;
    }
    if (batch.decidedUpTo === batch.rows) {
      this.settle(batch)?.resolve(batch.values);
      this.emitStatus();
    }
  }

  /** The worker's failure, with the run's iteration and query and the file as this machine names it. */
  private objectiveError(failure: ObjectiveFailure, iteration: number, query: number): ObjectiveError {
    const objectiveDir = path.dirname(this.info.file);
    const file = failure.file === undefined || path.isAbsolute(failure.file) ? failure.file : path.resolve(objectiveDir, failure.file);
    return new ObjectiveError({ ...failure, file, iteration, query }, this.info.file);
  }

  private onTimeout(batch: PendingBatch, limit: number): void {
    if (this.batch !== batch) return;
    const back = batch.received.reduce((count, received) => count + (received === 0 ? 0 : 1), 0);
    const detail =
      this.workers === 0
        ? `no worker is connected to the queue ${this.address.display} (start one: zoar worker ${this.identity.fileName} --queue ${this.address.display})`
        : `${back} of ${batch.rows} queries came back from ${this.workers} worker${this.workers === 1 ? "" : "s"} on ${this.address.display}`;
    const failure: ObjectiveFailure = { kind: "timeout", summary: `evaluation did not finish within ${limit} ms`, detail, iteration: batch.iteration, query: batch.decidedUpTo };
    this.fail(new ObjectiveError(failure, this.info.file));
  }

  /** The first failure wins: it rejects the batch in progress and leaves the evaluator unusable. */
  private fail(error: Error): void {
    if (this.state !== "open") return;
    this.state = "failed";
    this.failure = error;
    const batch = this.batch;
    if (batch) {
      this.settle(batch)?.reject(error);
      void this.discardBatch(batch);
    }
    this.emitStatus();
  }

  private settle(batch: PendingBatch): PendingBatch | undefined {
    if (this.batch !== batch) return undefined;
    clearTimeout(batch.timer);
    this.batch = undefined;
    if (this.state !== "closed") void this.forgetIteration(batch.iteration);
    return batch;
  }

  /** Marks the iteration finished, which turns late or duplicate results away (WRITE_RESULT_SCRIPT), and drops its keys. */
  private async forgetIteration(iteration: number): Promise<void> {
    const session = this.session;
    await this.client
      .multi()
      .set(finishedKey(session), iteration, "EX", SESSION_KEY_TTL_S)
      .del(thetaKey(session, iteration), pointsKey(session, iteration), valuesKey(session, iteration))
      .exec()
      .catch(() => undefined);
  }

  /** Removes the batch's jobs that no worker has taken; those in progress find their iteration gone. */
  private async discardBatch(batch: PendingBatch): Promise<void> {
    const ids = Array.from({ length: batch.rows }, (_, query) => jobId(this.session, batch.iteration, query));
    await Promise.allSettled(ids.map((id) => this.queue.remove(id)));
  }

  private assertUsable(): void {
    if (this.state === "failed") {
      const failure = this.failure!;
      throw failure instanceof ObjectiveError ? failure.stoppedEvaluator() : failure;
    }
    if (this.state === "closed") throw new ObjectiveError({ kind: "exit", summary: "the evaluator is closed" }, this.info.file);
  }

  /** Reads the worker count, and the results of the batch in progress in case an event went missing. */
  private async poll(): Promise<void> {
    if (this.state !== "open" || this.client.status !== "ready") return;
    await this.readWorkers();
    const batch = this.batch;
    if (!batch) return;
    const stored = await this.client.hgetall(valuesKey(this.session, batch.iteration)).catch(() => ({}) as Record<string, string>);
    for (const [field, encoded] of Object.entries(stored)) {
      const query = Number(field);
      if (Number.isInteger(query) && query >= 0 && query < batch.rows) this.accept(batch, query, decodeResult(encoded));
    }
  }

  private async readWorkers(): Promise<void> {
    const workers = await countWorkers(this.client, workersKey(queueName(this.identity))).catch(() => this.workers);
    if (workers === this.workers) return;
    this.workers = workers;
    this.emitStatus();
  }

  private emitStatus(): void {
    for (const listener of this.statusListeners) listener();
  }

  private onConnectionLost(): void {
    if (this.state !== "open" || this.lostTimer) return;
    this.lostTimer = setTimeout(() => {
      this.fail(new QueueConnectionError(`lost the connection to the queue at ${this.address.display} (unreachable for ${LOST_AFTER_MS / 1000} s)`));
    }, LOST_AFTER_MS);
    this.lostTimer.unref();
  }

  private onReconnected(): void {
    clearTimeout(this.lostTimer);
    this.lostTimer = undefined;
  }

  private connectionError(error: unknown): Error {
    return new QueueConnectionError(`the queue at ${this.address.display} failed: ${messageOf(error)}`);
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.poller);
    await this.local?.close();
    clearTimeout(this.lostTimer);
    const reachable = this.client.status === "ready";
    if (reachable) await withTimeout(this.removeSession(), CLOSE_TIMEOUT_MS);
    await withTimeout(Promise.allSettled([this.events.close(), this.queue.close()]), CLOSE_TIMEOUT_MS);
    this.client.disconnect();
    this.subscriber.disconnect();
    // When Redis is gone, BullMQ's own connections keep retrying: cut them.
    await withTimeout(Promise.allSettled([this.events.disconnect(), this.queue.disconnect()]), CLOSE_TIMEOUT_MS);
  }

  /** This session's jobs still waiting, its keys, its entry among the active runs. */
  private async removeSession(): Promise<void> {
    const batch = this.batch;
    if (batch) await this.discardBatch(batch);
    let cursor = "0";
    do {
      const [next, keys] = await this.client.scan(cursor, "MATCH", sessionKeyPattern(this.session), "COUNT", 1000);
      if (keys.length > 0) await this.client.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    await this.client.hdel(ACTIVE_RUNS_KEY, this.session);
  }
}

async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

