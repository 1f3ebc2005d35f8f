/**
 * The transcript as a chat receives it, whoever made it (Zoom's WebVTT, or speech to text when
 * Zoom gave none): a readable `.txt` (speaker paragraphs with timestamps, src/transcript/render.ts)
 * named after the topic and date, sent as a document; the delivery row recorded, the card told
 * where it came from, and the summary asked for. One function, so both sources look the same.
 */
import { formatDateTime, formatDuration } from "../i18n/format.js";
import type { TranslationVariables } from "../i18n/translator.js";
import { transcriptFileName } from "../transcript/file-name.js";
import { renderTranscriptText } from "../transcript/render.js";
import type { Cue } from "../transcript/vtt.js";
import { displayTopic } from "./caption.js";
import type { ChatTarget } from "./chat-target.js";
import { findDeliveries, findMeeting, updateDelivery } from "./delivery.repository.js";
import { enqueueSpeechTranscription, SPEECH_TRANSCRIPT_FILE_ID } from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import { loadCardMeeting } from "./meeting-card.repository.js";
import { enqueueSummaryDelivery } from "./meeting-parts.repository.js";
import { recordPartDelivered } from "./part-delivered.js";
import { sendTextDocument } from "./part-telegram.js";
import { wantsSummary } from "./wants-summary.js";

/** Where a transcript came from: Zoom's own, or speech to text. Shown on the card. */
export type TranscriptSource = "zoom" | "stt";

export interface TranscriptDocumentInput {
  meetingUuid: string;
  chatId: number;
  zoomUserId: string;
  requestedAt: number;
  deliveryId: number;
  target: ChatTarget;
  cues: readonly Cue[];
  source: TranscriptSource;
  signal: AbortSignal;
}

export async function sendTranscriptDocument(
  services: DeliveryServices,
  input: TranscriptDocumentInput,
): Promise<void> {
  const { db, translator } = services;
  const { meetingUuid, chatId, target } = input;
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
  const meta = [
    startedAt ? t("transcript-meta-date", { date: startedAt }) : "",
    duration ? t("transcript-meta-duration", { duration }) : "",
    input.source === "stt" ? t("transcript-meta-source-stt") : "",
  ]
    .filter(Boolean)
    .join(" · ");
  const text = renderTranscriptText([...input.cues], {
    title: t("transcript-meta-meeting", { topic }),
    ...(meta ? { startedAt: meta } : {}),
    labels: { unknownSpeaker: t("transcript-unknown-speaker") },
  });
  const fileName = transcriptFileName(card.topic, card.startTime ?? undefined, card.timeZone ?? "UTC", {
    label: t("transcript-title"),
    fallbackTopic: t("meeting-untitled"),
  });

  const message = await sendTextDocument(services, target, {
    text,
    fileName,
    caption: t(input.source === "stt" ? "transcript-caption-stt" : "transcript-caption", { topic }),
    signal: input.signal,
  });
  await recordPartDelivered(services, {
    part: "transcript",
    deliveryId: input.deliveryId,
    meetingUuid,
    chatId,
    requestedAt: input.requestedAt,
    source: input.source,
    update: {
      detail: input.source,
      messageIds: [message.message_id],
      telegramFileId: message.document.file_id,
      bytes: Buffer.byteLength(text, "utf8"),
    },
  });
  await askForSummary(services, input, "transcript");
}

/** Enqueues the summary job for this meeting and chat (deduplicated per origin). */
export async function askForSummary(
  services: DeliveryServices,
  payload: { meetingUuid: string; chatId: number; zoomUserId: string },
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

/**
 * Another transcript of this meeting already reached the chat, or is on its way (Zoom's and the
 * speech-to-text one are two rows): the chat gets one document, whichever came first.
 */
export async function otherTranscriptTaken(
  services: DeliveryServices,
  meetingUuid: string,
  chatId: number,
  fileId: string,
): Promise<boolean> {
  const rows = await findDeliveries(services.db.kysely, meetingUuid, chatId, ["transcript"]);
  return rows.some(
    (r) =>
      r.file_id !== fileId &&
      (r.state === "delivered" || (r.state === "uploading" && r.file_id === SPEECH_TRANSCRIPT_FILE_ID)),
  );
}

/** When another transcript already went (or is going) to the chat, this one's delivery is skipped. */
export async function skipIfOtherTranscriptTaken(
  services: DeliveryServices,
  part: { meetingUuid: string; chatId: number; fileId: string; deliveryId: number },
  now: number,
): Promise<boolean> {
  if (!(await otherTranscriptTaken(services, part.meetingUuid, part.chatId, part.fileId))) return false;
  await updateDelivery(
    services.db.kysely,
    part.deliveryId,
    { state: "skipped", detail: "transcript already sent" },
    now,
  );
  return true;
}

/**
 * Zoom's transcript failed for good or came empty: with STT_API_URL, speech to text makes one from
 * the audio now (once per meeting and chat; its job asks for the summary). False when it will not.
 */
export async function fallBackToSpeech(
  services: DeliveryServices,
  payload: { meetingUuid: string; chatId: number; zoomUserId: string },
): Promise<boolean> {
  if (!services.config.stt.apiUrl) return false;
  const now = services.clock.now();
  const enqueued = await enqueueSpeechTranscription(
    services.db.kysely,
    {
      meetingUuid: payload.meetingUuid,
      chatId: payload.chatId,
      zoomUserId: payload.zoomUserId,
      requestedAt: now,
    },
    now,
    now,
    services.config.jobs.maxAttempts,
  );
  if (enqueued === null) return false;
  services.notifier.notify();
  return true;
}
