/**
 * The job queue on the `jobs` table. Each statement is one named function (as in graphile-worker's
 * src/sql): enqueue inside the caller's transaction, claim with a conditional UPDATE … RETURNING
 * (plus FOR UPDATE SKIP LOCKED on PostgreSQL), complete, fail with backoff, release on shutdown.
 *
 * States: queued → active → completed | retry → active … | dead | cancelled. A job whose lease ran
 * out while `active` (its worker was killed) is claimable again; one that already used all its
 * attempts that way is declared dead by `reapExpiredJobs`.
 *
 * Leases are judged by the database's clock (`dbNowMs`), never a worker's: `lease_expires_at` is
 * in database time. Each claim writes a fresh fencing token (`lease_token`); a worker's heartbeat,
 * completion, failure and reschedule are conditional on it, so a worker whose job was taken over
 * (its lease expired, another worker claimed it) can no longer write that job's row.
 */
import type { Kysely } from "kysely";
import type { Dialect, Executor } from "../db/database.js";
import { dbNowMs, newFencingToken } from "../db/db-clock.js";
import type { Database, JobRow } from "../db/schema.js";
import { parseJsonOrUndefined } from "../json.js";
import type { JobKind, JobRequest } from "./catalogue.js";

export type JobState = "queued" | "active" | "retry" | "completed" | "dead" | "cancelled";

export interface Job<P = unknown> {
  id: number;
  kind: string;
  payload: P;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  runAt: number;
  lockedBy: string | null;
  /** In the database's clock (ms), not the worker's. */
  leaseExpiresAt: number | null;
  /** The fencing token of the current claim; null when nobody holds the job. */
  leaseToken: string | null;
  lastError: string | null;
  createdAt: number;
}

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    state: row.state as JobState,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    lockedBy: row.locked_by,
    leaseExpiresAt: row.lease_expires_at,
    leaseToken: row.lease_token,
    lastError: row.last_error,
    createdAt: row.created_at,
  };
}

