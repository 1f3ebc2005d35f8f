/**
 * `deliver-recording`: a meeting's audio into a chat (issue #4). For each pending audio delivery
 * of the meeting and chat, in order:
 *
 * 1. the chat: paused (bot blocked) → skip without calling Telegram; migrated → follow the move;
 * 2. the recording and tokens (src/delivery/recording-source.ts): fresh from the API, else from
 *    the stored webhook; a file Zoom is still processing → `{ rescheduleAt }` (no attempt spent);
 * 3. over MAX_RECORDING_MB → the chat is told, nothing is downloaded;
 * 4. the download (src/zoom/download.ts) into this job's workspace under MEDIA_DIR;
 * 5. audio: Zoom's M4A as is, or the MP4's audio track copied out with ffmpeg; without ffmpeg (or
 *    without an audio track) the video goes as a document;
 * 6. the upload ladder (src/delivery/audio-ladder.ts); the delivery row is marked delivered right
 *    after Telegram accepted it, and the workspace is deleted.
 *
 * Failures are AppErrors: retryable ones (Zoom 429/5xx, network, Telegram 429/5xx, a broken or
 * HTML download) come back with backoff; when the attempts are used up or the error is final,
 * onDead tells the chat in plain words. Progress goes to `services.progress` at every stage.
 */

import type { TokenService } from "../connect/token-service.js";
import { AppError, describeError, isAppError } from "../errors.js";
import { formatBytes } from "../i18n/format.js";
import type { JobContext, JobHandler, JobOutcome } from "../jobs/worker.js";
import { probeMedia } from "../media/probe.js";
import { createMediaWorkspace, type MediaWorkspace } from "../media/temp-files.js";
import { extractAudio, isMediaError } from "../media/transform.js";
import { failureCause } from "../observability/failure-cause.js";
import { meetingFileName } from "../transcript/file-name.js";
import { downloadRecording } from "../zoom/download.js";
import type { ZoomRecordingFile, ZoomRecordingMeeting } from "../zoom/events.js";
import { fileKey, isFileReady } from "../zoom/recording-files.js";
import type { ZoomApi } from "../zoom/zoom-api.js";
import {
  deliverAudio,
  deliverVideoDocument,
  type LadderResult,
  type LadderState,
  type PartLabel,
  parseLadderState,
} from "./audio-ladder.js";
import { buildCaption, cleanUserText, displayTopic } from "./caption.js";
import { type ChatTarget, resolveChatTarget, sendToChat } from "./chat-target.js";
import { isVideoFile } from "./choose-files.js";
import { findDeliveries, findMeeting, isSettled, updateDelivery } from "./delivery.repository.js";
import { DELIVER_RECORDING_JOB, type DeliverRecordingPayload } from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import { reasonKeyFor } from "./failure.js";
import type { MeetingPart, PartStatus } from "./progress.js";
import { loadRecordingSource, type RecordingSource } from "./recording-source.js";
import { sendText } from "./telegram-upload.js";

export interface DeliverRecordingOptions {
  tokens?: TokenService;
  zoomApi?: ZoomApi;
  /** How long to wait before looking again at a file Zoom is still processing. Default 5 min. */
  processingRetryMs?: number;
  /** Give up on a file that is still processing this long after the webhook. Default 48 h. */
  processingGiveUpMs?: number;
}

const AUDIO_KINDS = ["audio", "video"] as const;

