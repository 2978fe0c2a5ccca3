/**
 * The worker side of distributed evaluation (`zoar worker`): compiles the
 * objective once, serves the queue of exactly that version (identity.ts), and
 * evaluates each job's row through the same ObjectiveEvaluator a local run
 * uses, so values and errors are the same. With concurrency N it keeps N
 * objective worker threads. A job's result is written once (payload.ts); a
 * worker killed mid-job loses its lock and BullMQ gives the job to another.
 */
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { randomBytes } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";
import { QueryRowBuilder, type SamplerKind } from "../engine";
import { compileObjective, type CompiledObjective } from "../objective/compile";
import { ObjectiveError, type ObjectiveFailure } from "../objective/errors";
import { ObjectiveEvaluator, type ObjectiveEvaluatorOptions } from "../objective/evaluator";
import { bullConnection, connect, messageOf } from "./connection";
import { beat, HEARTBEAT_MS, leave } from "./heartbeat";
import { describeIdentity, objectiveIdentity, type ObjectiveIdentity } from "./identity";
import { ACTIVE_RUNS_KEY, finishedKey, pointsKey, QUEUE_PREFIX, queueName, resultsChannel, SESSION_KEY_TTL_S, thetaKey, valuesKey, workersKey } from "./keys";
import { encodeResult, floatsFromBuffer, type QueryJob, type QueryResult, WRITE_RESULT_SCRIPT } from "./payload";
import type { ActiveRun } from "./queue-evaluator";
import { parseQueueUrl, type QueueAddress } from "./redis-url";

export interface QueueWorkerOptions {
  objectiveFile: string;
  /** redis:// or rediss:// URL, credentials included. */
  queue: string;
  /** Jobs evaluated at once, each in its own objective worker thread; default 1. */
  concurrency?: number;
  /** Limit per query in ms, 0 for none (default): the run's own limit bounds the batch. */
  timeoutMs?: number;
  /** Where the worker says what it does; default stdout. */
  log?: (line: string) => void;
  /** The objective worker entry (tests from sources). */
  objectiveWorkerScript?: string;
}

/**
 * How long a job's lock lasts without renewal (the worker renews it every
 * half of it) and how often stalled jobs are looked for: a killed worker's
 * job runs again within about three seconds, not BullMQ's default minute.
 */
export const LOCK_DURATION_MS = 2000;
export const STALLED_INTERVAL_MS = 1000;
/** A job may lose its worker this many times before it fails the run. */
const MAX_STALLED = 5;
/** How often the active runs are read, to explain the runs this worker does not serve. */
const RUNS_CHECK_MS = 2000;
/** How often the count of jobs done is printed, when it changed. */
const SUMMARY_EVERY_MS = 10_000;
/** Iterations whose theta is kept: a worker may hold jobs of a few sessions at once. */
const CACHED_ITERATIONS = 8;

interface RedisWithWrite extends Redis {
  writeResult(
    activeRuns: string,
    finished: string,
    values: string,
    session: string,
    iteration: number,
    query: number,
    encoded: string,
    channel: string,
    ttlSeconds: number,
  ): Promise<number>;
}

/** One objective worker thread per concurrent job; one evaluator per non-finite policy, provider and run seed asked for. */
class EvaluatorSlot {
  private readonly evaluators = new Map<string, Promise<ObjectiveEvaluator>>();

  constructor(
    private readonly compiled: CompiledObjective,
    private readonly options: ObjectiveEvaluatorOptions,
  ) {}

  async evaluate(row: Float64Array, job: QueryJob): Promise<QueryResult> {
    const key = `${job.nonFinite}/${job.provider ?? ""}/${job.seed}`;
    let opening = this.evaluators.get(key);
    if (!opening) {
      opening = ObjectiveEvaluator.load(this.compiled, { ...this.options, nonFinite: job.nonFinite, provider: job.provider, seed: job.seed });
      this.evaluators.set(key, opening);
    }
    try {
      const evaluator = await opening;
      const values = await evaluator.evaluateBatch(row, 1, job.iteration);
      return { value: values[0] };
    } catch (error) {
      if (!(error instanceof ObjectiveError)) throw error;
      this.evaluators.delete(key); // a failed evaluator is closed: the next job gets a fresh one
      return { failure: error.failure };
    }
  }

  async close(): Promise<void> {
    const opened = await Promise.allSettled(this.evaluators.values());
    await Promise.all(opened.map((evaluator) => (evaluator.status === "fulfilled" ? evaluator.value.close() : undefined)));
  }
}

export class QueueWorker {
  private done = 0;
  private failed = 0;
  private readonly free: EvaluatorSlot[];
  private readonly slots: EvaluatorSlot[];
  private readonly thetas = new Map<string, Promise<Float64Array | undefined>>();
  private readonly builders = new Map<SamplerKind, QueryRowBuilder>();
  private readonly id = `${os.hostname()}.${process.pid}.${randomBytes(3).toString("hex")}`;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly explained = new Set<string>();
  private readonly runsTimer: NodeJS.Timeout;
  private readonly summaryTimer: NodeJS.Timeout;
  private summarized = "";
  private readonly worker: Worker<QueryJob, string | null>;
  private connectionDown = false;
  private lastError: unknown;
  private stopping: Promise<void> | undefined;

