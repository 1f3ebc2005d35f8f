/**
 * Job `deliver-transcript` (payload `{ meetingUuid, chatId, zoomUserId, fileId, requestedAt }`):
 * fetches the WebVTT transcript with a fresh download token, renders it as a readable `.txt`
 * (speaker-labelled paragraphs with timestamps, cue noise merged; src/transcript/render.ts) named
 * after the topic and date, and sends it as a document. Then it asks for the summary: the
 * `deliver-summary` job uses Zoom's when there is one and otherwise makes one from the transcript.
 *
 * It never waits for the audio, and the audio never waits for it: the two are separate deliveries
 * of one meeting, each deduplicated by its own row.
 */
import { AppError } from "../errors.js";
import type { JobHandler } from "../jobs/worker.js";
import { parseVtt } from "../transcript/vtt.js";
import { resolveChatTarget } from "./chat-target.js";
import { insertDeliveryIfAbsent, updateDelivery } from "./delivery.repository.js";
import type { DeliverTranscriptPayload } from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import { claimDelivery, findDelivery } from "./meeting-parts.repository.js";
import { fileFetchFor, type MeetingZoom } from "./meeting-zoom.js";
import { reportPartFailed } from "./part-failed.js";
import { stopIfRemovedInZoom } from "./recording-removal.repository.js";
import {
  askForSummary,
  fallBackToSpeech,
  sendTranscriptDocument,
  skipIfOtherTranscriptTaken,
} from "./transcript-document.js";

/** While Zoom still processes the file (a transcript, a chat file), look again this often… */
export const PROCESSING_RETRY_MS = 2 * 60_000;
/** …but not forever: Zoom takes up to 24 h (zoom.md §4.3). The summary waits as long at most. */
export const PROCESSING_GIVE_UP_MS = 26 * 3_600_000;

export function deliverTranscriptJob(
  services: DeliveryServices,
  deps: { zoom: MeetingZoom },
): JobHandler<DeliverTranscriptPayload> {
  const { db, clock, progress } = services;

  return {
    async run(payload, ctx) {
      const { meetingUuid, chatId, fileId } = payload;
      const delivery = await ensureDelivery(services, payload);
      if (delivery.state === "delivered") return undefined;
      // Trashed or deleted in Zoom (src/delivery/ingest-lifecycle.ts): the card already says so.
      if (await stopIfRemovedInZoom(db.kysely, meetingUuid, delivery.id, clock.now())) return undefined;
      // Speech to text got there first (Zoom's transcript came late): one document per meeting.
      const part = { meetingUuid, chatId, fileId, deliveryId: delivery.id };
      if (await skipIfOtherTranscriptTaken(services, part, clock.now())) return undefined;
      const target = await resolveChatTarget(services, chatId);
      if (target.paused) {
        // Blocked or kicked: nobody to send to, and no retry storm (chat-target.ts).
        await updateDelivery(
          db.kysely,
          delivery.id,
          { state: "skipped", lastError: "chat paused" },
          clock.now(),
        );
        return undefined;
      }
      if (!(await claimDelivery(db.kysely, delivery.id, `job:${ctx.job.id}`, clock.now()))) {
        ctx.logger.info({ meetingUuid, chatId }, "transcript delivery is done or in other hands");
        return undefined;
      }
      await progress.publish({ meetingUuid, chatId, part: "transcript", status: "working" });

      const fetched = await deps.zoom.fetchTranscript(fileFetchFor(payload, fileId, ctx));
      const now = clock.now();
      if (fetched.kind === "processing") {
        if (now - payload.requestedAt > PROCESSING_GIVE_UP_MS) {
          throw new AppError("zoom.not_found", "Zoom never finished processing the transcript");
        }
        await updateDelivery(db.kysely, delivery.id, { state: "pending", detail: null }, now);
        await progress.publish({ meetingUuid, chatId, part: "transcript", status: "waiting" });
        return { rescheduleAt: now + PROCESSING_RETRY_MS, note: "transcript still processing at Zoom" };
      }
      if (fetched.kind === "missing") {
        throw new AppError("zoom.not_found", "the meeting no longer lists this transcript file");
      }

      const cues = parseVtt(fetched.text);
      if (cues.length === 0) {
        // A transcript without a single readable cue: nothing worth a document.
        await updateDelivery(db.kysely, delivery.id, { state: "skipped", detail: "empty transcript" }, now);
        if (await fallBackToSpeech(services, payload)) return undefined;
        await progress.publish({ meetingUuid, chatId, part: "transcript", status: "unavailable" });
        await askForSummary(services, payload, "no-transcript");
        return undefined;
      }
      if (
        await skipIfOtherTranscriptTaken(
          services,
          { meetingUuid, chatId, fileId, deliveryId: delivery.id },
          now,
        )
      ) {
        return undefined;
      }
      if (await stopIfRemovedInZoom(db.kysely, meetingUuid, delivery.id, now)) return undefined;
      await sendTranscriptDocument(services, {
        ...payload,
        deliveryId: delivery.id,
        target,
        cues,
        source: "zoom",
        signal: ctx.signal,
      });
      return undefined;
    },

    async onDead(payload, error) {
      const { meetingUuid, chatId } = payload;
      await reportPartFailed(
        services,
        { meetingUuid, chatId, fileId: payload.fileId, kind: "transcript" },
        error,
      );
      // Speech to text can still make one from the audio (issue 16); it asks for the summary then.
      if (await fallBackToSpeech(services, payload)) return;
      // Zoom's own summary may still exist; without a transcript nothing else can be made.
      await askForSummary(services, payload, "no-transcript");
    },
  };
}

async function ensureDelivery(services: DeliveryServices, payload: DeliverTranscriptPayload) {
  const { db, clock } = services;
  await insertDeliveryIfAbsent(
    db.kysely,
    {
      meetingUuid: payload.meetingUuid,
      fileId: payload.fileId,
      chatId: payload.chatId,
      kind: "transcript",
      requestedAt: payload.requestedAt,
    },
    clock.now(),
  );
  const row = await findDelivery(db.kysely, payload.meetingUuid, payload.fileId, payload.chatId);
  if (!row) throw new AppError("internal", "transcript delivery row vanished");
  return { ...row, id: Number(row.id) };
}