export function deliverRecordingJob(
  services: DeliveryServices,
  options: DeliverRecordingOptions = {},
): JobHandler<DeliverRecordingPayload> {
  const tokens = options.tokens ?? services.tokens;
  const zoomApi = options.zoomApi ?? services.zoomApi;
  const processingRetryMs = options.processingRetryMs ?? 5 * 60_000;
  const processingGiveUpMs = options.processingGiveUpMs ?? 48 * 3_600_000;
  const { db, clock, metrics } = services;

  const publish = (
    payload: DeliverRecordingPayload,
    part: MeetingPart,
    status: PartStatus,
    detail?: string,
  ) =>
    services.progress.publish({
      meetingUuid: payload.meetingUuid,
      chatId: payload.chatId,
      part,
      status,
      ...(detail !== undefined ? { detail } : {}),
    });

  /** The job's own deliveries that are not settled yet. */
  async function openDeliveries(payload: DeliverRecordingPayload) {
    const owned = payload.fileIds === undefined ? undefined : new Set(payload.fileIds);
    return (await findDeliveries(db.kysely, payload.meetingUuid, payload.chatId, AUDIO_KINDS)).filter(
      (d) => !isSettled(d.state) && (owned === undefined || owned.has(d.file_id)),
    );
  }

  async function run(payload: DeliverRecordingPayload, ctx: JobContext): Promise<JobOutcome> {
    const pending = await openDeliveries(payload);
    if (pending.length === 0) return undefined; // a re-run of work already done
    const target = await resolveChatTarget(services, payload.chatId);
    if (target.paused) {
      // The bot was blocked or removed: no Telegram call, no retry (issue #4 §6).
      for (const d of pending) {
        await updateDelivery(db.kysely, d.id, { state: "skipped", lastError: "chat paused" }, clock.now());
      }
      metrics.deliveries.inc({ kind: "audio", result: "skipped" }, pending.length);
      ctx.logger.info({ chatId: payload.chatId }, "chat is paused; delivery skipped");
      return undefined;
    }
    await publish(payload, "received", "done");

    let source: RecordingSource;
    try {
      source = await loadRecordingSource(
        services,
        { tokens, zoomApi },
        {
          meetingUuid: payload.meetingUuid,
          zoomUserId: payload.zoomUserId,
          ctx,
        },
      );
    } catch (error) {
      throw await failed(payload, error);
    }

    const work: Array<{ id: number; file: ZoomRecordingFile; state: LadderState }> = [];
    for (const d of pending) {
      const file = source.meeting.recording_files.find((f) => fileKey(f) === d.file_id);
      if (!file)
        throw await failed(
          payload,
          new AppError("zoom.not_found", "the recording file is no longer in Zoom"),
        );
      work.push({ id: d.id, file, state: parseLadderState(d.detail) });
    }
    const notReady = work.filter((w) => !isFileReady(w.file));
    if (notReady.length > 0) {
      if (clock.now() - payload.requestedAt > processingGiveUpMs) {
        throw await failed(
          payload,
          new AppError("zoom.not_found", "Zoom never finished processing the recording"),
        );
      }
      await publish(payload, "audio", "waiting");
      return {
        rescheduleAt: clock.now() + processingRetryMs,
        note: "Zoom is still processing the recording",
      };
    }

    const maxBytes = services.config.media.maxRecordingMb * 1_000_000;
    let workspace: MediaWorkspace;
    try {
      // One directory per attempt: an attempt abandoned on its deadline (or a lost lease) still
      // runs its cleanup, which must not delete the next attempt's files.
      workspace = await createMediaWorkspace(
        services.config.media.dir,
        `deliver-${ctx.job.id}-${ctx.job.attempts}`,
      );
    } catch (error) {
      // MEDIA_DIR cannot be written (missing parent, read-only, full): a storage problem the chat
      // is told about in those words, retried like any other (space may come back).
      throw await failed(
        payload,
        new AppError("media.unwritable", `MEDIA_DIR is not writable: ${describeError(error)}`, {
          retryable: true,
          cause: error,
        }),
      );
    }
    try {
      // Segments (a recording stopped and restarted) are numbered in the file names across jobs.
      const all = await findDeliveries(db.kysely, payload.meetingUuid, payload.chatId, AUDIO_KINDS);
      const segments = (id: number) => ({ index: all.findIndex((d) => d.id === id) + 1, total: all.length });
      for (const [index, item] of work.entries()) {
        const size = item.file.file_size;
        if (size !== undefined && size > maxBytes) {
          await tellTooLarge(target, source.meeting, size);
          await updateDelivery(
            db.kysely,
            item.id,
            { state: "skipped", lastError: "over MAX_RECORDING_MB" },
            clock.now(),
          );
          metrics.deliveries.inc({ kind: "audio", result: "too_large" });
          await publish(payload, "audio", "unavailable");
          continue;
        }
        const result = await deliverFile(payload, ctx, target, source, workspace, item, index, segments);
        const now = clock.now();
        await updateDelivery(
          db.kysely,
          item.id,
          {
            state: "delivered",
            detail: JSON.stringify({ ...item.state, rung: result.rung }),
            messageIds: result.messageIds,
            telegramFileId: result.telegramFileId,
            bytes: result.bytes,
            deliveredAt: now,
            lastError: null,
          },
          now,
        );
        metrics.deliveries.inc({ kind: "audio", result: result.rung === "link" ? "link" : "delivered" });
        metrics.deliveryLatency.observe({ kind: "audio" }, Math.max(0, now - payload.requestedAt) / 1000);
        ctx.logger.info(
          { rung: result.rung, bytes: result.bytes, parts: result.messageIds.length },
          "audio delivered",
        );
      }
    } catch (error) {
      throw await failed(payload, error);
    } finally {
      await workspace
        .cleanup()
        .catch((error) =>
          ctx.logger.warn({ err: describeError(error) }, "could not delete the job's media; the sweep will"),
        );
    }
    await publish(payload, "audio", "done");
    return undefined;
  }

  async function deliverFile(
    payload: DeliverRecordingPayload,
    ctx: JobContext,
    target: ChatTarget,
    source: RecordingSource,
    workspace: MediaWorkspace,
    item: { id: number; file: ZoomRecordingFile; state: LadderState },
    index: number,
    segments: (deliveryId: number) => PartLabel,
  ): Promise<LadderResult> {
    const { file } = item;
    const meeting = source.meeting;
    const video = isVideoFile(file);
    const downloaded = workspace.file(`source-${index + 1}.${video ? "mp4" : "m4a"}`);
    await updateDelivery(db.kysely, item.id, { state: "downloading", attempt: true }, clock.now());
    await publish(payload, "audio", "working", "downloading");
    if (!file.download_url) throw new AppError("zoom.not_found", "Zoom gave no download URL for the file");
    const downloadedBytes = await downloadRecording({
      url: file.download_url,
      allowedHosts: services.config.zoom.downloadHosts,
      tokens: source.tokens,
      destination: downloaded,
      ...(file.file_size !== undefined ? { expectedBytes: file.file_size } : {}),
      maxBytes: services.config.media.maxRecordingMb * 1_000_000,
      fetch: services.fetch,
      signal: ctx.signal,
      now: () => clock.now(),
      random: services.random,
      attempt: ctx.job.attempts,
      onBytes: (n) => metrics.bytesDownloaded.inc(n),
    });
    ctx.logger.info(
      { bytes: downloadedBytes.bytes, token: downloadedBytes.token, resumes: downloadedBytes.resumes },
      "downloaded",
    );

    await updateDelivery(db.kysely, item.id, { state: "uploading" }, clock.now());
    const save = (state: LadderState) =>
      updateDelivery(
        db.kysely,
        item.id,
        { detail: JSON.stringify(state), messageIds: state.messageIds },
        clock.now(),
      );
    const onUploading = (detail: string) => publish(payload, "audio", "working", detail);
    const topic = displayTopic(services.translator, target.locale, meeting.topic);
    const timeZone = source.connection?.timezone ?? meeting.timezone ?? "UTC";
    const meetingRow = await findMeeting(db.kysely, payload.meetingUuid);
    const { index: segmentIndex, total: segmentCount } = segments(item.id);
    const segment = segmentCount > 1 && segmentIndex > 1 ? String(segmentIndex) : "";
    const name = (extension: string, part?: PartLabel) =>
      meetingFileName(meeting.topic, meeting.start_time, timeZone, {
        label: [segment, part ? `part ${part.index} of ${part.total}` : ""].filter(Boolean).join(" "),
        extension,
        fallbackTopic: "Zoom meeting",
      });
    const linkUrl = meeting.share_url ?? file.play_url ?? undefined;

    let audioPath = downloaded;
    const ffmpeg = services.ffmpeg;
    if (video) {
      let extracted = false;
      if (ffmpeg) {
        const out = workspace.file(`audio-${index + 1}.m4a`);
        try {
          await extractAudio(ffmpeg.ffmpeg, downloaded, out, ctx.signal);
          audioPath = out;
          extracted = true;
        } catch (error) {
          if (!(isMediaError(error) && error.code === "no_audio")) throw mediaFailure(error);
        }
      }
      if (!extracted) {
        return deliverVideoDocument({
          services,
          target,
          signal: ctx.signal,
          videoPath: downloaded,
          fileName: name("mp4"),
          caption: buildCaption(services.translator, {
            locale: target.locale,
            topic: meeting.topic,
            startTime: meeting.start_time,
            timeZone,
            durationSec: durationFromZoom(file, meeting),
            summaryText: meetingRow?.summary_text,
          }),
          linkUrl,
          state: item.state,
          save,
          onUploading,
        });
      }
    }

    const durationSec = await audioDuration(audioPath, file, meeting, ctx.signal);
    return deliverAudio({
      services,
      target,
      signal: ctx.signal,
      workspace,
      audioPath,
      durationSec,
      fileName: (part) => name("m4a", part),
      caption: (part) =>
        buildCaption(services.translator, {
          locale: target.locale,
          topic: meeting.topic,
          startTime: meeting.start_time,
          timeZone,
          durationSec,
          summaryText: meetingRow?.summary_text,
          ...(part ? { part } : {}),
        }),
      title: cleanUserText(topic, 200),
      performer: cleanUserText(source.connection?.displayName ?? meeting.host_email ?? "", 100) || undefined,
      linkUrl,
      state: item.state,
      save,
      onUploading,
    });
  }

  /** Seconds of audio: measured when ffmpeg is here, else Zoom's recording times, else the meeting's minutes. */
  async function audioDuration(
    path: string,
    file: ZoomRecordingFile,
    meeting: ZoomRecordingMeeting,
    signal: AbortSignal,
  ): Promise<number> {
    if (services.ffmpeg) {
      try {
        const info = await probeMedia(services.ffmpeg, path, signal);
        if (info.durationSec > 0) return info.durationSec;
      } catch (error) {
        if (signal.aborted) throw error;
        services.logger.warn({ err: describeError(error) }, "could not probe the audio; using Zoom's times");
      }
    }
    return durationFromZoom(file, meeting);
  }

  async function tellTooLarge(
    target: ChatTarget,
    meeting: ZoomRecordingMeeting,
    size: number,
  ): Promise<void> {
    const t = services.translator;
    const text = t.t(target.locale, "delivery-too-large-to-download", {
      topic: displayTopic(t, target.locale, meeting.topic),
      size: formatBytes(target.locale, size),
      limit: formatBytes(target.locale, services.config.media.maxRecordingMb * 1_000_000),
    });
    await sendToChat(services, target, (chatId) => sendText(services.telegram, chatId, text));
  }

  /** Counts the failure, tells the card the delivery waits, puts the reason on the delivery rows. */
  async function failed(payload: DeliverRecordingPayload, thrown: unknown): Promise<unknown> {
    const error = isMediaError(thrown) ? mediaFailure(thrown) : thrown;
    const appError = isAppError(error) ? error : undefined;
    // A run stopped by shutdown or a lost lease is not a failure of the delivery.
    if (appError?.code === "job.cancelled") return error;
    metrics.jobFailures.inc({ kind: DELIVER_RECORDING_JOB, cause: failureCause(error) });
    const now = clock.now();
    for (const d of await openDeliveries(payload)) {
      await updateDelivery(db.kysely, d.id, { state: "pending", lastError: describeError(error) }, now);
    }
    if (appError?.retryable) await publish(payload, "audio", "waiting", reasonKeyFor(error));
    return error;
  }

  return {
    run,
    countsOwnFailures: true,
    async onDead(payload, error) {
      const reasonKey = reasonKeyFor(error);
      const now = clock.now();
      const rows = await openDeliveries(payload);
      for (const d of rows) {
        await updateDelivery(db.kysely, d.id, { state: "failed", lastError: error }, now);
      }
      if (rows.length === 0) return;
      metrics.deliveries.inc({ kind: "audio", result: "failed" }, rows.length);
      await publish(payload, "audio", "failed", reasonKey);
      const target = await resolveChatTarget(services, payload.chatId);
      if (target.paused) return; // blocked or kicked: nobody to tell; the admin alert covers it
      const meeting = await findMeeting(db.kysely, payload.meetingUuid);
      const t = (key: string, vars?: Record<string, string>) =>
        services.translator.t(target.locale, key, vars);
      const text = t("delivery-failed", {
        topic: displayTopic(services.translator, target.locale, meeting?.topic ?? ""),
        reason: t(reasonKey),
      });
      try {
        await sendToChat(services, target, (chatId) => sendText(services.telegram, chatId, text));
      } catch (sendError) {
        services.logger.warn(
          { err: describeError(sendError) },
          "could not tell the chat that delivery failed",
        );
      }
    },
  };
}

function durationFromZoom(file: ZoomRecordingFile, meeting: ZoomRecordingMeeting): number {
  const start = file.recording_start ? Date.parse(file.recording_start) : Number.NaN;
  const end = file.recording_end ? Date.parse(file.recording_end) : Number.NaN;
  if (Number.isFinite(start) && Number.isFinite(end) && end > start) return Math.round((end - start) / 1000);
  return Math.max(0, Math.round((meeting.duration ?? 0) * 60));
}

function mediaFailure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isMediaError(error) && error.code === "aborted") {
    return new AppError("job.cancelled", "ffmpeg was stopped", { cause: error });
  }
  return new AppError("media.failed", `ffmpeg failed: ${describeError(error)}`, {
    retryable: true,
    cause: error,
  });
}
