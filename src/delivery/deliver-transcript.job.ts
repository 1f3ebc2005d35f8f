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
import { formatDateTime, formatDuration } from "../i18n/format.js";
import type { TranslationVariables } from "../i18n/translator.js";
import type { JobHandler } from "../jobs/worker.js";
import { transcriptFileName } from "../transcript/file-name.js";
import { renderTranscriptText } from "../transcript/render.js";
import { parseVtt } from "../transcript/vtt.js";
import { displayTopic } from "./caption.js";
import { resolveChatTarget } from "./chat-target.js";
import { findMeeting, insertDeliveryIfAbsent, updateDelivery } from "./delivery.repository.js";
import type { DeliverTranscriptPayload } from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import { reasonKeyFor } from "./failure.js";
import { loadCardMeeting } from "./meeting-card.repository.js";
import { claimDelivery, enqueueSummaryDelivery, findDelivery } from "./meeting-parts.repository.js";
import type { MeetingZoom } from "./meeting-zoom.js";
import { recordPartDelivered } from "./part-delivered.js";
import { sendTextDocument } from "./part-telegram.js";
import { wantsSummary } from "./wants-summary.js";

/** While Zoom still processes the file, look again this often… */
const PROCESSING_RETRY_MS = 2 * 60_000;
/** …but not forever: Zoom takes up to 24 h (zoom.md §4.3). */
const PROCESSING_GIVE_UP_MS = 26 * 3_600_000;

export function deliverTranscriptJob(
  services: DeliveryServices,
  deps: { zoom: MeetingZoom },
): JobHandler<DeliverTranscriptPayload> {
  const { db, clock, progress, translator } = services;

  return {
    async run(payload, ctx) {
      const { meetingUuid, chatId, fileId } = payload;
      const delivery = await ensureDelivery(services, payload);
      if (delivery.state === "delivered") return undefined;
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

      const fetched = await deps.zoom.fetchTranscript({
        zoomUserId: payload.zoomUserId,
        meetingUuid,
        fileId,
        jobId: ctx.job.id,
        attempt: ctx.job.attempts,
        signal: ctx.signal,
      });
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
        await progress.publish({ meetingUuid, chatId, part: "transcript", status: "unavailable" });
        await askForSummary(services, payload, "no-transcript");
        return undefined;
      }

      const locale = target.locale;
      const [card, meeting] = await Promise.all([
        loadCardMeeting(db.kysely, meetingUuid),
        findMeeting(db.kysely, meetingUuid),
      ]);
      const t = (key: string, vars?: TranslationVariables) => translator.t(locale, key, vars);
      const topic = displayTopic(translator, locale, card.topic);
      const start = card.startTime ? new Date(card.startTime) : undefined;
      const startedAt =
        start && !Number.isNaN(start.getTime())
          ? formatDateTime(locale, start, card.timeZone ?? undefined)
          : undefined;
      const duration =
        meeting?.duration_minutes != null && meeting.duration_minutes > 0
          ? formatDuration(locale, meeting.duration_minutes * 60)
          : undefined;
      const text = renderTranscriptText(cues, {
        title: t("transcript-meta-meeting", { topic }),
        ...(startedAt || duration
          ? {
              startedAt: [
                startedAt ? t("transcript-meta-date", { date: startedAt }) : "",
                duration ? t("transcript-meta-duration", { duration }) : "",
              ]
                .filter(Boolean)
                .join(" · "),
            }
          : {}),
        labels: { unknownSpeaker: t("transcript-unknown-speaker") },
      });
      const fileName = transcriptFileName(card.topic, card.startTime ?? undefined, card.timeZone ?? "UTC", {
        label: t("transcript-title"),
        fallbackTopic: t("meeting-untitled"),
      });

      const message = await sendTextDocument(services, target, {
        text,
        fileName,
        caption: t("transcript-caption", { topic }),
        signal: ctx.signal,
      });
      await recordPartDelivered(services, {
        part: "transcript",
        deliveryId: delivery.id,
        meetingUuid,
        chatId,
        requestedAt: payload.requestedAt,
        update: {
          detail: null,
          messageIds: [message.message_id],
          telegramFileId: message.document.file_id,
          bytes: Buffer.byteLength(text, "utf8"),
        },
      });
      await askForSummary(services, payload, "transcript");
      return undefined;
    },

    async onDead(payload, error) {
      const { meetingUuid, chatId } = payload;
      const now = clock.now();
      const delivery = await findDelivery(db.kysely, meetingUuid, payload.fileId, chatId);
      if (delivery && delivery.state !== "delivered") {
        await updateDelivery(
          db.kysely,
          delivery.id,
          { state: "failed", detail: null, lastError: error },
          now,
        );
      }
      services.metrics.deliveries.inc({ kind: "transcript", result: "failed" });
      await progress.publish({
        meetingUuid,
        chatId,
        part: "transcript",
        status: "failed",
        detail: reasonKeyFor(error),
      });
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

async function askForSummary(
  services: DeliveryServices,
  payload: DeliverTranscriptPayload,
  origin: "transcript" | "no-transcript",
): Promise<void> {
  const now = services.clock.now();
  if (!(await wantsSummary(services, payload.chatId))) return;
  const enqueued = await enqueueSummaryDelivery(
    services.db.kysely,
    {
      meetingUuid: payload.meetingUuid,
      chatId: payload.chatId,
      zoomUserId: payload.zoomUserId,
      requestedAt: now,
      origin,
    },
    now,
    services.config.jobs.maxAttempts,
  );
  if (enqueued) services.notifier.notify();
}
