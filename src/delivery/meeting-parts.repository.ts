/**
 * SQL for the transcript and summary parts of a meeting: the audit row of their webhooks, the
 * meeting and file rows they may be the first to announce, their delivery rows (the
 * `(meeting_uuid, file_id, chat_id)` unique key is what makes every part arrive once), the job
 * that delivers them, and the summary stored on the meeting.
 */
import type { Executor } from "../db/database.js";
import type { DeliveryRow } from "../db/schema.js";
import { enqueueJob } from "../jobs/queue.js";
import { type TokenCipher, TokenCipherError } from "../security/token-cipher.js";
import type { ZoomRecordingMeeting } from "../zoom/events.js";
import {
  fileIdsUnderEarlierChatId,
  findLatestEventWithToken,
  insertDeliveryIfAbsent,
  meetingDeliveriesTo,
  updateDelivery,
} from "./delivery.repository.js";
import {
  DELIVER_SUMMARY_JOB,
  DELIVER_TRANSCRIPT_JOB,
  type DeliverSummaryPayload,
  type DeliverTranscriptPayload,
  enqueueFileDelivery,
} from "./delivery-jobs.js";
import { downloadTokenAad } from "./ingest.js";
import type { SummarySource } from "./meeting-summary.js";

/** The synthetic `deliveries.file_id` of a meeting's summary message. */
export const SUMMARY_FILE_ID = "summary";

/**
 * The newest download token a webhook brought for this meeting (the fallback when the API's fresh
 * `download_access_token` is missing). Undefined when none is stored or it cannot be decrypted.
 */
export async function latestWebhookDownloadToken(
  db: Executor,
  cipher: TokenCipher,
  meetingUuid: string,
  event: string,
): Promise<string | undefined> {
  const row = await findLatestEventWithToken(db, meetingUuid, event);
  if (!row) return undefined;
  try {
    return cipher.decrypt(row.downloadTokenEnc, downloadTokenAad(meetingUuid));
  } catch (error) {
    // A retired key: the fresh API token and the OAuth token remain.
    if (error instanceof TokenCipherError) return undefined;
    throw error;
  }
}

export interface MeetingFacts {
  meeting: Pick<ZoomRecordingMeeting, "uuid" | "id" | "topic" | "start_time"> &
    Partial<Pick<ZoomRecordingMeeting, "timezone" | "duration" | "host_email" | "share_url">>;
  zoomUserId: string;
  now: number;
}

/** Inserts the meeting unless it exists (the first event of any kind creates it). */
export async function insertMeetingIfNew(db: Executor, facts: MeetingFacts): Promise<void> {
  const m = facts.meeting;
  await db
    .insertInto("meetings")
    .values({
      meeting_uuid: m.uuid,
      zoom_user_id: facts.zoomUserId,
      meeting_number: m.id || null,
      topic: m.topic,
      start_time: m.start_time || null,
      timezone: m.timezone ?? null,
      duration_minutes:
        typeof m.duration === "number" && Number.isFinite(m.duration) ? Math.round(m.duration) : null,
      host_email: m.host_email ?? null,
      share_url: m.share_url ?? null,
      summary_text: null,
      summary_source: null,
      received_at: facts.now,
      updated_at: facts.now,
    })
    .onConflict((oc) => oc.column("meeting_uuid").doNothing())
    .execute();
}

/** The transcript files known for a meeting (from any event), oldest first. */
export async function transcriptFileIds(db: Executor, meetingUuid: string): Promise<string[]> {
  const rows = await db
    .selectFrom("recordings")
    .select(["file_id", "file_type", "recording_type"])
    .where("meeting_uuid", "=", meetingUuid)
    .orderBy("recording_start")
    .orderBy("id")
    .execute();
  return rows
    .filter(
      (r) =>
        r.file_type.toUpperCase() === "TRANSCRIPT" || r.recording_type?.toLowerCase() === "audio_transcript",
    )
    .map((r) => r.file_id);
}

export async function findDelivery(
  db: Executor,
  meetingUuid: string,
  fileId: string,
  chatId: number,
): Promise<DeliveryRow | undefined> {
  return meetingDeliveriesTo(db, meetingUuid, chatId)
    .selectAll()
    .where("file_id", "=", fileId)
    .executeTakeFirst();
}

/** A dead job's part: its delivery row, unless already delivered, becomes `failed` with the error. */
export async function failUndeliveredPart(
  db: Executor,
  part: { meetingUuid: string; fileId: string; chatId: number },
  error: string,
  now: number,
): Promise<void> {
  const row = await findDelivery(db, part.meetingUuid, part.fileId, part.chatId);
  if (row && row.state !== "delivered") {
    await updateDelivery(db, Number(row.id), { state: "failed", detail: null, lastError: error }, now);
  }
}

