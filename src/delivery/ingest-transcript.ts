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

import type { RecordingTranscriptCompletedEvent } from "../zoom/events.js";
import { fileKey, pickTranscriptFiles } from "../zoom/recording-files.js";
import { upsertRecordingFile } from "./delivery.repository.js";
import {
  encryptDownloadToken,
  findHostConnection,
  type Ingestor,
  type IngestResult,
  ingestMeetingPart,
} from "./ingest.js";
import { enqueueTranscriptForChat, insertMeetingIfNew } from "./meeting-parts.repository.js";

export const ingestTranscriptCompleted: Ingestor<RecordingTranscriptCompletedEvent> = async (
  services,
  event,
  ctx,
) => {
  const meeting = event.payload.object;
  const zoomUserId = meeting.host_id;
  const connection = await findHostConnection(services, zoomUserId);
  // Only transcripts that can be fetched now; a `processing` one is announced again when ready.
  // CC (closed captions) is VTT too, but not the transcript.
  const files = pickTranscriptFiles(meeting.recording_files);

  return ingestMeetingPart(
    services,
    ctx,
    {
      audit: {
        event: event.event,
        meetingUuid: meeting.uuid,
        zoomUserId,
        downloadTokenEnc: encryptDownloadToken(services, event.download_token, meeting.uuid),
      },
      connection,
      part: "transcript",
      topic: meeting.topic,
      content: files.length > 0 ? files : undefined,
    },
    async (tx, chatId, transcripts): Promise<IngestResult> => {
      await insertMeetingIfNew(tx, { meeting, zoomUserId, now: ctx.receivedAt });
      let jobs = 0;
      for (const file of transcripts) {
        const fileId = fileKey(file);
        await upsertRecordingFile(tx, meeting.uuid, file, ctx.receivedAt);
        const enqueued = await enqueueTranscriptForChat(
          tx,
          { meetingUuid: meeting.uuid, chatId, zoomUserId, fileId, requestedAt: ctx.receivedAt },
          services.config.jobs.maxAttempts,
        );
        if (enqueued) jobs++;
      }
      return { result: jobs > 0 ? "accepted" : "duplicate", jobs };
    },
  );
};
