/**
 * Job `resend-part` (payload `{ deliveryId, chatId }`), enqueued by the card's buttons: sends a
 * delivered audio or transcript again by its Telegram file_id (no new download or upload), or, for
 * an audio delivery that failed, puts it back in the delivery pipeline (`deliver-recording`).
 */
import { enqueueJob } from "../jobs/queue.js";
import type { JobHandler } from "../jobs/worker.js";
import { buildCaption, displayTopic } from "./caption.js";
import { resolveChatTarget, sendToChat } from "./chat-target.js";
import { findMeeting, updateDelivery } from "./delivery.repository.js";
import { DELIVER_RECORDING_JOB, type ResendPartPayload } from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import { loadCardMeeting } from "./meeting-card.repository.js";
import { findDeliveryById } from "./meeting-parts.repository.js";
import { grammySignal } from "./part-telegram.js";
import { callTelegram } from "./telegram-upload.js";

export function resendPartJob(services: DeliveryServices): JobHandler<ResendPartPayload> {
  const { db, clock, translator } = services;
  return {
    async run({ deliveryId, chatId }, ctx) {
      const delivery = await findDeliveryById(db.kysely, deliveryId);
      if (!delivery || Number(delivery.chat_id) !== chatId) return undefined;
      const meeting = await findMeeting(db.kysely, delivery.meeting_uuid);
      const target = await resolveChatTarget(services, chatId);
      if (target.paused) return undefined;
      const locale = target.locale;
      const fileId = delivery.telegram_file_id;

      if (fileId && delivery.state === "delivered") {
        const where = await loadCardMeeting(db.kysely, delivery.meeting_uuid);
        const caption =
          delivery.kind === "transcript"
            ? translator.t(locale, "transcript-caption", {
                topic: displayTopic(translator, locale, where.topic),
              })
            : buildCaption(translator, {
                locale,
                topic: where.topic,
                startTime: where.startTime,
                timeZone: where.timeZone,
                ...(meeting?.duration_minutes ? { durationSec: meeting.duration_minutes * 60 } : {}),
                summaryText: meeting?.summary_text ?? null,
              });
        await sendToChat<unknown>(services, target, (to, thread) =>
          delivery.kind === "audio"
            ? callTelegram("sendAudio", () =>
                services.telegram.sendAudio(to, fileId, { ...thread, caption }, grammySignal(ctx.signal)),
              )
            : callTelegram("sendDocument", () =>
                services.telegram.sendDocument(to, fileId, { ...thread, caption }, grammySignal(ctx.signal)),
              ),
        );
        return undefined;
      }
      if (
        (delivery.kind === "audio" || delivery.kind === "video") &&
        delivery.state === "failed" &&
        meeting
      ) {
        // A failed audio: give it to the delivery pipeline again, as a new event would.
        const now = clock.now();
        await updateDelivery(db.kysely, deliveryId, { state: "pending", detail: null, lastError: null }, now);
        await enqueueJob(
          db.kysely,
          {
            kind: DELIVER_RECORDING_JOB,
            payload: {
              meetingUuid: delivery.meeting_uuid,
              chatId,
              zoomUserId: meeting.zoom_user_id,
              requestedAt: now,
              fileIds: [delivery.file_id],
            },
            dedupeKey: `${DELIVER_RECORDING_JOB}:resend:${deliveryId}:${now}`,
          },
          now,
          services.config.jobs.maxAttempts,
        );
        services.notifier.notify();
        return undefined;
      }
      ctx.logger.info({ deliveryId, state: delivery.state, kind: delivery.kind }, "nothing to resend");
      return undefined;
    },
  };
}
