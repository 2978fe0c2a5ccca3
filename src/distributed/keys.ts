// Names in Redis. Every run session gets its own token, so jobs and keys of
// one session never meet those of another (or of an earlier, killed session
// of the same run). BullMQ job ids may not contain ':'.
import { randomBytes } from "node:crypto";
import type { ObjectiveIdentity } from "./identity";

/** BullMQ's key prefix for zoar's queues. */
export const QUEUE_PREFIX = "zoar";

/** Hash of the runs being evaluated: session -> JSON ActiveRun. Workers read it to explain refusals. */
export const ACTIVE_RUNS_KEY = "zoar:active-runs";

/** Per-session keys expire by themselves if the run's process dies before cleaning up. */
export const SESSION_KEY_TTL_S = 24 * 3600;

/** The queue of one objective version, for workers whose engine draws the same directions (identity.ts). */
export function queueName(identity: Pick<ObjectiveIdentity, "version" | "dimension" | "generator">): string {
  return `objective-${identity.version}-d${identity.dimension}-g${identity.generator}`;
}

/** Sorted set of the queue's workers, scored by their last heartbeat in Redis's own clock (heartbeat.ts). */
export function workersKey(queue: string): string {
  return `zoar:workers:${queue}`;
}

/** `<run id>.<random>`: unique per run session. */
export function newSessionToken(runId: string): string {
  return `${runId.replace(/[^A-Za-z0-9_-]/g, "_")}.${randomBytes(4).toString("hex")}`;
}

export function jobId(session: string, iteration: number, query: number): string {
  return `${session}.${iteration}.${query}`;
}

/** The iteration's points, when they are too large for the jobs and not rebuilt from a recipe: rows * dimension float64s. */
export function pointsKey(session: string, iteration: number): string {
  return `zoar:session:${session}:points:${iteration}`;
}

/** The iteration's theta (dimension float64s), from which workers rebuild seed-built rows. */
export function thetaKey(session: string, iteration: number): string {
  return `zoar:session:${session}:theta:${iteration}`;
}

/** The last iteration of the session whose values are all in: later results of it are turned away. */
export function finishedKey(session: string): string {
  return `zoar:session:${session}:finished`;
}

/** Pub/sub channel on which workers announce each result the moment it is written. */
export function resultsChannel(session: string): string {
  return `zoar:session:${session}:results`;
}

/** The iteration's values: hash query -> encoded value (see payload.ts). The first write of a query wins. */
export function valuesKey(session: string, iteration: number): string {
  return `zoar:session:${session}:values:${iteration}`;
}

/** Pattern matching every key of a session, for the cleanup at the end. */
export function sessionKeyPattern(session: string): string {
  return `zoar:session:${session}:*`;
}