  static async start(options: QueueWorkerOptions): Promise<QueueWorker> {
    const address = parseQueueUrl(options.queue);
    const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
    const compiled = await compileObjective(options.objectiveFile);
    const evaluatorOptions: ObjectiveEvaluatorOptions = { timeoutMs: options.timeoutMs ?? 0, workerScript: options.objectiveWorkerScript };
    // Loaded once here for its dimension and name; the slots load their own.
    const probe = await ObjectiveEvaluator.load(compiled, evaluatorOptions);
    const identity = objectiveIdentity(compiled.code, probe.info);
    await probe.close();
    const client = (await connect(address)) as RedisWithWrite;
    client.defineCommand("writeResult", { numberOfKeys: 3, lua: WRITE_RESULT_SCRIPT });
    const concurrency = options.concurrency ?? 1;
    const slots = Array.from({ length: concurrency }, () => new EvaluatorSlot(compiled, evaluatorOptions));
    const worker = new QueueWorker(identity, address, client, slots, log, compiled.file);
    await worker.worker.waitUntilReady();
    await worker.heartbeat();
    log(
      `zoar worker: connected to ${address.display}; serving ${describeIdentity(identity)} "${identity.name}", ` +
        `${concurrency} job${concurrency === 1 ? "" : "s"} at a time`,
    );
    return worker;
  }

  private constructor(
    readonly identity: ObjectiveIdentity,
    private readonly address: QueueAddress,
    private readonly client: RedisWithWrite,
    slots: EvaluatorSlot[],
    private readonly log: (line: string) => void,
    private readonly objectiveFile: string,
  ) {
    this.slots = slots;
    this.free = [...slots];
    this.worker = new Worker<QueryJob, string | null>(queueName(identity), (job) => this.process(job), {
      connection: bullConnection(address.options),
      prefix: QUEUE_PREFIX,
      concurrency: slots.length,
      lockDuration: LOCK_DURATION_MS,
      stalledInterval: STALLED_INTERVAL_MS,
      maxStalledCount: MAX_STALLED,
    });
    this.worker.on("error", () => undefined); // BullMQ reconnects by itself; our own connection tells the story
    client.on("error", (error) => (this.lastError = error));
    client.on("close", () => this.onConnectionLost());
    client.on("ready", () => this.onConnected());
    this.runsTimer = setInterval(() => void this.explainOtherRuns(), RUNS_CHECK_MS);
    this.runsTimer.unref();
    this.summaryTimer = setInterval(() => this.printSummary(), SUMMARY_EVERY_MS);
    this.summaryTimer.unref();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
    this.heartbeatTimer.unref();
    void this.explainOtherRuns();
  }

  get jobsDone(): number {
    return this.done;
  }

  get failures(): number {
    return this.failed;
  }

