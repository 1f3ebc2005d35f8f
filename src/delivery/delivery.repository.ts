/**
 * The tables the delivery pipeline writes: `webhook_events` (one audit row per received event),
 * `meetings`, `recordings` and `deliveries`. Deliveries are unique per (meeting_uuid, file_id,
 * chat_id): inserting one is insert-or-ignore, which is how a re-sent webhook never causes a second
 * delivery (reference/zoom.md §6.1).
 */
import type { Executor } from "../db/database.js";
import { deletedRows } from "../db/deleted-rows.js";
import type { DeliveryRow, MeetingRow } from "../db/schema.js";
import type { ZoomRecordingFile } from "../zoom/events.js";
import { fileKey } from "../zoom/recording-files.js";

/** `chat`: Zoom's in-meeting chat file. */
export type DeliveryKind = "audio" | "video" | "transcript" | "summary" | "chat";
export type DeliveryState = "pending" | "downloading" | "uploading" | "delivered" | "failed" | "skipped";
export type WebhookResult = "accepted" | "duplicate" | "ignored" | "no_connection" | "invalid";

export interface WebhookEventInput {
  receivedAt: number;
  event: string;
  meetingUuid: string | null;
  zoomUserId: string | null;
  requestId: string | null;
  result: WebhookResult;
  /** Already encrypted with services.cipher; never the plain token. */
  downloadTokenEnc: string | null;
  /** The body without `download_token`. */
  payload: string;
}

/**
 * Stores the audit row. For a Zoom user who is not connected (`no_connection`) nothing of the
 * event's content is kept — no body, no download token — only what it was and when (issue #13).
 */
