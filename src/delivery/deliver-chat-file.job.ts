/**
 * Job `deliver-chat-file` (payload `{ meetingUuid, chatId, zoomUserId, fileId, requestedAt }`):
 * Zoom's in-meeting chat file (`CHAT`, a .txt; reference/zoom.md §4.4), for a chat that turned
 * the chat file on in /settings, sent as it is as a document named after the topic and date, with
 * a caption naming the meeting in the chat's language.
 *
 * It is one delivery of the meeting like the others: its row (created at `recording.completed`,
 * unique per file and chat) makes it arrive once; the row is claimed before anything is sent; the
 * download is checked against Zoom's `file_size` (src/zoom/download.ts), which is what lets trash
 * after delivery count it as delivered intact; the card shows it, and a dead job reports it failed.
 */
import { AppError } from "../errors.js";
import type { JobContext, JobHandler, JobOutcome } from "../jobs/worker.js";
import { meetingFileName } from "../transcript/file-name.js";
import { displayTopic } from "./caption.js";
import type { ChatTarget } from "./chat-target.js";
import { PROCESSING_GIVE_UP_MS, PROCESSING_RETRY_MS } from "./deliver-transcript.job.js";
import { updateDelivery } from "./delivery.repository.js";
import type { DeliverChatFilePayload } from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import { loadCardMeeting } from "./meeting-card.repository.js";
import { fileFetchFor, type MeetingZoom } from "./meeting-zoom.js";
import { claimPart } from "./part-claim.js";
import { recordPartDelivered } from "./part-delivered.js";
import { reportPartFailed } from "./part-failed.js";
import { sendTextDocument } from "./part-telegram.js";
import { stopIfRemovedInZoom } from "./recording-removal.repository.js";

export function deliverChatFileJob(
  services: DeliveryServices,
  deps: { zoom: MeetingZoom },
): JobHandler<DeliverChatFilePayload> {
  return {
    run: (payload, ctx) => runChatFile(services, deps.zoom, payload, ctx),
    async onDead(payload, error) {
      const { meetingUuid, chatId, fileId } = payload;
      await reportPartFailed(services, { meetingUuid, chatId, fileId, kind: "chat" }, error);
    },
  };
}

async function runChatFile(
  services: DeliveryServices,
  zoom: MeetingZoom,
  payload: DeliverChatFilePayload,
  ctx: JobContext,
): Promise<JobOutcome> {
  const { meetingUuid, chatId, fileId } = payload;
  const claimed = await claimPart(services, { meetingUuid, fileId, chatId }, ctx);
  if (!claimed) return undefined;
  const { deliveryId, target } = claimed;
  // Removed in Zoom meanwhile (src/delivery/ingest-lifecycle.ts): this part stops.
  const removed = () =>
    stopIfRemovedInZoom(services.db.kysely, meetingUuid, deliveryId, services.clock.now());
  if (await removed()) return undefined;
  await services.progress.publish({ meetingUuid, chatId, part: "chat", status: "working" });
  const fetched = await zoom.fetchChatFile(fileFetchFor(payload, fileId, ctx));
  if (fetched.kind === "missing") {
    throw new AppError("zoom.not_found", "the meeting no longer lists this chat file");
  }
  if (fetched.kind === "processing") return waitForZoom(services, payload, deliveryId);
  if (await removed()) return undefined;
  await sendChatFile(services, { ...payload, deliveryId, target, text: fetched.text, signal: ctx.signal });
  return undefined;
}

/** Zoom still processes the file: look again later, without spending an attempt, up to a limit. */
async function waitForZoom(
  services: DeliveryServices,
  payload: DeliverChatFilePayload,
  deliveryId: number,
): Promise<JobOutcome> {
  const now = services.clock.now();
  if (now - payload.requestedAt > PROCESSING_GIVE_UP_MS) {
    throw new AppError("zoom.not_found", "Zoom never finished processing the chat file");
  }
  await updateDelivery(services.db.kysely, deliveryId, { state: "pending", detail: null }, now);
  const { meetingUuid, chatId } = payload;
  await services.progress.publish({ meetingUuid, chatId, part: "chat", status: "waiting" });
  return { rescheduleAt: now + PROCESSING_RETRY_MS, note: "chat file still processing at Zoom" };
}

async function sendChatFile(
  services: DeliveryServices,
  input: DeliverChatFilePayload & {
    deliveryId: number;
    target: ChatTarget;
    text: string;
    signal: AbortSignal;
  },
): Promise<void> {
  const { translator } = services;
  const locale = input.target.locale;
  const card = await loadCardMeeting(services.db.kysely, input.meetingUuid);
  const fileName = meetingFileName(card.topic, card.startTime ?? undefined, card.timeZone ?? "UTC", {
    label: translator.t(locale, "chat-file-title"),
    extension: "txt",
    fallbackTopic: translator.t(locale, "meeting-untitled"),
  });
  const topic = displayTopic(translator, locale, card.topic);
  const message = await sendTextDocument(services, input.target, {
    text: input.text,
    fileName,
    caption: translator.t(locale, "chat-file-caption", { topic }),
    signal: input.signal,
  });
  await recordPartDelivered(services, {
    part: "chat",
    deliveryId: input.deliveryId,
    meetingUuid: input.meetingUuid,
    chatId: input.chatId,
    requestedAt: input.requestedAt,
    update: {
      detail: null,
      messageIds: [message.message_id],
      telegramFileId: message.document.file_id,
      bytes: Buffer.byteLength(input.text, "utf8"),
    },
  });
}
