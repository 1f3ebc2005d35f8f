/**
 * `meeting.summary_completed` (reference/zoom.md §2.4): Zoom's AI Companion summary, inline in the
 * event, in either of the two documented shapes (normalizeMeetingSummary reads both). It is the
 * best summary there is, so it is stored on the meeting over any other (the audio caption reads
 * its first line from there) and a `deliver-summary` job sends it, unless a summary message was
 * already delivered to the chat. One transaction, no outside calls; workers woken after commit.
 */

import { chatLocale } from "../telegram/chat.repository.js";
import { type MeetingSummaryCompletedEvent, normalizeMeetingSummary } from "../zoom/events.js";
import { findHostConnection, type Ingestor, type IngestResult, ingestMeetingPart } from "./ingest.js";
import {
  enqueueSummaryDelivery,
  findDelivery,
  insertMeetingIfNew,
  SUMMARY_FILE_ID,
  storeMeetingSummary,
} from "./meeting-parts.repository.js";
import { zoomSummaryMarkdown } from "./meeting-summary.js";

export const ingestSummaryCompleted: Ingestor<MeetingSummaryCompletedEvent> = async (
  services,
  event,
  ctx,
) => {
  const object = event.payload.object;
  const zoomUserId = object.meeting_host_id;
  const meetingUuid = object.meeting_uuid;
  const connection = await findHostConnection(services, zoomUserId);
  const locale = connection ? await chatLocale(services.db.kysely, connection.chatId) : "en";
  const text = zoomSummaryMarkdown(normalizeMeetingSummary(object), (key, vars) =>
    services.translator.t(locale, key, vars),
  );

  return ingestMeetingPart(
    services,
    ctx,
    {
      audit: { event: event.event, meetingUuid, zoomUserId, downloadTokenEnc: null },
      connection,
      part: "summary",
      topic: object.meeting_topic,
      // Undefined for a summary without a word in it: nothing to show.
      content: text,
    },
    async (tx, chatId, summaryText): Promise<IngestResult> => {
      await insertMeetingIfNew(tx, {
        meeting: {
          uuid: meetingUuid,
          id: object.meeting_id ?? "",
          topic: object.meeting_topic ?? "",
          start_time: object.meeting_start_time ?? "",
          duration: minutesBetween(object.meeting_start_time, object.meeting_end_time),
          host_email: object.meeting_host_email,
        },
        zoomUserId,
        now: ctx.receivedAt,
      });
      await storeMeetingSummary(tx, meetingUuid, summaryText, "zoom", ctx.receivedAt);
      const existing = await findDelivery(tx, meetingUuid, SUMMARY_FILE_ID, chatId);
      if (existing?.state === "delivered") return { result: "duplicate", jobs: 0 };
      const enqueued = await enqueueSummaryDelivery(
        tx,
        { meetingUuid, chatId, zoomUserId, requestedAt: ctx.receivedAt, origin: "zoom" },
        ctx.receivedAt,
        services.config.jobs.maxAttempts,
      );
      return { result: enqueued ? "accepted" : "duplicate", jobs: enqueued ? 1 : 0 };
    },
  );
};

function minutesBetween(start: string | undefined, end: string | undefined): number | undefined {
  if (!start || !end) return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 60_000) : undefined;
}