/** Inserts a job; returns its id, or null when a job with the same dedupe key already exists. */
export async function enqueueJob<K extends JobKind>(
  db: Executor,
  input: JobRequest<K>,
  now: number,
  defaultMaxAttempts = 8,
): Promise<number | null> {
  const row = await db
    .insertInto("jobs")
    .values({
      kind: input.kind,
      payload: JSON.stringify(input.payload ?? null),
      state: "queued",
      priority: input.priority ?? 0,
      attempts: 0,
      max_attempts: input.maxAttempts ?? defaultMaxAttempts,
      run_at: input.runAt ?? now,
      dedupe_key: input.dedupeKey ?? null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

/** A job request whose dedupe key is made of the kind and `key`'s parts, joined with `:`. */
export interface KeyedJobRequest<K extends JobKind> extends Omit<JobRequest<K>, "dedupeKey"> {
  key: readonly (string | number)[];
}

/**
 * Enqueues a job once per key (see {@link KeyedJobRequest}): a producer that runs again, such as
 * a re-sent webhook, adds nothing. Returns the new job's id, or null when the key was taken.
 */
export function enqueueJobOnce<K extends JobKind>(
  db: Executor,
  input: KeyedJobRequest<K>,
  now: number,
  defaultMaxAttempts?: number,
): Promise<number | null> {
  const { key, ...request } = input;
  return enqueueJob(db, { ...request, dedupeKey: [input.kind, ...key].join(":") }, now, defaultMaxAttempts);
}

export interface ClaimInput {
  workerId: string;
  limit: number;
  leaseMs: number;
  /** The worker's clock: which jobs are due (`run_at`). Leases use the database's clock. */
  now: number;
  kinds?: readonly string[];
}

/** A job as its claimer holds it: every write about it carries `leaseToken`. */
export type ClaimedJob<P = unknown> = Job<P> & { leaseToken: string };

/**
 * Atomically takes up to `limit` runnable jobs: due queued/retry jobs, and active jobs whose lease
 * expired by the database's clock (their worker died). The attempt counter goes up at claim time,
 * so a job that keeps killing its worker still runs out of attempts.
 */
export async function claimJobs(
  db: Kysely<Database>,
  dialect: Dialect,
  input: ClaimInput,
): Promise<ClaimedJob[]> {
  const dbNow = dbNowMs(db);
  let candidates = db
    .selectFrom("jobs")
    .select("id")
    .where((eb) =>
      eb.or([
        eb.and([eb("state", "in", ["queued", "retry"]), eb("run_at", "<=", input.now)]),
        eb.and([eb("state", "=", "active"), eb("lease_expires_at", "<", dbNow)]),
      ]),
    )
    .whereRef("attempts", "<", "max_attempts")
    .orderBy("priority", "desc")
    .orderBy("run_at")
    .orderBy("id")
    .limit(input.limit);
  if (input.kinds && input.kinds.length > 0) candidates = candidates.where("kind", "in", input.kinds);
  // SKIP LOCKED lets many workers claim side by side without waiting on each other's rows; the
  // state condition is repeated in the UPDATE so a row changed meanwhile is not taken twice.
  if (dialect === "postgres") candidates = candidates.forUpdate().skipLocked();

  const leaseToken = newFencingToken();
  const rows = await db
    .updateTable("jobs")
    .set((eb) => ({
      state: "active",
      locked_by: input.workerId,
      lease_expires_at: eb(dbNow, "+", input.leaseMs),
      lease_token: leaseToken,
      attempts: eb("attempts", "+", 1),
      updated_at: input.now,
    }))
    .where("id", "in", candidates)
    .where((eb) =>
      eb.or([
        eb("state", "in", ["queued", "retry"]),
        eb.and([eb("state", "=", "active"), eb("lease_expires_at", "<", dbNow)]),
      ]),
    )
    .returningAll()
    .execute();
  return rows.map((row) => ({ ...toJob(row), leaseToken })).sort((a, b) => a.id - b.id);
}

/** The fenced job a write is about: its id and the token of the claim that took it. */
export interface JobLease {
  jobId: number;
  leaseToken: string;
}

/** No longer held: finished or handed back; the fencing token goes with the lease. */
const RELEASED = { locked_by: null, lease_expires_at: null, lease_token: null } as const;

/**
 * Extends the lease (database clock) of a job this claim still holds; false if it lost the job.
 * A lease that ran out but was not taken over is still this claim's: the token decides.
 */
export async function extendLease(
  db: Executor,
  lease: JobLease,
  leaseMs: number,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("jobs")
    .set((eb) => ({ lease_expires_at: eb(dbNowMs(db), "+", leaseMs), updated_at: now }))
    .where("id", "=", lease.jobId)
    .where("state", "=", "active")
    .where("lease_token", "=", lease.leaseToken)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks the job completed if this claim still holds it; false when the write was fenced off. */
export async function completeJob(db: Executor, lease: JobLease, now: number): Promise<boolean> {
  const result = await db
    .updateTable("jobs")
    .set({ state: "completed", ...RELEASED, finished_at: now, updated_at: now })
    .where("id", "=", lease.jobId)
    .where("state", "=", "active")
    .where("lease_token", "=", lease.leaseToken)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface FailInput extends JobLease {
  error: string;
  now: number;
  /** When to run again; undefined means dead (no more attempts or not retryable). */
  retryAt: number | undefined;
}

/** Records a failure: back to `retry` at retryAt, or `dead`; `lost` when the claim was fenced off. */
export async function failJob(db: Executor, input: FailInput): Promise<"retry" | "dead" | "lost"> {
  const state = input.retryAt === undefined ? "dead" : "retry";
  const result = await db
    .updateTable("jobs")
    .set({
      state,
      run_at: input.retryAt ?? input.now,
      last_error: input.error.slice(0, 2000),
      ...RELEASED,
      finished_at: state === "dead" ? input.now : null,
      updated_at: input.now,
    })
    .where("id", "=", input.jobId)
    .where("state", "=", "active")
    .where("lease_token", "=", input.leaseToken)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? state : "lost";
}

/**
 * Puts a job back without spending an attempt: graceful shutdown, or a handler that asked to run
 * later (e.g. Zoom still processing the file). False when the claim was fenced off.
 */
export async function rescheduleJob(
  db: Executor,
  lease: JobLease,
  runAt: number,
  now: number,
  options: { refundAttempt: boolean; note?: string },
): Promise<boolean> {
  const result = await db
    .updateTable("jobs")
    .set((eb) => ({
      state: "retry",
      run_at: runAt,
      ...RELEASED,
      attempts: options.refundAttempt ? eb("attempts", "-", 1) : eb.ref("attempts"),
      last_error: options.note ?? eb.ref("last_error"),
      updated_at: now,
    }))
    .where("id", "=", lease.jobId)
    .where("state", "=", "active")
    .where("lease_token", "=", lease.leaseToken)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Declares dead the jobs whose lease expired after their last allowed attempt (a poison job that
 * kills its worker every time). Returns them so someone hears about it.
 */
export async function reapExpiredJobs(db: Executor, now: number): Promise<Job[]> {
  const rows = await db
    .updateTable("jobs")
    .set({
      state: "dead",
      last_error: "lease expired on the last attempt (the worker died or hung)",
      ...RELEASED,
      finished_at: now,
      updated_at: now,
    })
    .where("state", "=", "active")
    .where("lease_expires_at", "<", dbNowMs(db))
    .whereRef("attempts", ">=", "max_attempts")
    .returningAll()
    .execute();
  return rows.map(toJob);
}

export async function getJob(db: Executor, id: number): Promise<Job | undefined> {
  const row = await db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toJob(row) : undefined;
}

export async function countJobsByState(db: Executor): Promise<Record<JobState, number>> {
  const rows = await db
    .selectFrom("jobs")
    .select(["state", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("state")
    .execute();
  const counts: Record<JobState, number> = {
    queued: 0,
    active: 0,
    retry: 0,
    completed: 0,
    dead: 0,
    cancelled: 0,
  };
  for (const row of rows) counts[row.state as JobState] = Number(row.n);
  return counts;
}

/** Age of the oldest job that is due but not running, in ms (0 when none waits). */
export async function oldestWaitingAgeMs(db: Executor, now: number): Promise<number> {
  const row = await db
    .selectFrom("jobs")
    .select((eb) => eb.fn.min("run_at").as("oldest"))
    .where("state", "in", ["queued", "retry"])
    .where("run_at", "<=", now)
    .executeTakeFirst();
  const oldest = row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest);
  return oldest === undefined ? 0 : Math.max(0, now - oldest);
}

/**
 * Retention: finished jobs (completed, dead, cancelled) that finished before `before`. Jobs
 * without a dedupe key are deleted; jobs with one keep their row — the key is what stops a re-sent
 * webhook from doing the work twice — but lose their payload and error text.
 */
export async function pruneFinishedJobs(
  db: Executor,
  before: number,
): Promise<{ deleted: number; emptied: number }> {
  const finished = ["completed", "dead", "cancelled"] as const;
  const deleted = await db
    .deleteFrom("jobs")
    .where("state", "in", finished)
    .where("finished_at", "<", before)
    .where("dedupe_key", "is", null)
    .executeTakeFirst();
  const emptied = await db
    .updateTable("jobs")
    .set({ payload: "{}", last_error: null })
    .where("state", "in", finished)
    .where("finished_at", "<", before)
    .where("payload", "!=", "{}")
    .executeTakeFirst();
  return { deleted: Number(deleted.numDeletedRows), emptied: Number(emptied.numUpdatedRows) };
}

/** Job states that have not finished: such a job may still act. */
export const UNFINISHED_JOB_STATES = ["queued", "retry", "active"] as const;

/**
 * The payloads of every unfinished job (of these kinds, when given), parsed (a payload that is no
 * JSON is left out).
 */
export async function listUnfinishedJobPayloads(
  db: Executor,
  kinds?: readonly string[],
): Promise<Array<{ id: number; kind: string; payload: Record<string, unknown> }>> {
  let query = db
    .selectFrom("jobs")
    .select(["id", "kind", "payload"])
    .where("state", "in", UNFINISHED_JOB_STATES);
  if (kinds !== undefined) query = query.where("kind", "in", kinds.length > 0 ? kinds : [""]);
  const rows = await query.execute();
  const out: Array<{ id: number; kind: string; payload: Record<string, unknown> }> = [];
  for (const row of rows) {
    const payload = parseJsonObject(row.payload);
    if (payload) out.push({ id: Number(row.id), kind: row.kind, payload });
  }
  return out;
}

/** Cancels the given jobs unless they finished meanwhile; returns how many were cancelled. */
export async function cancelJobs(
  db: Executor,
  ids: readonly number[],
  reason: string,
  now: number,
): Promise<number> {
  let cancelled = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const result = await db
      .updateTable("jobs")
      .set({
        state: "cancelled",
        ...RELEASED,
        last_error: reason,
        finished_at: now,
        updated_at: now,
      })
      .where("id", "in", ids.slice(i, i + 500))
      .where("state", "in", UNFINISHED_JOB_STATES)
      .executeTakeFirst();
    cancelled += Number(result.numUpdatedRows);
  }
  return cancelled;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const value = parseJsonOrUndefined(text); // not JSON is not ours to judge; the worker reports it
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}
