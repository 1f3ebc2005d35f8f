/**
 * The SQL of /import: runs (the request and the cursor its job resumes from) and the meetings each
 * run found. A chat has at most one unfinished run: `active_chat_id` is unique and cleared when the
 * run ends, so two /import at the same moment cannot both start one.
 */
import type { Selectable } from "kysely";
import type { Executor } from "../db/database.js";
import type { BackfillRunsTable } from "../db/schema.js";

export type BackfillRunState = "listing" | "delivering" | "done" | "cancelled" | "failed";
export type BackfillItemState = "listed" | "ingesting" | "queued" | "skipped";

export interface BackfillRun {
  id: number;
  chatId: number;
  requestedBy: number;
  locale: string;
  fromDay: string;
  toDay: string;
  zoomUserIds: string[];
  userIndex: number;
  windowFrom: string;
  pageToken: string | null;
  state: BackfillRunState;
  progressMessageId: number | null;
  lastText: string | null;
  createdAt: number;
}

function toRun(row: Selectable<BackfillRunsTable>): BackfillRun {
  return {
    id: Number(row.id),
    chatId: Number(row.chat_id),
    requestedBy: Number(row.requested_by),
    locale: row.locale,
    fromDay: row.from_day,
    toDay: row.to_day,
    zoomUserIds: JSON.parse(row.zoom_user_ids) as string[],
    userIndex: row.user_index,
    windowFrom: row.window_from,
    pageToken: row.page_token,
    state: row.state as BackfillRunState,
    progressMessageId: row.progress_message_id === null ? null : Number(row.progress_message_id),
    lastText: row.last_text,
    createdAt: Number(row.created_at),
  };
}

export interface NewBackfillRun {
  chatId: number;
  requestedBy: number;
  locale: string;
  fromDay: string;
  toDay: string;
  zoomUserIds: readonly string[];
}

