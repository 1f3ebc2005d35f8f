/**
 * Job `deliver-summary` (payload {@link DeliverSummaryPayload}): sends a meeting's summary to the
 * chat once (a `deliveries` row with file_id `summary`), from the best source available:
 *
 * 1. Zoom's AI Companion summary: stored on the meeting by `meeting.summary_completed`, or read
 *    from `GET /meetings/{uuid}/meeting_summary` (reference/zoom.md §2.4). A token without the
 *    `meeting:read:summary` scope (code 4700) or no summary at Zoom means: none is coming.
 * 2. The OpenAI-compatible endpoint at SUMMARY_API_URL, given the transcript.
 * 3. The built-in extractive summary of the transcript (its key sentences).
 *
 * 2 and 3 add speaking time per speaker. The message is plain text split at 4096 characters; a
 * retried job continues after the chunks already sent. When there is no source at all (no Zoom
 * summary and no transcript), the card says "not available" and the row is `skipped`, which a
 * Zoom summary arriving later still replaces.
 */
import { AppError } from "../errors.js";
import type { TranslationVariables } from "../i18n/translator.js";
import type { JobContext, JobHandler } from "../jobs/worker.js";
import { chatLocale } from "../telegram/chat.repository.js";
import { splitMessage } from "../telegram/text/split-message.js";
import { extractiveSummary } from "../transcript/extractive-summary.js";
import { renderTranscriptText } from "../transcript/render.js";
import { type SpeakerTime, speakingTime } from "../transcript/speaking-time.js";
import { parseStructuredSummary, structuredSummaryMarkdown } from "../transcript/structured-summary.js";
import { createSummaryApiClient, type SummaryApiClient, SummaryApiError } from "../transcript/summary-api.js";
import { type Cue, parseVtt } from "../transcript/vtt.js";
import { displayTopic } from "./caption.js";
import { PROCESSING_GIVE_UP_MS } from "./deliver-transcript.job.js";
import {
  deliveredMessageIds,
  findMeeting,
  insertDeliveryIfAbsent,
  updateDelivery,
} from "./delivery.repository.js";
import type { DeliverSummaryPayload } from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import { SUMMARY_FILE_ID, storeMeetingSummary, transcriptFileIds } from "./meeting-parts.repository.js";
import {
  extractiveMarkdown,
  renderSummaryMessage,
  type SummarySource,
  zoomSummaryMarkdown,
} from "./meeting-summary.js";
import { fileFetchFor, type MeetingZoom } from "./meeting-zoom.js";
import { claimPart } from "./part-claim.js";
import { recordPartDelivered } from "./part-delivered.js";
import { reportPartFailed } from "./part-failed.js";
import { sendPlainText } from "./part-telegram.js";

/** Attempts spent waiting for a flaky summary API before the extractive summary is used instead. */
const SUMMARY_API_ATTEMPTS = 3;
const TRANSCRIPT_PROCESSING_RETRY_MS = 2 * 60_000;

type Summary = { text: string; source: SummarySource; speakers?: SpeakerTime[] };

type Resolved =
  | { kind: "summary"; summary: Summary }
  | { kind: "unavailable" }
  | { kind: "later"; at: number };

/**
 * The summary waits for the transcript it is made from no longer than the transcript job waits
 * for Zoom (issue #13 item 8: every wait ends). Past that, the job dies with a final error and
 * onDead reports the part failed: the card says plainly that no summary came.
 */
function giveUpAfterDeadline(payload: DeliverSummaryPayload, now: number): void {
  if (now - payload.requestedAt <= PROCESSING_GIVE_UP_MS) return;
  throw new AppError(
    "summary.gave_up",
    `no summary after ${Math.round((now - payload.requestedAt) / 3_600_000)} h: the transcript stayed in processing at Zoom`,
  );
}

