/**
 * Job `meeting-parts-timeout` (payload `{ meetingUuid, chatId }`), enqueued when a meeting's card
 * appears and run a day later: Zoom may take up to 24 h to process a recording (reference/zoom.md
 * §4.3), and a transcript that has not been announced by then is not coming (the account may not
 * produce transcripts at all, §2.3). The card then says so instead of "waiting" forever, and the
 * summary is settled: Zoom's if it has one, else "not available". The same goes for the audio of a
 * meeting Zoom only sent a summary for.
 */
import type { JobHandler } from "../jobs/worker.js";
import { findDeliveries, findMeeting } from "./delivery.repository.js";
import type { CardRefreshPayload } from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import { enqueueSummaryDelivery } from "./meeting-parts.repository.js";
import { wantsSummary } from "./wants-summary.js";

export function meetingPartsTimeoutJob(services: DeliveryServices): JobHandler<CardRefreshPayload> {
  const { db, clock, progress } = services;
  return {
    async run({ meetingUuid, chatId }, ctx) {
      // A meeting known only from its summary (no cloud recording): no audio is coming either.
      const audio = await findDeliveries(db.kysely, meetingUuid, chatId, ["audio", "video"]);
      if (audio.length === 0)
        await progress.publish({ meetingUuid, chatId, part: "audio", status: "unavailable" });
      const transcripts = await findDeliveries(db.kysely, meetingUuid, chatId, ["transcript"]);
      if (transcripts.length > 0) return undefined; // it came; its own job reports on it
      ctx.logger.info({ meetingUuid, chatId }, "no transcript arrived; marking it unavailable");
      await progress.publish({ meetingUuid, chatId, part: "transcript", status: "unavailable" });
      const meeting = await findMeeting(db.kysely, meetingUuid);
      if (!meeting || !(await wantsSummary(services, chatId))) return undefined;
      const now = clock.now();
      const enqueued = await enqueueSummaryDelivery(
        db.kysely,
        { meetingUuid, chatId, zoomUserId: meeting.zoom_user_id, requestedAt: now, origin: "no-transcript" },
        now,
        services.config.jobs.maxAttempts,
      );
      if (enqueued) services.notifier.notify();
      return undefined;
    },
  };
}