export async function findDeliveryById(db: Executor, id: number): Promise<DeliveryRow | undefined> {
  return db.selectFrom("deliveries").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Creates the transcript delivery and its job (the same job and dedupe key `recording.completed`
 * uses, so the two events never make two jobs). A delivery that already exists gets no second job
 * (a re-sent event), unless it failed for good: a new event is a new chance.
 */
export async function enqueueTranscriptForChat(
  db: Executor,
  payload: DeliverTranscriptPayload,
  maxAttempts: number,
): Promise<boolean> {
  const now = payload.requestedAt;
  // Received before the group became this supergroup: it stays delivered under the old id.
  if ((await fileIdsUnderEarlierChatId(db, payload.meetingUuid, payload.chatId)).has(payload.fileId))
    return false;
  const created = await insertDeliveryIfAbsent(
    db,
    {
      meetingUuid: payload.meetingUuid,
      fileId: payload.fileId,
      chatId: payload.chatId,
      kind: "transcript",
      requestedAt: now,
    },
    now,
  );
  if (created)
    return (await enqueueFileDelivery(db, DELIVER_TRANSCRIPT_JOB, payload, now, maxAttempts)) !== null;
  const reopened = await db
    .updateTable("deliveries")
    .set({ state: "pending", detail: null, last_error: null, updated_at: now })
    .where("meeting_uuid", "=", payload.meetingUuid)
    .where("file_id", "=", payload.fileId)
    .where("chat_id", "=", payload.chatId)
    .where("state", "=", "failed")
    .executeTakeFirst();
  if (Number(reopened.numUpdatedRows) === 0) return false;
  const id = await enqueueJob(
    db,
    {
      kind: DELIVER_TRANSCRIPT_JOB,
      payload,
      dedupeKey: `${DELIVER_TRANSCRIPT_JOB}:again:${payload.chatId}:${payload.meetingUuid}:${payload.fileId}:${now}`,
    },
    now,
    maxAttempts,
  );
  return id !== null;
}

/**
 * Enqueues a summary delivery unless the chat already has the summary. The delivery row dedupes
 * the message; the job key dedupes per origin (each reason to try gets one job).
 */
export async function enqueueSummaryDelivery(
  db: Executor,
  payload: DeliverSummaryPayload,
  now: number,
  maxAttempts: number,
): Promise<boolean> {
  const existing = await findDelivery(db, payload.meetingUuid, SUMMARY_FILE_ID, payload.chatId);
  if (existing?.state === "delivered") return false;
  if ((await fileIdsUnderEarlierChatId(db, payload.meetingUuid, payload.chatId)).has(SUMMARY_FILE_ID))
    return false;
  await insertDeliveryIfAbsent(
    db,
    {
      meetingUuid: payload.meetingUuid,
      fileId: SUMMARY_FILE_ID,
      chatId: payload.chatId,
      kind: "summary",
      requestedAt: now,
    },
    now,
  );
  const id = await enqueueJob(
    db,
    {
      kind: DELIVER_SUMMARY_JOB,
      payload,
      dedupeKey: `${DELIVER_SUMMARY_JOB}:${payload.origin}:${payload.meetingUuid}:${payload.chatId}`,
      maxAttempts,
    },
    now,
  );
  return id !== null;
}

/** How long a claimed delivery stays claimed if its job died without a word. */
const CLAIM_STALE_MS = 15 * 60_000;

/**
 * Takes a delivery for one job run: from pending or failed, or back from a claim that is this
 * job's own (a retry) or stale. False when it is delivered, skipped, or another job works on it.
 */
export async function claimDelivery(db: Executor, id: number, owner: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable("deliveries")
    .set((eb) => ({ state: "uploading", detail: owner, attempts: eb("attempts", "+", 1), updated_at: now }))
    .where("id", "=", id)
    .where((eb) =>
      eb.or([
        eb("state", "in", ["pending", "failed", "skipped"]),
        eb.and([
          eb("state", "in", ["uploading", "downloading"]),
          eb.or([eb("detail", "=", owner), eb("updated_at", "<", now - CLAIM_STALE_MS)]),
        ]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Stores the summary on the meeting; Zoom's replaces anything, the others only fill a gap. */
export async function storeMeetingSummary(
  db: Executor,
  meetingUuid: string,
  text: string,
  source: SummarySource,
  now: number,
): Promise<void> {
  let query = db
    .updateTable("meetings")
    .set({ summary_text: text, summary_source: source, updated_at: now })
    .where("meeting_uuid", "=", meetingUuid);
  if (source !== "zoom") query = query.where("summary_source", "is", null);
  await query.execute();
}
