/**
 * SQL for the webhook inbox (`webhook_inbox`): append verified events in batches, claim a batch
 * for processing, delete what was processed, record failures, and measure the backlog.
 */
import type { Dialect, Executor } from "../db/database.js";

export interface InboxEventInput {
  receivedAt: number;
  event: string;
  requestId: string | null;
  /** The verified body without download_token. */
  payload: string;
  downloadTokenEnc: string | null;
}

export interface InboxEvent extends InboxEventInput {
  id: number;
  attempts: number;
}

/** One multi-row INSERT: one statement, one commit, one fsync for the whole batch. Returns ids. */
export async function appendInboxEvents(db: Executor, events: readonly InboxEventInput[]): Promise<number[]> {
  if (events.length === 0) return [];
  const rows = await db
    .insertInto("webhook_inbox")
    .values(
      events.map((e) => ({
        received_at: e.receivedAt,
        event: e.event,
        request_id: e.requestId,
        payload: e.payload,
        download_token_enc: e.downloadTokenEnc,
        available_at: e.receivedAt,
      })),
    )
    .returning("id")
    .execute();
  return rows.map((r) => Number(r.id));
}

/**
 * The oldest `limit` pending events that are due, for the caller's open transaction. On PostgreSQL
 * the rows stay locked (FOR UPDATE SKIP LOCKED) until that transaction ends, so several workers
 * take disjoint batches and a worker that dies mid-batch simply lets go of its rows. On SQLite the
 * caller's BEGIN IMMEDIATE already makes it the only writer.
 */
export async function claimInboxBatch(
  tx: Executor,
  dialect: Dialect,
  limit: number,
  now: number,
  /** Only this event (re-processing one event of a failed batch). */
  onlyId?: number,
): Promise<InboxEvent[]> {
  let query = tx
    .selectFrom("webhook_inbox")
    .select(["id", "received_at", "event", "request_id", "payload", "download_token_enc", "attempts"])
    .where("state", "=", "pending")
    .where("available_at", "<=", now)
    // The index's own order (state, available_at, id): no sort, however deep the backlog.
    .orderBy("available_at")
    .orderBy("id")
    .limit(limit);
  if (onlyId !== undefined) query = query.where("id", "=", onlyId);
  if (dialect === "postgres") query = query.forUpdate().skipLocked();
  const rows = await query.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    receivedAt: Number(r.received_at),
    event: r.event,
    requestId: r.request_id,
    payload: r.payload,
    downloadTokenEnc: r.download_token_enc,
    attempts: Number(r.attempts),
  }));
}

/** Removes processed events (their audit rows in webhook_events are the record). */
export async function deleteInboxEvents(tx: Executor, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.deleteFrom("webhook_inbox").where("id", "in", ids).execute();
}

/** Counts a failed attempt: back to pending at `retryAt`, or `failed` for good when undefined. */
export async function recordInboxFailure(
  db: Executor,
  id: number,
  error: string,
  retryAt: number | undefined,
): Promise<void> {
  await db
    .updateTable("webhook_inbox")
    .set((eb) => ({
      attempts: eb("attempts", "+", 1),
      last_error: error.slice(0, 2000),
      ...(retryAt === undefined ? { state: "failed" } : { available_at: retryAt }),
    }))
    .where("id", "=", id)
    .where("state", "=", "pending")
    .execute();
}

/**
 * Since when the oldest pending event has been due (its arrival, or its retry time), or null: how
 * far behind the processors are. One index probe, cheap enough for the request path.
 */
export async function oldestDueInboxEvent(db: Executor): Promise<number | null> {
  const row = await db
    .selectFrom("webhook_inbox")
    .select("available_at")
    .where("state", "=", "pending")
    .orderBy("available_at")
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.available_at) : null;
}

/** Events pending or failed for good (metrics; counts the index, so not for every request). */
export async function countInboxEvents(db: Executor, state: "pending" | "failed"): Promise<number> {
  const row = await db
    .selectFrom("webhook_inbox")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("state", "=", state)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
