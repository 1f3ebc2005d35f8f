/**
 * SQL for recordings removed in Zoom (issue #13, item 11): the one `recording_removals` row per
 * meeting that remembers what `recording.trashed` / `recording.deleted` stopped (delivery ids, and
 * the cancelled jobs as kind and payload), so `recording.recovered` can queue exactly that again;
 * the deliveries it stops and reopens; and the check a running job makes before it downloads or
 * uploads.
 */
import type { Executor } from "../db/database.js";
import { deletedRows } from "../db/deleted-rows.js";
import { parseJsonOrUndefined } from "../json.js";

export type RemovalState = "trashed" | "deleted" | "recovered";

/** A job cancelled because its recording left Zoom, kept whole so it can run again. */
export interface StoppedJob {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
}

export interface RecordingRemoval {
  meetingUuid: string;
  zoomUserId: string;
  chatId: number;
  state: RemovalState;
  stoppedDeliveries: number[];
  stoppedJobs: StoppedJob[];
}

/** What a stopped delivery's `last_error` says (the card says it in the chat's language). */
export const STOPPED_IN_ZOOM: Record<Exclude<RemovalState, "recovered">, string> = {
  trashed: "zoom.removed: the recording was moved to the trash in Zoom",
  deleted: "zoom.removed: the recording was deleted in Zoom",
};

export async function findRecordingRemoval(
  db: Executor,
  meetingUuid: string,
): Promise<RecordingRemoval | undefined> {
  const row = await db
    .selectFrom("recording_removals")
    .selectAll()
    .where("meeting_uuid", "=", meetingUuid)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    meetingUuid: row.meeting_uuid,
    zoomUserId: row.zoom_user_id,
    chatId: Number(row.chat_id),
    state: row.state as RemovalState,
    stoppedDeliveries: jsonArray(row.stopped_deliveries).filter((n): n is number => typeof n === "number"),
    stoppedJobs: jsonArray(row.stopped_jobs).filter(isStoppedJob),
  };
}

export async function saveRecordingRemoval(
  db: Executor,
  removal: RecordingRemoval,
  now: number,
): Promise<void> {
  const values = {
    zoom_user_id: removal.zoomUserId,
    chat_id: removal.chatId,
    state: removal.state,
    stopped_deliveries: JSON.stringify(removal.stoppedDeliveries),
    stopped_jobs: JSON.stringify(removal.stoppedJobs),
    updated_at: now,
  };
  await db
    .insertInto("recording_removals")
    .values({ meeting_uuid: removal.meetingUuid, created_at: now, ...values })
    .onConflict((oc) => oc.column("meeting_uuid").doUpdateSet(values))
    .execute();
}

/**
 * Zoom keeps a trashed recording 30 days, then purges it (zoom.md §11.2): a removal older than
 * that can never be recovered, so what it stopped need not be remembered.
 */
export const ZOOM_TRASH_KEEPS_MS = 31 * 86_400_000;

/** Retention: forgets removals last changed before `before`; returns how many. */
export async function pruneRecordingRemovals(db: Executor, before: number): Promise<number> {
  return deletedRows(db.deleteFrom("recording_removals").where("updated_at", "<", before));
}

/** The file keys Zoom announced for a meeting (any event). */
export async function meetingFileIds(db: Executor, meetingUuid: string): Promise<string[]> {
  const rows = await db
    .selectFrom("recordings")
    .select("file_id")
    .where("meeting_uuid", "=", meetingUuid)
    .execute();
  return rows.map((r) => r.file_id);
}

/** Stops deliveries that have not arrived: `skipped`, with why. Delivered ones stay delivered. */
export function stopDeliveries(
  db: Executor,
  ids: readonly number[],
  reason: string,
  now: number,
): Promise<void> {
  return moveDeliveries(db, ids, { from: "undelivered", to: "skipped", lastError: reason }, now);
}

/**
 * Makes stopped deliveries pending again (the recording is back). Their `detail` stays: a split
 * upload resumes after the parts the chat already has, so nothing arrives twice.
 */
export function reopenDeliveries(db: Executor, ids: readonly number[], now: number): Promise<void> {
  return moveDeliveries(db, ids, { from: "skipped", to: "pending", lastError: null }, now);
}

async function moveDeliveries(
  db: Executor,
  ids: readonly number[],
  move: { from: "undelivered" | "skipped"; to: "skipped" | "pending"; lastError: string | null },
  now: number,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("deliveries")
    .set({ state: move.to, last_error: move.lastError, updated_at: now })
    .where("id", "in", ids)
    .where("state", move.from === "skipped" ? "=" : "!=", move.from === "skipped" ? "skipped" : "delivered")
    .execute();
}

/**
 * A running job's check before it downloads or uploads: whether its delivery was stopped because
 * the recording left Zoom. If so the delivery is put back to `skipped` (the job may have moved it
 * to `downloading` or `uploading` meanwhile) and true is returned: the job stops that part.
 */
export async function stopIfRemovedInZoom(
  db: Executor,
  meetingUuid: string,
  deliveryId: number,
  now: number,
): Promise<boolean> {
  const removal = await findRecordingRemoval(db, meetingUuid);
  if (!removal || removal.state === "recovered" || !removal.stoppedDeliveries.includes(deliveryId)) {
    return false;
  }
  await stopDeliveries(db, [deliveryId], STOPPED_IN_ZOOM[removal.state], now);
  return true;
}

function jsonArray(text: string): unknown[] {
  const value = parseJsonOrUndefined(text);
  return Array.isArray(value) ? value : [];
}

function isStoppedJob(value: unknown): value is StoppedJob {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<StoppedJob>;
  return (
    typeof v.id === "number" &&
    typeof v.kind === "string" &&
    typeof v.payload === "object" &&
    v.payload !== null
  );
}