export async function insertWebhookEvent(db: Executor, input: WebhookEventInput): Promise<number> {
  const unconnected = input.result === "no_connection";
  const row = await db
    .insertInto("webhook_events")
    .values({
      received_at: input.receivedAt,
      event: input.event,
      meeting_uuid: input.meetingUuid,
      zoom_user_id: input.zoomUserId,
      request_id: input.requestId,
      result: input.result,
      download_token_enc: unconnected ? null : input.downloadTokenEnc,
      payload: unconnected ? "{}" : input.payload,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Retention: deletes audit rows received before `before`; returns how many. */
export async function pruneWebhookEvents(db: Executor, before: number): Promise<number> {
  return deletedRows(db.deleteFrom("webhook_events").where("received_at", "<", before));
}

export async function setWebhookEventResult(db: Executor, id: number, result: WebhookResult): Promise<void> {
  await db.updateTable("webhook_events").set({ result }).where("id", "=", id).execute();
}

/** The newest stored event of a kind for a meeting that carried a download token. */
export async function findLatestEventWithToken(
  db: Executor,
  meetingUuid: string,
  event: string,
): Promise<{ id: number; receivedAt: number; downloadTokenEnc: string; payload: string } | undefined> {
  const row = await db
    .selectFrom("webhook_events")
    .select(["id", "received_at", "download_token_enc", "payload"])
    .where("meeting_uuid", "=", meetingUuid)
    .where("event", "=", event)
    .where("download_token_enc", "is not", null)
    .orderBy("received_at", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
  if (!row?.download_token_enc) return undefined;
  return {
    id: Number(row.id),
    receivedAt: Number(row.received_at),
    downloadTokenEnc: row.download_token_enc,
    payload: row.payload,
  };
}

export interface MeetingInput {
  meetingUuid: string;
  zoomUserId: string;
  meetingNumber: string | null;
  topic: string;
  startTime: string | null;
  timezone: string | null;
  durationMinutes: number | null;
  hostEmail: string | null;
  shareUrl: string | null;
}

/** Inserts the meeting or refreshes what Zoom may have changed; summaries stay untouched. */
export async function upsertMeeting(db: Executor, input: MeetingInput, now: number): Promise<void> {
  const values = {
    zoom_user_id: input.zoomUserId,
    meeting_number: input.meetingNumber,
    topic: input.topic,
    start_time: input.startTime,
    timezone: input.timezone,
    duration_minutes: input.durationMinutes,
    host_email: input.hostEmail,
    share_url: input.shareUrl,
    updated_at: now,
  };
  await db
    .insertInto("meetings")
    .values({ meeting_uuid: input.meetingUuid, received_at: now, ...values })
    .onConflict((oc) => oc.column("meeting_uuid").doUpdateSet(values))
    .execute();
}

export async function findMeeting(db: Executor, meetingUuid: string): Promise<MeetingRow | undefined> {
  return db.selectFrom("meetings").selectAll().where("meeting_uuid", "=", meetingUuid).executeTakeFirst();
}

/**
 * Records one of a meeting's Zoom files (the row is keyed by the file's stable key, so a re-sent
 * event updates it). Takes the parsed Zoom file itself: the mapping lives here, once.
 */
export async function upsertRecordingFile(
  db: Executor,
  meetingUuid: string,
  file: ZoomRecordingFile,
  now: number,
): Promise<void> {
  const values = {
    file_type: file.file_type,
    recording_type: file.recording_type ?? null,
    file_extension: file.file_extension ?? null,
    file_size: file.file_size ?? null,
    status: file.status ?? null,
    recording_start: file.recording_start ?? null,
    recording_end: file.recording_end ?? null,
    play_url: file.play_url ?? null,
    updated_at: now,
  };
  await db
    .insertInto("recordings")
    .values({ meeting_uuid: meetingUuid, file_id: fileKey(file), created_at: now, ...values })
    .onConflict((oc) => oc.columns(["meeting_uuid", "file_id"]).doUpdateSet(values))
    .execute();
}

export interface DeliveryInput {
  meetingUuid: string;
  fileId: string;
  chatId: number;
  kind: DeliveryKind;
  requestedAt: number;
}

/**
 * The files of a meeting the chat already has under its id before a group became this supergroup
 * (`chats.migrated_to`): those deliveries stay under the old id, and the file must not come twice.
 */
export async function fileIdsUnderEarlierChatId(
  db: Executor,
  meetingUuid: string,
  chatId: number,
): Promise<Set<string>> {
  const rows = await db
    .selectFrom("deliveries")
    .innerJoin("chats", "chats.chat_id", "deliveries.chat_id")
    .select("deliveries.file_id")
    .where("deliveries.meeting_uuid", "=", meetingUuid)
    .where("chats.migrated_to", "=", chatId)
    .execute();
  return new Set(rows.map((r) => r.file_id));
}

/** Creates the delivery unless one exists for (meeting, file, chat); true when this call created it. */
export async function insertDeliveryIfAbsent(
  db: Executor,
  input: DeliveryInput,
  now: number,
): Promise<boolean> {
  const row = await db
    .insertInto("deliveries")
    .values({
      meeting_uuid: input.meetingUuid,
      file_id: input.fileId,
      chat_id: input.chatId,
      kind: input.kind,
      state: "pending",
      attempts: 0,
      requested_at: input.requestedAt,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(["meeting_uuid", "file_id", "chat_id"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

/** A meeting's deliveries to one chat: a query for the caller to narrow, select from and run. */
export function meetingDeliveriesTo(db: Executor, meetingUuid: string, chatId: number) {
  return db.selectFrom("deliveries").where("meeting_uuid", "=", meetingUuid).where("chat_id", "=", chatId);
}

/** The meeting's deliveries of these kinds to a chat, oldest first. */
export async function findDeliveries(
  db: Executor,
  meetingUuid: string,
  chatId: number,
  kinds: readonly DeliveryKind[],
): Promise<DeliveryRow[]> {
  return meetingDeliveriesTo(db, meetingUuid, chatId)
    .selectAll()
    .where("kind", "in", kinds)
    .orderBy("id")
    .execute();
}

export function isSettled(state: string): boolean {
  return state === "delivered" || state === "failed" || state === "skipped";
}

export interface DeliveryUpdate {
  state?: DeliveryState;
  detail?: string | null;
  lastError?: string | null;
  messageIds?: readonly number[];
  telegramFileId?: string | null;
  bytes?: number | null;
  deliveredAt?: number | null;
  /** Count this run as an attempt. */
  attempt?: boolean;
}

export async function updateDelivery(
  db: Executor,
  id: number,
  update: DeliveryUpdate,
  now: number,
): Promise<void> {
  await db
    .updateTable("deliveries")
    .set((eb) => ({
      updated_at: now,
      ...(update.state !== undefined ? { state: update.state } : {}),
      ...(update.detail !== undefined ? { detail: update.detail } : {}),
      ...(update.lastError !== undefined ? { last_error: update.lastError?.slice(0, 2000) ?? null } : {}),
      ...(update.messageIds !== undefined ? { message_ids: JSON.stringify(update.messageIds) } : {}),
      ...(update.telegramFileId !== undefined ? { telegram_file_id: update.telegramFileId } : {}),
      ...(update.bytes !== undefined ? { bytes: update.bytes } : {}),
      ...(update.deliveredAt !== undefined ? { delivered_at: update.deliveredAt } : {}),
      ...(update.attempt ? { attempts: eb("attempts", "+", 1) } : {}),
    }))
    .where("id", "=", id)
    .execute();
}

/** Message ids a delivery already produced (so a retried split resumes after the last sent part). */
export function deliveredMessageIds(row: Pick<DeliveryRow, "message_ids">): number[] {
  if (!row.message_ids) return [];
  try {
    const parsed = JSON.parse(row.message_ids) as unknown;
    return Array.isArray(parsed) ? parsed.filter((n): n is number => typeof n === "number") : [];
  } catch {
    return [];
  }
}

/** The result recorded for the webhook that carried `requestId`, once the inbox processor ran it. */
export async function findWebhookResult(db: Executor, requestId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("webhook_events")
    .select("result")
    .where("request_id", "=", requestId)
    .orderBy("id", "desc")
    .executeTakeFirst();
  return row?.result;
}

/** Whether the chat has any delivery of the meeting (it was received, whatever became of it). */
export async function hasAnyDelivery(db: Executor, meetingUuid: string, chatId: number): Promise<boolean> {
  const row = await meetingDeliveriesTo(db, meetingUuid, chatId).select("id").limit(1).executeTakeFirst();
  return row !== undefined;
}
