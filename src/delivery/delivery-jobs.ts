/**
 * The delivery feature's job catalogue: every kind it runs, its payload type (registered in the
 * typed catalogue, src/jobs/catalogue.ts), and the one way to enqueue the kinds other producers
 * share (webhook ingest, the missed-webhook sweep, a "resend" button), so each uses the same payload
 * and dedupe key. Call these inside the transaction that wrote the delivery rows, and
 * `notifier.notify()` after it committed.
 */
import type { Executor } from "../db/database.js";
import { enqueueJobOnce } from "../jobs/queue.js";
import { digest } from "./ingest.js";

export const DELIVER_RECORDING_JOB = "deliver-recording";
export const DELIVER_TRANSCRIPT_JOB = "deliver-transcript";
/** Zoom's in-meeting chat file (TXT) as a document, when the chat chose it. */
export const DELIVER_CHAT_FILE_JOB = "deliver-chat-file";

/** What every job about one meeting's parts for one chat carries. */
export interface MeetingChatPayload {
  meetingUuid: string;
  chatId: number;
  zoomUserId: string;
  /** When the webhook that caused it was received (ms): end-to-end latency. */
  requestedAt: number;
}

export interface DeliverRecordingPayload extends MeetingChatPayload {
  /**
   * The deliveries (file keys) this job owns. Two jobs of one meeting and chat (a later event that
   * adds a file) then never work on the same delivery. Absent: every pending audio delivery.
   */
  fileIds?: string[];
}

/** One recording file delivered as a document (the transcript, the chat file). */
export interface DeliverTranscriptPayload extends MeetingChatPayload {
  fileId: string;
}

export type DeliverChatFilePayload = DeliverTranscriptPayload;

export const DELIVER_SUMMARY_JOB = "deliver-summary";
export const CARD_REFRESH_JOB = "meeting-card-refresh";
export const PARTS_TIMEOUT_JOB = "meeting-parts-timeout";
export const RESEND_PART_JOB = "resend-part";

export interface DeliverSummaryPayload extends MeetingChatPayload {
  /**
   * Why it runs: `zoom` (Zoom's summary arrived), `transcript` (the transcript was delivered: make
   * one if Zoom has none), `no-transcript` (the transcript failed or never came: Zoom's or nothing).
   */
  origin: "zoom" | "transcript" | "no-transcript";
}

/** Redraw a meeting's card in a chat (and, for the timeout, settle parts that never came). */
export interface CardRefreshPayload {
  meetingUuid: string;
  chatId: number;
}

/** A card button: send a delivered part again by its file_id, or retry a failed audio. */
export interface ResendPartPayload {
  deliveryId: number;
  chatId: number;
}

/**
 * Speech to text (issue 16), run by the speech feature (src/speech/): a recording that has no
 * transcript from Zoom is transcribed from its audio. Delivery only enqueues it (at
 * `recording.completed`, due STT_WAIT_MINUTES later); the kind and payload live here so delivery
 * never imports speech.
 */
export const TRANSCRIBE_RECORDING_JOB = "transcribe-recording";
/** The synthetic `deliveries.file_id` of a transcript made by speech to text. */
export const SPEECH_TRANSCRIPT_FILE_ID = "speech-to-text";

export type TranscribeRecordingPayload = MeetingChatPayload;

export const TRASH_RECORDING_JOB = "trash-recording";

/** Move a meeting's cloud recording to Zoom's trash, once everything the chat receives arrived. */
export interface TrashRecordingPayload {
  meetingUuid: string;
  chatId: number;
  zoomUserId: string;
}

/**
 * The recording was trashed, deleted or recovered in Zoom while parts were on their way
 * (src/delivery/ingest-lifecycle.ts): the card says so, and the `parts` it stopped (or reopened)
 * show it. Run in the worker, because the ingest never calls Telegram.
 */
export const RECORDING_CHANGED_CARD_JOB = "recording-changed-card";

export interface RecordingChangedCardPayload {
  meetingUuid: string;
  chatId: number;
  change: "trashed" | "deleted" | "recovered";
  parts: Array<"audio" | "transcript" | "summary" | "chat">;
}

declare module "../jobs/catalogue.js" {
  interface JobCatalogue {
    [TRASH_RECORDING_JOB]: TrashRecordingPayload;
    [DELIVER_RECORDING_JOB]: DeliverRecordingPayload;
    [DELIVER_TRANSCRIPT_JOB]: DeliverTranscriptPayload;
    [DELIVER_CHAT_FILE_JOB]: DeliverChatFilePayload;
    [DELIVER_SUMMARY_JOB]: DeliverSummaryPayload;
    [CARD_REFRESH_JOB]: CardRefreshPayload;
    [PARTS_TIMEOUT_JOB]: CardRefreshPayload;
    [RESEND_PART_JOB]: ResendPartPayload;
    [TRANSCRIBE_RECORDING_JOB]: TranscribeRecordingPayload;
    [RECORDING_CHANGED_CARD_JOB]: RecordingChangedCardPayload;
  }
}

/**
 * Enqueues delivery of a meeting's pending audio to a chat. `fileIds` are the deliveries this
 * producer just created: a later event that adds a file gets a job of its own, while a re-sent
 * event (no new deliveries, so no call) gets none.
 */
export async function enqueueRecordingDelivery(
  tx: Executor,
  payload: Omit<DeliverRecordingPayload, "fileIds">,
  fileIds: readonly string[],
  now: number,
  maxAttempts: number,
): Promise<number | null> {
  const files = digest([payload.meetingUuid, ...[...fileIds].sort()]);
  return enqueueJobOnce(
    tx,
    {
      kind: DELIVER_RECORDING_JOB,
      payload: { ...payload, fileIds: [...fileIds] },
      key: [payload.chatId, files],
    },
    now,
    maxAttempts,
  );
}

/** One job per file and chat (the transcript, the chat file): a re-sent event enqueues nothing. */
export function enqueueFileDelivery(
  tx: Executor,
  kind: typeof DELIVER_TRANSCRIPT_JOB | typeof DELIVER_CHAT_FILE_JOB,
  payload: DeliverTranscriptPayload,
  now: number,
  maxAttempts: number,
): Promise<number | null> {
  const key = [payload.chatId, digest([payload.meetingUuid, payload.fileId])];
  return enqueueJobOnce(tx, { kind, payload, key }, now, maxAttempts);
}

/** Asks the speech feature to transcribe a meeting's audio at `runAt` (once per meeting and chat). */
export async function enqueueSpeechTranscription(
  tx: Executor,
  payload: TranscribeRecordingPayload,
  runAt: number,
  now: number,
  maxAttempts: number,
): Promise<number | null> {
  const key = [payload.chatId, digest([payload.meetingUuid])];
  return enqueueJobOnce(tx, { kind: TRANSCRIBE_RECORDING_JOB, payload, runAt, key }, now, maxAttempts);
}
