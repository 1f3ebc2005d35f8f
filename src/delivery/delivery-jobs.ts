/**
 * The job kinds of the delivery pipeline and the one way to enqueue each, so every producer
 * (webhook ingest, the missed-webhook sweep, a "resend" button) uses the same payload and dedupe
 * key. Call these inside the transaction that wrote the delivery rows, and
 * `services.notifier.notify()` after it committed.
 */
import type { Executor } from "../db/database.js";
import { enqueueJob } from "../jobs/queue.js";
import type { Services } from "../services.js";
import { digest } from "./ingest.js";

export const DELIVER_RECORDING_JOB = "deliver-recording";
/** Handled by the transcript feature (issue #5); a kind without a handler simply waits. */
export const DELIVER_TRANSCRIPT_JOB = "deliver-transcript";

export interface DeliverRecordingPayload {
  meetingUuid: string;
  chatId: number;
  zoomUserId: string;
  /** When the webhook that caused it was received (ms): end-to-end latency. */
  requestedAt: number;
  /**
   * The deliveries (file keys) this job owns. Two jobs of one meeting and chat (a later event that
   * adds a file) then never work on the same delivery. Absent: every pending audio delivery.
   */
  fileIds?: string[];
}

export interface DeliverTranscriptPayload {
  meetingUuid: string;
  chatId: number;
  zoomUserId: string;
  requestedAt: number;
  fileId: string;
}

/**
 * Enqueues delivery of a meeting's pending audio to a chat. `fileIds` are the deliveries this
 * producer just created: a later event that adds a file gets a job of its own, while a re-sent
 * event (no new deliveries, so no call) gets none.
 */
export async function enqueueRecordingDelivery(
  tx: Executor,
  services: Services,
  payload: Omit<DeliverRecordingPayload, "fileIds">,
  fileIds: readonly string[],
  now: number,
): Promise<number | null> {
  return enqueueJob(
    tx,
    {
      kind: DELIVER_RECORDING_JOB,
      payload: { ...payload, fileIds: [...fileIds] } satisfies DeliverRecordingPayload,
      dedupeKey: `${DELIVER_RECORDING_JOB}:${payload.chatId}:${digest([payload.meetingUuid, ...[...fileIds].sort()])}`,
    },
    now,
    services.config.jobs.maxAttempts,
  );
}

export async function enqueueTranscriptDelivery(
  tx: Executor,
  services: Services,
  payload: DeliverTranscriptPayload,
  now: number,
): Promise<number | null> {
  return enqueueJob(
    tx,
    {
      kind: DELIVER_TRANSCRIPT_JOB,
      payload,
      dedupeKey: `${DELIVER_TRANSCRIPT_JOB}:${payload.chatId}:${digest([payload.meetingUuid, payload.fileId])}`,
    },
    now,
    services.config.jobs.maxAttempts,
  );
}