/** Starts a run, or returns null when the chat already has an unfinished one. */
export async function insertBackfillRun(
  db: Executor,
  input: NewBackfillRun,
  now: number,
): Promise<number | null> {
  const row = await db
    .insertInto("backfill_runs")
    .values({
      chat_id: input.chatId,
      active_chat_id: input.chatId,
      requested_by: input.requestedBy,
      locale: input.locale,
      from_day: input.fromDay,
      to_day: input.toDay,
      zoom_user_ids: JSON.stringify(input.zoomUserIds),
      user_index: 0,
      window_from: input.fromDay,
      page_token: null,
      state: "listing",
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column("active_chat_id").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

export async function findBackfillRun(db: Executor, id: number): Promise<BackfillRun | undefined> {
  const row = await db.selectFrom("backfill_runs").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toRun(row) : undefined;
}

export async function findActiveBackfillRun(db: Executor, chatId: number): Promise<BackfillRun | undefined> {
  const row = await db
    .selectFrom("backfill_runs")
    .selectAll()
    .where("active_chat_id", "=", chatId)
    .executeTakeFirst();
  return row ? toRun(row) : undefined;
}

/** Where listing stands: the next Zoom user, window and page token to ask for. */
export async function saveBackfillCursor(
  db: Executor,
  id: number,
  cursor: {
    userIndex: number;
    windowFrom: string;
    pageToken: string | null;
    state?: "listing" | "delivering";
  },
  now: number,
): Promise<void> {
  await db
    .updateTable("backfill_runs")
    .set({
      user_index: cursor.userIndex,
      window_from: cursor.windowFrom,
      page_token: cursor.pageToken,
      ...(cursor.state ? { state: cursor.state } : {}),
      updated_at: now,
    })
    .where("id", "=", id)
    .where("active_chat_id", "is not", null)
    .execute();
}

/**
 * Ends a run (done, cancelled or failed) unless it already ended; true when this call ended it,
 * so only one of a cancel button and the job reports the end.
 */
export async function finishBackfillRun(
  db: Executor,
  id: number,
  state: "done" | "cancelled" | "failed",
  now: number,
  error?: string,
): Promise<boolean> {
  const result = await db
    .updateTable("backfill_runs")
    .set({
      state,
      active_chat_id: null,
      finished_at: now,
      updated_at: now,
      ...(error ? { last_error: error.slice(0, 500) } : {}),
    })
    .where("id", "=", id)
    .where("active_chat_id", "is not", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Forgets which meetings a finished run found (they name a Zoom user's meetings). */
export async function deleteBackfillItems(db: Executor, runId: number): Promise<void> {
  await db.deleteFrom("backfill_items").where("run_id", "=", runId).execute();
}

export async function setBackfillProgressMessage(
  db: Executor,
  id: number,
  messageId: number | null,
  text: string,
  now: number,
): Promise<void> {
  await db
    .updateTable("backfill_runs")
    .set({ progress_message_id: messageId, last_text: text, updated_at: now })
    .where("id", "=", id)
    .execute();
}

export interface FoundMeeting {
  meetingUuid: string;
  zoomUserId: string;
  startTime: string;
  /** The chat already has a delivery of this meeting. */
  received: boolean;
}

/** Records the meetings of one list page; a meeting seen before (a re-listed page) stays as it was. */
export async function insertBackfillItems(
  db: Executor,
  runId: number,
  meetings: readonly FoundMeeting[],
  now: number,
): Promise<void> {
  for (const m of meetings) {
    await db
      .insertInto("backfill_items")
      .values({
        run_id: runId,
        meeting_uuid: m.meetingUuid,
        zoom_user_id: m.zoomUserId,
        start_time: m.startTime,
        state: m.received ? "skipped" : "listed",
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(["run_id", "meeting_uuid"]).doNothing())
      .execute();
  }
}

export interface BackfillItem {
  id: number;
  meetingUuid: string;
  zoomUserId: string;
  state: BackfillItemState;
}

/** The oldest meeting still to hand to ingest (one interrupted mid-ingest comes first). */
export async function nextBackfillItem(db: Executor, runId: number): Promise<BackfillItem | undefined> {
  const row = await db
    .selectFrom("backfill_items")
    .select(["id", "meeting_uuid", "zoom_user_id", "state"])
    .where("run_id", "=", runId)
    .where("state", "in", ["listed", "ingesting"])
    .orderBy("start_time")
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  return row
    ? {
        id: Number(row.id),
        meetingUuid: row.meeting_uuid,
        zoomUserId: row.zoom_user_id,
        state: row.state as BackfillItemState,
      }
    : undefined;
}

export async function setBackfillItemState(
  db: Executor,
  id: number,
  state: BackfillItemState,
  now: number,
): Promise<void> {
  await db.updateTable("backfill_items").set({ state, updated_at: now }).where("id", "=", id).execute();
}

/** Meeting uuids of the run's items in `state`. */
export async function backfillItemUuids(
  db: Executor,
  runId: number,
  state: BackfillItemState,
): Promise<string[]> {
  const rows = await db
    .selectFrom("backfill_items")
    .select("meeting_uuid")
    .where("run_id", "=", runId)
    .where("state", "=", state)
    .execute();
  return rows.map((r) => r.meeting_uuid);
}

export async function countBackfillItems(
  db: Executor,
  runId: number,
): Promise<Record<BackfillItemState, number>> {
  const rows = await db
    .selectFrom("backfill_items")
    .select(["state", (eb) => eb.fn.countAll<number | string>().as("n")])
    .where("run_id", "=", runId)
    .groupBy("state")
    .execute();
  const counts: Record<BackfillItemState, number> = { listed: 0, ingesting: 0, queued: 0, skipped: 0 };
  for (const r of rows) counts[r.state as BackfillItemState] = Number(r.n);
  return counts;
}

/**
 * Of the given meetings, how many have settled in the chat and how many of those were delivered.
 * A meeting's audio and video decide (the transcript and summary may follow much later); one with
 * neither is decided by all its deliveries. Settled: nothing pending, downloading or uploading.
 * Delivered: settled without a failure.
 */
export async function settledMeetings(
  db: Executor,
  chatId: number,
  meetingUuids: readonly string[],
): Promise<{ settled: number; delivered: number }> {
  if (meetingUuids.length === 0) return { settled: 0, delivered: 0 };
  const rows = await db
    .selectFrom("deliveries")
    .select(["meeting_uuid", "kind", "state"])
    .where("chat_id", "=", chatId)
    .where("meeting_uuid", "in", [...meetingUuids])
    .execute();
  const byMeeting = new Map<string, Array<{ kind: string; state: string }>>();
  for (const r of rows) byMeeting.set(r.meeting_uuid, [...(byMeeting.get(r.meeting_uuid) ?? []), r]);
  let settled = 0;
  let delivered = 0;
  for (const all of byMeeting.values()) {
    const primary = all.filter((d) => d.kind === "audio" || d.kind === "video");
    const states = (primary.length > 0 ? primary : all).map((d) => d.state);
    if (!states.every((s) => s === "delivered" || s === "failed" || s === "skipped")) continue;
    settled++;
    if (!states.includes("failed")) delivered++;
  }
  // A meeting whose ingest created no delivery here counts as settled (and delivered elsewhere).
  const missing = meetingUuids.length - byMeeting.size;
  return { settled: settled + missing, delivered: delivered + missing };
}