export function deliverSummaryJob(
  services: DeliveryServices,
  deps: { zoom: MeetingZoom; summaryApi?: SummaryApiClient | undefined },
): JobHandler<DeliverSummaryPayload> {
  const { db, clock, progress, translator, config } = services;
  const summaryApi =
    deps.summaryApi ??
    (config.summary.apiUrl
      ? createSummaryApiClient({
          url: config.summary.apiUrl,
          ...(config.summary.apiKey ? { apiKey: config.summary.apiKey } : {}),
          ...(config.summary.model ? { model: config.summary.model } : {}),
          fetch: services.fetch,
        })
      : undefined);

  /** The transcript to summarize: the one speech to text made, else Zoom's. */
  async function transcriptCues(
    payload: DeliverSummaryPayload,
    ctx: JobContext,
    speechTranscript: string | null,
  ): Promise<{ kind: "cues"; cues: Cue[] } | { kind: "unavailable" } | { kind: "later"; at: number }> {
    if (speechTranscript) {
      const cues = parseVtt(speechTranscript);
      if (cues.length > 0) return { kind: "cues", cues };
    }
    const [fileId] = await transcriptFileIds(db.kysely, payload.meetingUuid);
    if (fileId === undefined) return { kind: "unavailable" };
    const fetched = await deps.zoom.fetchTranscript(fileFetchFor(payload, fileId, ctx));
    if (fetched.kind === "processing")
      return { kind: "later", at: clock.now() + TRANSCRIPT_PROCESSING_RETRY_MS };
    if (fetched.kind === "missing") return { kind: "unavailable" };
    const cues = parseVtt(fetched.text);
    return cues.length === 0 ? { kind: "unavailable" } : { kind: "cues", cues };
  }

  async function resolve(payload: DeliverSummaryPayload, ctx: JobContext): Promise<Resolved> {
    const { meetingUuid, chatId } = payload;
    const locale = await chatLocale(db.kysely, chatId);
    const t = (key: string, vars?: TranslationVariables) => translator.t(locale, key, vars);
    const meeting = await findMeeting(db.kysely, meetingUuid);
    if (meeting?.summary_source === "zoom" && meeting.summary_text) {
      return { kind: "summary", summary: { text: meeting.summary_text, source: "zoom" } };
    }
    const zoom = await deps.zoom.fetchSummary({
      zoomUserId: payload.zoomUserId,
      meetingUuid,
      attempt: ctx.job.attempts,
      signal: ctx.signal,
    });
    if (zoom.kind === "ok") {
      const text = zoomSummaryMarkdown(zoom.summary, t);
      if (text) {
        await storeMeetingSummary(db.kysely, meetingUuid, text, "zoom", clock.now());
        return { kind: "summary", summary: { text, source: "zoom" } };
      }
    }
    ctx.logger.info({ meetingUuid, zoom: zoom.kind }, "no Zoom summary; making one from the transcript");
    if (payload.origin === "no-transcript") return { kind: "unavailable" };

    const transcript = await transcriptCues(payload, ctx, meeting?.speech_transcript ?? null);
    if (transcript.kind !== "cues") return transcript;
    const { cues } = transcript;
    // Speaking time says nothing when no speaker is named (speech to text labels none).
    const timed = speakingTime(cues);
    const speakers = timed.some((s) => s.speaker) ? timed : undefined;

    if (summaryApi) {
      try {
        const text = await summaryApi.summarize(
          {
            transcriptText: renderTranscriptText(cues, { title: meeting?.topic ?? "" }),
            topic: meeting?.topic ?? "",
            language: locale,
          },
          ctx.signal,
        );
        // The structured answer with localized headings; free text (older prompts, other models) as is.
        const structured = parseStructuredSummary(text);
        const markdown = structured
          ? structuredSummaryMarkdown(structured, {
              overview: t("summary-overview"),
              keyPoints: t("summary-key-points"),
              decisions: t("summary-decisions"),
              actionItems: t("summary-action-items"),
              openQuestions: t("summary-open-questions"),
            })
          : text;
        return { kind: "summary", summary: { text: markdown, source: "api", speakers } };
      } catch (error) {
        if (!(error instanceof SummaryApiError)) throw error;
        if (error.retryable && ctx.job.attempts < SUMMARY_API_ATTEMPTS) {
          throw new AppError("internal", `summary API failed, will retry: ${error.message}`, {
            retryable: true,
            cause: error,
          });
        }
        ctx.logger.warn(
          { meetingUuid, err: error.message },
          "summary API failed; using the extractive summary",
        );
      }
    }
    const text = extractiveMarkdown(extractiveSummary(cues).sentences, t("summary-key-points"));
    if (!text) return { kind: "unavailable" };
    return { kind: "summary", summary: { text, source: "extractive", speakers } };
  }

  return {
    async run(payload, ctx) {
      const { meetingUuid, chatId } = payload;
      const now = clock.now();
      await insertDeliveryIfAbsent(
        db.kysely,
        { meetingUuid, fileId: SUMMARY_FILE_ID, chatId, kind: "summary", requestedAt: payload.requestedAt },
        now,
      );
      const claimed = await claimPart(services, { meetingUuid, fileId: SUMMARY_FILE_ID, chatId }, ctx);
      if (!claimed) return undefined;
      const { row, deliveryId, target } = claimed;
      await progress.publish({ meetingUuid, chatId, part: "summary", status: "working" });

      const resolved = await resolve(payload, ctx);
      if (resolved.kind === "later") {
        giveUpAfterDeadline(payload, clock.now());
        await updateDelivery(db.kysely, deliveryId, { state: "pending", detail: null }, clock.now());
        return { rescheduleAt: resolved.at, note: "transcript still processing at Zoom" };
      }
      if (resolved.kind === "unavailable") {
        await updateDelivery(
          db.kysely,
          deliveryId,
          { state: "skipped", detail: "no summary source" },
          clock.now(),
        );
        await progress.publish({ meetingUuid, chatId, part: "summary", status: "unavailable" });
        return undefined;
      }
      const { summary } = resolved;
      // A made-up summary only fills the gap; Zoom's (stored above) always wins.
      if (summary.source !== "zoom")
        await storeMeetingSummary(db.kysely, meetingUuid, summary.text, summary.source, clock.now());

      const locale = target.locale;
      const meeting = await findMeeting(db.kysely, meetingUuid);
      const message = renderSummaryMessage({
        text: summary.text,
        source: summary.source,
        topic: displayTopic(translator, locale, meeting?.topic ?? ""),
        ...(summary.speakers ? { speakers: summary.speakers } : {}),
        locale,
        t: (key, vars) => translator.t(locale, key, vars),
      });
      const chunks = splitMessage(message);
      // A retry continues after what already arrived (the same text for the same source).
      const sent = deliveredMessageIds(row);
      for (let i = sent.length; i < chunks.length; i++) {
        const chunk = chunks[i]!;
        const result = await sendPlainText(services, target, { text: chunk, signal: ctx.signal });
        sent.push(result.message_id);
        await updateDelivery(db.kysely, deliveryId, { messageIds: sent }, clock.now());
      }
      await recordPartDelivered(services, {
        part: "summary",
        deliveryId,
        meetingUuid,
        chatId,
        requestedAt: payload.requestedAt,
        update: { detail: summary.source, messageIds: sent, bytes: Buffer.byteLength(message, "utf8") },
      });
      return undefined;
    },

    async onDead(payload, error) {
      const { meetingUuid, chatId } = payload;
      await reportPartFailed(
        services,
        { meetingUuid, chatId, fileId: SUMMARY_FILE_ID, kind: "summary" },
        error,
      );
    },
  };
}
