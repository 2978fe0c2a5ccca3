/**
 * Host side of distributed evaluation: each batch becomes one job per query
 * on the objective's BullMQ queue; `zoar worker` processes (worker.ts) take
 * them, possibly on other machines. The batch's points go to Redis once, as
 * one binary string; a job names only its row. Results come back keyed by
 * query, the first one of each wins, and the batch resolves in query order,
 * so the engine sees exactly what a local evaluation would give it. An
 * objective error fails the batch as a local one would: at the first query
 * (in order) that failed, once every query before it has its value.
 */
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import * as path from "node:path";
import type { BatchEvaluator, EvaluatorStatus } from "../objective/batch-evaluator";
import { compileObjective } from "../objective/compile";
import { ObjectiveError, type ObjectiveFailure } from "../objective/errors";
import { DEFAULT_TIMEOUT_MS, ObjectiveEvaluator, type ObjectiveEvaluatorOptions, type ObjectiveInfo } from "../objective/evaluator";
import { bullConnection, connect, messageOf, QueueConnectionError } from "./connection";
import { objectiveIdentity, type ObjectiveIdentity } from "./identity";
import { ACTIVE_RUNS_KEY, jobId, newSessionToken, pointsKey, QUEUE_PREFIX, queueName, SESSION_KEY_TTL_S, sessionKeyPattern, valuesKey } from "./keys";
import { decodeResult, pointsToBuffer, type QueryJob, type QueryResult } from "./payload";
import { parseQueueUrl, type QueueAddress } from "./redis-url";

export interface QueueEvaluatorOptions extends ObjectiveEvaluatorOptions {
  /** redis:// or rediss:// URL of the queue, credentials included. */
  queue: string;
  /** The run's id, shown by workers. */
  runId: string;
}

/** What the run registers in ACTIVE_RUNS_KEY, so workers of another version can say why they take nothing. */
export interface ActiveRun extends ObjectiveIdentity {
  run: string;
}

/** How long Redis may be unreachable mid-run before the run stops (its checkpoint stays valid). */
const LOST_AFTER_MS = 5000;
/** How often the worker count is read, and results are read back in case an event was missed. */
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
    const queue = new Queue<QueryJob>(queueName(identity), { connection: bullConnection(address.options), prefix: QUEUE_PREFIX });
    const events = new QueueEvents(queueName(identity), { connection: bullConnection(address.options), prefix: QUEUE_PREFIX });
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    } catch (error) {
      client.disconnect();
      await Promise.allSettled([queue.close(), events.close()]);
      throw new QueueConnectionError(`cannot use the queue at ${address.display}: ${messageOf(error)}`);
    }
    const evaluator = new QueueEvaluator(info, identity, address, client, queue, events, options, local);
    await evaluator.register(options.runId);
    return evaluator;
  }

  private constructor(
    readonly info: ObjectiveInfo,
    readonly identity: ObjectiveIdentity,
    private readonly address: QueueAddress,
    private readonly client: Redis,
    private readonly queue: Queue<QueryJob>,
    private readonly events: QueueEvents,
    private readonly options: QueueEvaluatorOptions,
    private readonly local: ObjectiveEvaluator | undefined,
  ) {
    this.session = newSessionToken(options.runId);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.nonFinite = options.nonFinite ?? "fail";
    events.on("completed", ({ jobId: id, returnvalue }) => this.onCompleted(id, returnvalue));
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

  evaluateBatch(points: Float64Array, rows: number, iteration: number): Promise<Float64Array> {
    const run = this.order.then(() => this.dispatch(points, rows, iteration));
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
    await this.readWorkers();
  }

  private async dispatch(points: Float64Array, rows: number, iteration: number): Promise<Float64Array> {
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
      await this.client.set(pointsKey(this.session, iteration), pointsToBuffer(points.subarray(0, rows * dimension)), "EX", SESSION_KEY_TTL_S);
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
        };
        jobs.push({ name: "query", data, opts: { jobId: jobId(this.session, iteration, query), removeOnComplete: true, removeOnFail: true } });
      }
      await this.queue.addBulk(jobs);
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

  private onCompleted(id: string, returnvalue: unknown): void {
    const batch = this.batch;
    const query = batch ? this.queryOf(id, batch) : undefined;
    if (batch === undefined || query === undefined) return;
    if (typeof returnvalue === "string" && returnvalue !== "") this.accept(batch, query, decodeResult(returnvalue));
    else void this.poll(); // a duplicate or late completion: what counts is in Redis
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

  /** Deleting the points key turns late or duplicate results away (see WRITE_RESULT_SCRIPT). */
  private async forgetIteration(iteration: number): Promise<void> {
    await this.client.del(pointsKey(this.session, iteration), valuesKey(this.session, iteration)).catch(() => undefined);
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
    const workers = await this.queue.getWorkersCount().catch(() => this.workers);
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

