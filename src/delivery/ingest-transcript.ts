/**
 * `recording.transcript_completed` (reference/zoom.md §2.3): the meeting's audio transcript is
 * ready, usually minutes after `recording.completed`, sometimes before it, sometimes never.
 *
 * One transaction, nothing outside the process touched (the webhook must answer in milliseconds):
 * the audit row, the meeting if this is the first we hear of it, the transcript file, the
 * delivery row (insert-or-ignore on (meeting_uuid, file_id, chat_id): Zoom re-sends events, and
 * `recording.completed` may have listed the same file) and the `deliver-transcript` job. Workers
 * are woken after the commit. The audio never waits for any of this.
 */

import { findConnectionByZoomUserId } from "../connect/connection.repository.js";
import { withTransaction } from "../db/database.js";
import { getChatSettings, topicPasses } from "../settings/chat-settings.repository.js";
import { defaultChatSettings } from "../settings/default-chat-settings.js";
import type { RecordingTranscriptCompletedEvent } from "../zoom/events.js";
import { fileKey, pickTranscriptFiles } from "../zoom/recording-files.js";
import { upsertRecordingFile, type WebhookResult } from "./delivery.repository.js";
import type { DeliveryServices } from "./delivery-services.js";
import {
  encryptDownloadToken,
  type IngestContext,
  type IngestResult,
  lockIngestConnection,
  webhookAuditor,
} from "./ingest.js";
import { enqueueTranscriptForChat, insertMeetingIfNew } from "./meeting-parts.repository.js";

export async function ingestTranscriptCompleted(
  services: DeliveryServices,
  event: RecordingTranscriptCompletedEvent,
  ctx: IngestContext,
): Promise<IngestResult> {
  const meeting = event.payload.object;
  const zoomUserId = meeting.host_id;
  const connection = await findConnectionByZoomUserId(
    services.db.kysely,
    zoomUserId,
    services.config.zoom.apiBaseUrl,
  );
  // Only transcripts that can be fetched now; a `processing` one is announced again when ready.
  // CC (closed captions) is VTT too, but not the transcript.
  const files = pickTranscriptFiles(meeting.recording_files);

  const outcome = await withTransaction(services.db, async (tx): Promise<IngestResult> => {
    const audit = webhookAuditor(tx, ctx, {
      event: event.event,
      meetingUuid: meeting.uuid,
      zoomUserId,
      downloadTokenEnc: encryptDownloadToken(services, event.download_token, meeting.uuid),
    });
    const locked = await lockIngestConnection(tx, services, zoomUserId);
    if (connection?.status !== "active" || locked === undefined) {
      await audit("no_connection");
      return { result: "no_connection", jobs: 0 };
    }
    const settings = await getChatSettings(tx, connection.chatId, defaultChatSettings(services.config));
    if (
      files.length === 0 ||
      !settings.parts.transcript ||
      !topicPasses(settings.topicFilter, meeting.topic)
    ) {
      // Nothing fetchable, or not a part (or a meeting) this chat chose in /settings.
      await audit("ignored");
      return { result: "ignored", jobs: 0 };
    }
    await insertMeetingIfNew(tx, { meeting, zoomUserId, now: ctx.receivedAt });
    let jobs = 0;
    for (const file of files) {
      const fileId = fileKey(file);
      await upsertRecordingFile(tx, meeting.uuid, file, ctx.receivedAt);
      const enqueued = await enqueueTranscriptForChat(
        tx,
        {
          meetingUuid: meeting.uuid,
          chatId: connection.chatId,
          zoomUserId,
          fileId,
          requestedAt: ctx.receivedAt,
        },
        services.config.jobs.maxAttempts,
      );
      if (enqueued) jobs++;
    }
    const result: WebhookResult = jobs > 0 ? "accepted" : "duplicate";
    await audit(result);
    return { result, jobs };
  });
  if (outcome.jobs > 0) services.notifier.notify();
  return outcome;
}