  /** Stops taking jobs, finishes the ones in progress (force: gives them back at once), closes the objective's threads. */
  stop(force = false): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.runsTimer);
      clearInterval(this.summaryTimer);
      clearInterval(this.heartbeatTimer);
      await this.worker.close(force);
      await Promise.all(this.slots.map((slot) => slot.close()));
      // Runs stop counting this worker at once rather than after WORKER_SILENT_MS.
      if (this.client.status === "ready") await leave(this.client, workersKey(queueName(this.identity)), this.id).catch(() => undefined);
      this.client.disconnect();
      this.log(`zoar worker: stopped; ${this.summary()}`);
    })();
    return this.stopping;
  }

  summary(): string {
    return `jobs done ${this.done}, failures ${this.failed}`;
  }

  private printSummary(): void {
    const summary = this.summary();
    if (summary === this.summarized) return;
    this.summarized = summary;
    this.log(`zoar worker: ${summary}`);
  }

  private async process(job: Job<QueryJob, string | null>): Promise<string | null> {
    const data = job.data;
    if (data.version !== this.identity.version || data.dimension !== this.identity.dimension) {
      throw new UnrecoverableError(`the worker serves ${describeIdentity(this.identity)}, the job needs version ${data.version} with ${data.dimension} parameters`);
    }
    const row = await this.rowOf(data);
    if (row === undefined) return null; // the iteration is over (a duplicate) or its run has ended
    const slot = this.free.pop()!; // BullMQ runs at most `concurrency` jobs at once
    let result: QueryResult;
    try {
      result = await slot.evaluate(row, data);
    } finally {
      this.free.push(slot);
    }
    if ("failure" in result) result = { failure: this.portable(result.failure, data) };
    const encoded = encodeResult(result);
    const { session, iteration, query } = data;
    const written = await this.client.writeResult(
      ACTIVE_RUNS_KEY,
      finishedKey(session),
      valuesKey(session, iteration),
      session,
      iteration,
      query,
      encoded,
      resultsChannel(session),
      SESSION_KEY_TTL_S,
    );
    if ("failure" in result) {
      this.failed++;
      this.log(`zoar worker: run ${data.run}: ${new ObjectiveError(result.failure, this.objectiveFile).message}`);
    } else {
      this.done++;
    }
    return written === 1 ? encoded : null;
  }

  /** The job's point (payload.ts, QueryInput); undefined when its iteration's keys are gone. */
  private async rowOf(job: QueryJob): Promise<Float64Array | undefined> {
    const d = job.dimension;
    const input = job.input;
    let row: Float64Array | undefined;
    if (input.kind === "row") {
      row = floatsFromBuffer(Buffer.from(input.row, "base64"));
    } else if (input.kind === "batch") {
      const bytes = d * Float64Array.BYTES_PER_ELEMENT;
      const slice = await this.client.getrangeBuffer(pointsKey(job.session, job.iteration), job.query * bytes, (job.query + 1) * bytes - 1);
      if (slice.length === 0) return undefined;
      row = floatsFromBuffer(slice);
    } else {
      const theta = await this.thetaOf(job.session, job.iteration);
      if (theta === undefined) return undefined;
      let builder = this.builders.get(input.sampler);
      if (!builder) this.builders.set(input.sampler, (builder = new QueryRowBuilder(input.sampler, d)));
      row = new Float64Array(d);
      builder.build(theta, input.mu, input.row, input.direction, row);
    }
    if (row.length !== d) throw new UnrecoverableError(`query ${job.query} of iteration ${job.iteration} came with ${row.length} numbers, not ${d}`);
    return row;
  }

  /** The iteration's theta, read once per iteration; undefined when it is gone. */
  private thetaOf(session: string, iteration: number): Promise<Float64Array | undefined> {
    const key = thetaKey(session, iteration);
    let theta = this.thetas.get(key);
    if (!theta) {
      theta = this.client.getBuffer(key).then((buffer) => (buffer === null ? undefined : floatsFromBuffer(buffer)));
      this.thetas.set(key, theta);
      if (this.thetas.size > CACHED_ITERATIONS) this.thetas.delete(this.thetas.keys().next().value!);
      void theta.then((found) => found ?? this.thetas.delete(key), () => this.thetas.delete(key));
    }
    return theta;
  }

  /** Tells the runs of this queue that this worker is alive (heartbeat.ts). */
  private async heartbeat(): Promise<void> {
    if (this.client.status !== "ready") return;
    await beat(this.client, workersKey(queueName(this.identity)), this.id).catch(() => undefined);
  }

  /** The failure with the job's iteration and query, and its file relative to the objective's folder when inside it. */
  private portable(failure: ObjectiveFailure, job: QueryJob): ObjectiveFailure {
    let file = failure.file;
    if (file !== undefined) {
      const relative = path.relative(path.dirname(this.objectiveFile), file);
      if (relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative)) file = relative.split(path.sep).join("/");
      else if (file === this.objectiveFile) file = path.basename(file);
    }
    return { ...failure, file, iteration: job.iteration, query: job.query };
  }

  /** Runs of another version of this objective get no help from this worker: say so once per run. */
  private async explainOtherRuns(): Promise<void> {
    const active = await this.client.hgetall(ACTIVE_RUNS_KEY).catch(() => ({}) as Record<string, string>);
    for (const [session, json] of Object.entries(active)) {
      if (this.explained.has(session)) continue;
      this.explained.add(session);
      let run: ActiveRun;
      try {
        run = JSON.parse(json) as ActiveRun;
      } catch {
        continue;
      }
      const same = run.version === this.identity.version && run.dimension === this.identity.dimension;
      const related = run.fileName === this.identity.fileName || run.name === this.identity.name;
      if (same && run.generator !== this.identity.generator) {
        this.log(
          `zoar worker: refusing run ${run.run}: its zoar draws query directions differently from this worker's ` +
            `(generator ${run.generator}, here ${this.identity.generator}), so rebuilt points would differ; run the same zoar version on both machines`,
        );
      } else if (!same && related) {
        this.log(
          `zoar worker: refusing run ${run.run}: it evaluates ${describeIdentity(run)}, this worker has ${describeIdentity(this.identity)}; ` +
            `start a worker with the run's version of the file`,
        );
      }
    }
  }

  private onConnectionLost(): void {
    if (this.connectionDown || this.stopping) return;
    this.connectionDown = true;
    const cause = this.lastError === undefined ? "" : ` (${messageOf(this.lastError)})`;
    this.log(`zoar worker: lost the queue at ${this.address.display}${cause}; reconnecting`);
  }

  private onConnected(): void {
    if (!this.connectionDown) return;
    this.connectionDown = false;
    this.log(`zoar worker: reconnected to ${this.address.display}`);
  }
}
