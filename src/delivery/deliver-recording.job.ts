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
 * Relay overlap: an audio file whose Zoom `file_size` is known to fit the upload budget (and is
 * large enough for the overlap to matter) is uploaded while it downloads: the download is written
 * to the workspace as always and the upload follows the file as it grows (src/media/growing-file.ts),
 * so the two run side by side like `curl | curl`. Its duration then comes from Zoom's recording
 * times (ffprobe needs the whole file). When that upload fails with a 413 or a network/5xx error,
 * the download still completes to disk and the ladder goes on from the file — nothing is
 * downloaded twice.
 *
 * Failures are AppErrors: retryable ones (Zoom 429/5xx, network, Telegram 429/5xx, a broken or
 * HTML download) come back with backoff; when the attempts are used up or the error is final,
 * onDead tells the chat in plain words. Progress goes to `services.progress` at every stage.
 */

import type { TokenService } from "../connect/token-service.js";
import type { DeliveryRow } from "../db/schema.js";
import { AppError, describeError, isAppError } from "../errors.js";
import { formatBytes } from "../i18n/format.js";
import type { JobContext, JobHandler, JobOutcome } from "../jobs/worker.js";
import { uploadBudgetBytes } from "../media/delivery-plan.js";
import { GrowingFile } from "../media/growing-file.js";
import { probeMedia } from "../media/probe.js";
import { createMediaWorkspace, type MediaWorkspace } from "../media/temp-files.js";
import { extractAudio, isMediaError } from "../media/transform.js";
import { failureCause } from "../observability/failure-cause.js";
import { meetingFileName } from "../transcript/file-name.js";
import type { ZoomRecordingFile, ZoomRecordingMeeting } from "../zoom/events.js";
import { fileKey, isFileReady } from "../zoom/recording-files.js";
import type { ZoomApi } from "../zoom/zoom-api.js";
import {
  deliverAudio,
  deliverAudioStreamed,
  deliverVideoDocument,
  type LadderResult,
  type LadderState,
  type PartLabel,
  parseLadderState,
} from "./audio-ladder.js";
import { buildCaption, type CaptionInput, cleanUserText, displayTopic } from "./caption.js";
import { type ChatTarget, resolveChatTarget, sendToChat } from "./chat-target.js";
import { isVideoFile } from "./choose-files.js";
import { findDeliveries, findMeeting, isSettled, updateDelivery } from "./delivery.repository.js";
import { DELIVER_RECORDING_JOB, type DeliverRecordingPayload } from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import { reasonKeyFor } from "./failure.js";
import type { MeetingPart, PartStatus } from "./progress.js";
import { downloadRecordingFile } from "./recording-download.js";
import { stopIfRemovedInZoom } from "./recording-removal.repository.js";
import { loadRecordingSource, type RecordingSource } from "./recording-source.js";
import { sendText } from "./telegram-upload.js";
import { deliverVideo } from "./video-ladder.js";

export interface DeliverRecordingOptions {
  tokens?: TokenService;
  zoomApi?: ZoomApi;
  /** How long to wait before looking again at a file Zoom is still processing. Default 5 min. */
  processingRetryMs?: number;
  /** Give up on a file that is still processing this long after the webhook. Default 48 h. */
  processingGiveUpMs?: number;
}

const AUDIO_KINDS = ["audio", "video"] as const;

/**
 * Audio files at least this large that fit the upload budget are uploaded while they download.
 * Below it the overlap saves at most tens of milliseconds, and the sequential path lets ffprobe
 * measure the exact duration.
 */
export const OVERLAP_MIN_BYTES = 16_000_000;

/** What every step of the job works with: the services and the job's options, resolved once. */
interface JobEnv {
  readonly services: DeliveryServices;
  readonly tokens: TokenService;
  readonly zoomApi: ZoomApi;
  readonly processingRetryMs: number;
  readonly processingGiveUpMs: number;
}

/** One pending delivery of this job: its row, Zoom's file, and the ladder's remembered state. */
interface WorkItem {
  id: number;
  /** `audio` (the audio track) or `video` (the MP4 itself, when the chat chose video). */
  kind: string;
  file: ZoomRecordingFile;
  state: LadderState;
}

/** One file as this run delivers it. */
interface RunFile {
  item: WorkItem;
  /** Its place in this run: names its files in the workspace. */
  index: number;
  /** Which segment of the meeting's recording it is: names the file sent. */
  segment: PartLabel;
}

/** Where one run stands once the chat, the recording and the workspace are known. */
interface RunScope {
  readonly payload: DeliverRecordingPayload;
  readonly ctx: JobContext;
  readonly target: ChatTarget;
  readonly source: RecordingSource;
  readonly workspace: MediaWorkspace;
}

export function deliverRecordingJob(
  services: DeliveryServices,
  options: DeliverRecordingOptions = {},
): JobHandler<DeliverRecordingPayload> {
  const env: JobEnv = {
    services,
    tokens: options.tokens ?? services.tokens,
    zoomApi: options.zoomApi ?? services.zoomApi,
    processingRetryMs: options.processingRetryMs ?? 5 * 60_000,
    processingGiveUpMs: options.processingGiveUpMs ?? 48 * 3_600_000,
  };
  return {
    run: (payload, ctx) => runDelivery(env, payload, ctx),
    countsOwnFailures: true,
    onDead: (payload, error) => settleDead(env, payload, error),
  };
}

async function runDelivery(
  env: JobEnv,
  payload: DeliverRecordingPayload,
  ctx: JobContext,
): Promise<JobOutcome> {
  const pending = await openDeliveries(env, payload);
  if (pending.length === 0) return undefined; // a re-run of work already done
  const target = await resolveChatTarget(env.services, payload.chatId);
  if (target.paused) return skipPausedChat(env, payload, pending, ctx);
  await publish(env, payload, "received", "done");

  let source: RecordingSource;
  let work: WorkItem[];
  try {
    source = await loadRecordingSource(env.services, env, {
      meetingUuid: payload.meetingUuid,
      zoomUserId: payload.zoomUserId,
      ctx,
    });
    work = matchFiles(pending, source);
  } catch (error) {
    throw await failed(env, payload, error);
  }
  const waiting = await waitForProcessing(env, payload, work);
  if (waiting) return waiting;

  const workspace = await openWorkspace(env, payload, ctx);
  let stopped: boolean;
  try {
    stopped = await deliverAll(env, { payload, ctx, target, source, workspace }, work);
  } catch (error) {
    throw await failed(env, payload, error);
  } finally {
    await workspace
      .cleanup()
      .catch((error) =>
        ctx.logger.warn({ err: describeError(error) }, "could not delete the job's media; the sweep will"),
      );
  }
  if (!stopped) await publish(env, payload, "audio", "done");
  return undefined;
}

function publish(
  env: JobEnv,
  payload: DeliverRecordingPayload,
  part: MeetingPart,
  status: PartStatus,
  detail?: string,
): Promise<void> {
  return env.services.progress.publish({
    meetingUuid: payload.meetingUuid,
    chatId: payload.chatId,
    part,
    status,
    ...(detail !== undefined ? { detail } : {}),
  });
}

/** The job's own deliveries that are not settled yet. */
async function openDeliveries(env: JobEnv, payload: DeliverRecordingPayload) {
  const owned = payload.fileIds === undefined ? undefined : new Set(payload.fileIds);
  return (
    await findDeliveries(env.services.db.kysely, payload.meetingUuid, payload.chatId, AUDIO_KINDS)
  ).filter((d) => !isSettled(d.state) && (owned === undefined || owned.has(d.file_id)));
}

/** The bot was blocked or removed: no Telegram call, no retry. */
async function skipPausedChat(
  env: JobEnv,
  payload: DeliverRecordingPayload,
  pending: readonly DeliveryRow[],
  ctx: JobContext,
): Promise<JobOutcome> {
  const { db, clock, metrics } = env.services;
  for (const d of pending) {
    await updateDelivery(db.kysely, d.id, { state: "skipped", lastError: "chat paused" }, clock.now());
  }
  metrics.deliveries.inc({ kind: "audio", result: "skipped" }, pending.length);
  ctx.logger.info({ chatId: payload.chatId }, "chat is paused; delivery skipped");
  return undefined;
}

/** Zoom's file for each pending delivery; a file Zoom no longer lists is `zoom.not_found`. */
function matchFiles(pending: readonly DeliveryRow[], source: RecordingSource): WorkItem[] {
  return pending.map((d) => {
    const file = source.meeting.recording_files.find((f) => fileKey(f) === d.file_id);
    if (!file) throw new AppError("zoom.not_found", "the recording file is no longer in Zoom");
    return { id: d.id, kind: d.kind, file, state: parseLadderState(d.detail) };
  });
}

/** A file Zoom is still processing: look again later without spending an attempt, up to a limit. */
async function waitForProcessing(
  env: JobEnv,
  payload: DeliverRecordingPayload,
  work: readonly WorkItem[],
): Promise<JobOutcome> {
  if (work.every((w) => isFileReady(w.file))) return undefined;
  const now = env.services.clock.now();
  if (now - payload.requestedAt > env.processingGiveUpMs) {
    throw await failed(
      env,
      payload,
      new AppError("zoom.not_found", "Zoom never finished processing the recording"),
    );
  }
  await publish(env, payload, "audio", "waiting");
  return { rescheduleAt: now + env.processingRetryMs, note: "Zoom is still processing the recording" };
}

/**
 * One directory per attempt: an attempt abandoned on its deadline (or a lost lease) still runs its
 * cleanup, which must not delete the next attempt's files.
 */
async function openWorkspace(
  env: JobEnv,
  payload: DeliverRecordingPayload,
  ctx: JobContext,
): Promise<MediaWorkspace> {
  try {
    return await createMediaWorkspace(
      env.services.config.media.dir,
      `deliver-${ctx.job.id}-${ctx.job.attempts}`,
    );
  } catch (error) {
    // MEDIA_DIR cannot be written (missing parent, read-only, full): a storage problem the chat
    // is told about in those words, retried like any other (space may come back).
    throw await failed(
      env,
      payload,
      new AppError("media.unwritable", `MEDIA_DIR is not writable: ${describeError(error)}`, {
        retryable: true,
        cause: error,
      }),
    );
  }
}

/** Delivers each file; true when some stopped because the recording left Zoom meanwhile. */
async function deliverAll(env: JobEnv, scope: RunScope, work: readonly WorkItem[]): Promise<boolean> {
  const { db } = env.services;
  const { payload } = scope;
  const maxBytes = env.services.config.media.maxRecordingMb * 1_000_000;
  // Segments (a recording stopped and restarted) are numbered in the file names across jobs.
  const all = await findDeliveries(db.kysely, payload.meetingUuid, payload.chatId, AUDIO_KINDS);
  const segmentOf = (id: number): PartLabel => ({
    index: all.findIndex((d) => d.id === id) + 1,
    total: all.length,
  });
  let stopped = false;
  for (const [index, item] of work.entries()) {
    const size = item.file.file_size;
    if (size !== undefined && size > maxBytes) {
      await skipTooLarge(env, scope, item, size);
      continue;
    }
    let result: LadderResult;
    try {
      result = await deliverFile(env, scope, { item, index, segment: segmentOf(item.id) });
    } catch (error) {
      if (isAppError(error) && error.code === "zoom.removed") {
        stopped = true;
        continue;
      }
      throw error;
    }
    await markDelivered(env, scope, item, result);
  }
  return stopped;
}

/** Over MAX_RECORDING_MB: the chat is told, nothing is downloaded. */
async function skipTooLarge(env: JobEnv, scope: RunScope, item: WorkItem, size: number): Promise<void> {
  const { db, clock, metrics, translator: t, config, telegram } = env.services;
  const { target } = scope;
  const text = t.t(target.locale, "delivery-too-large-to-download", {
    topic: displayTopic(t, target.locale, scope.source.meeting.topic),
    size: formatBytes(target.locale, size),
    limit: formatBytes(target.locale, config.media.maxRecordingMb * 1_000_000),
  });
  await sendToChat(env.services, target, (chatId, thread) => sendText(telegram, chatId, text, { thread }));
  await updateDelivery(
    db.kysely,
    item.id,
    { state: "skipped", lastError: "over MAX_RECORDING_MB" },
    clock.now(),
  );
  metrics.deliveries.inc({ kind: "audio", result: "too_large" });
  await publish(env, scope.payload, "audio", "unavailable");
}

/** The delivery row is marked delivered right after Telegram accepted the file. */
async function markDelivered(
  env: JobEnv,
  scope: RunScope,
  item: WorkItem,
  result: LadderResult,
): Promise<void> {
  const { db, clock, metrics } = env.services;
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
  const kind = item.kind === "video" ? "video" : "audio";
  metrics.deliveries.inc({ kind, result: result.rung === "link" ? "link" : "delivered" });
  metrics.deliveryLatency.observe({ kind }, Math.max(0, now - scope.payload.requestedAt) / 1000);
  scope.ctx.logger.info(
    { rung: result.rung, bytes: result.bytes, parts: result.messageIds.length },
    `${kind} delivered`,
  );
}

/** Download, take the audio out of a video, and climb the upload ladder. */
async function deliverFile(env: JobEnv, scope: RunScope, file: RunFile): Promise<LadderResult> {
  const { item } = file;
  if (item.kind === "video") return deliverVideoItem(env, scope, file);
  const video = isVideoFile(item.file);
  if (!video && uploadsWhileDownloading(env, item)) return deliverWhileDownloading(env, scope, file);
  const { downloaded, upload } = await downloadForUpload(env, scope, file, video);
  if (!video) return uploadAudio(env, scope, item, upload, downloaded);
  const audio = await extractAudioTrack(env, scope, downloaded, file.index);
  if (audio) return uploadAudio(env, scope, item, upload, audio);
  // Without ffmpeg, or without an audio track, the video goes as a document.
  return deliverVideoDocument({
    services: env.services,
    target: scope.target,
    signal: scope.ctx.signal,
    videoPath: downloaded,
    fileName: upload.name("mp4"),
    caption: buildCaption(env.services.translator, {
      ...upload.captionBase,
      durationSec: durationFromZoom(item.file, scope.source.meeting),
    }),
    linkUrl: upload.linkUrl,
    state: item.state,
    save: upload.save,
    onUploading: upload.onUploading,
  });
}

/** The chat chose video: the MP4 itself, by the video ladder (src/delivery/video-ladder.ts). */
async function deliverVideoItem(env: JobEnv, scope: RunScope, file: RunFile): Promise<LadderResult> {
  const { downloaded, upload } = await downloadForUpload(env, scope, file, true);
  const durationSec = durationFromZoom(file.item.file, scope.source.meeting);
  return deliverVideo({
    ...ladderInput(env, scope, file.item, upload, durationSec, "mp4"),
    videoPath: downloaded,
  });
}

/** The file downloaded whole (the card says so), then its upload made ready (the card says uploading). */
async function downloadForUpload(
  env: JobEnv,
  scope: RunScope,
  file: RunFile,
  video: boolean,
): Promise<{ downloaded: string; upload: UploadContext }> {
  const { item } = file;
  await markDownloading(env, scope, item);
  const downloaded = await downloadFile(env, scope, item, file.index, video);
  await markUploading(env, scope, item);
  return { downloaded, upload: await uploadContext(env, scope, item, file.segment) };
}

/** Zoom's file is known to fit the budget and large enough: upload it while it downloads. */
function uploadsWhileDownloading(env: JobEnv, item: WorkItem): boolean {
  const size = item.file.file_size;
  const { state } = item;
  if (size === undefined || size < OVERLAP_MIN_BYTES) return false;
  if (state.attempted.includes("direct")) return false;
  if (state.rung === "split" && state.messageIds.length > 0) return false; // resuming a split
  return size <= uploadBudgetBytes(env.services.config.telegram.uploadLimitMb);
}

/**
 * The `direct` upload runs while the download writes the file; a 413 or a network/5xx failure of
 * the upload lets the download finish and continues with the ladder from the file on disk.
 */
async function deliverWhileDownloading(env: JobEnv, scope: RunScope, file: RunFile): Promise<LadderResult> {
  const { item, index, segment } = file;
  const sizeBytes = item.file.file_size as number;
  await markDownloading(env, scope, item);
  const growing = new GrowingFile(sourcePath(scope, index, false));
  const stopDownload = new AbortController();
  const download = downloadFile(env, scope, item, index, false, {
    signal: AbortSignal.any([scope.ctx.signal, stopDownload.signal]),
    onWritten: (bytes) => growing.grew(bytes),
    onRestart: () => growing.restarted(),
  }).then(
    (path) => {
      growing.complete();
      return path;
    },
    (error: unknown) => {
      growing.fail(error);
      throw error;
    },
  );
  download.catch(() => {}); // awaited below on every path
  try {
    await markUploading(env, scope, item);
    const upload = await uploadContext(env, scope, item, segment);
    const durationSec = durationFromZoom(item.file, scope.source.meeting);
    try {
      const result = await deliverAudioStreamed({
        services: env.services,
        target: scope.target,
        signal: scope.ctx.signal,
        audioPath: growing.path,
        upload: growing.opener(sizeBytes),
        sizeBytes,
        durationSec,
        fileName: upload.name("m4a"),
        caption: buildCaption(env.services.translator, { ...upload.captionBase, durationSec }),
        title: upload.title,
        performer: upload.performer,
        state: item.state,
        save: upload.save,
        onUploading: upload.onUploading,
      });
      await download;
      return result;
    } catch (uploadError) {
      const path = await afterFailedUpload(scope, download, stopDownload, uploadError);
      return await uploadAudio(env, scope, item, upload, path);
    }
  } catch (error) {
    stopDownload.abort(error);
    await download.catch(() => {});
    throw error;
  }
}

/**
 * The overlapped upload failed. A download that failed too is the cause (its error is thrown);
 * a 413 or a network/5xx failure waits for the download and returns the file for the ladder;
 * anything else (rate limit, chat gone, cancelled) stops the download and is thrown.
 */
async function afterFailedUpload(
  scope: RunScope,
  download: Promise<string>,
  stopDownload: AbortController,
  uploadError: unknown,
): Promise<string> {
  const code = isAppError(uploadError) ? uploadError.code : undefined;
  const recoverable = code === "telegram.too_large" || code === "telegram.unavailable";
  if (!recoverable) stopDownload.abort(uploadError);
  const outcome = await download.then(
    (path) => ({ path }),
    (error: unknown) => ({ error }),
  );
  if ("error" in outcome && !stopDownload.signal.aborted) throw outcome.error;
  if (!recoverable || !("path" in outcome)) throw uploadError;
  scope.ctx.logger.info(
    { err: describeError(uploadError) },
    "the upload that ran alongside the download failed; going on from the downloaded file",
  );
  return outcome.path;
}

function sourcePath(scope: RunScope, index: number, video: boolean): string {
  return scope.workspace.file(`source-${index + 1}.${video ? "mp4" : "m4a"}`);
}

/** The delivery is downloading (an attempt is counted), unless the recording left Zoom. */
async function markDownloading(env: JobEnv, scope: RunScope, item: WorkItem): Promise<void> {
  const { services } = env;
  await updateDelivery(
    services.db.kysely,
    item.id,
    { state: "downloading", attempt: true },
    services.clock.now(),
  );
  await throwIfRemovedInZoom(env, scope, item);
  await publish(env, scope.payload, "audio", "working", "downloading");
}

/** The download is done: the delivery is uploading, unless the recording left Zoom meanwhile. */
async function markUploading(env: JobEnv, scope: RunScope, item: WorkItem): Promise<void> {
  await updateDelivery(env.services.db.kysely, item.id, { state: "uploading" }, env.services.clock.now());
  await throwIfRemovedInZoom(env, scope, item);
}

/**
 * Trashed or deleted in Zoom while this job ran (src/delivery/ingest-lifecycle.ts): the delivery
 * goes back to `skipped` and this file stops here; the card already says why.
 */
async function throwIfRemovedInZoom(env: JobEnv, scope: RunScope, item: WorkItem): Promise<void> {
  const { db, clock } = env.services;
  if (await stopIfRemovedInZoom(db.kysely, scope.payload.meetingUuid, item.id, clock.now())) {
    throw new AppError("zoom.removed", "the recording was removed in Zoom during the delivery");
  }
}

/** The download into this job's workspace under MEDIA_DIR (src/zoom/download.ts). */
async function downloadFile(
  env: JobEnv,
  scope: RunScope,
  item: WorkItem,
  index: number,
  video: boolean,
  tee: { signal?: AbortSignal; onWritten?: (bytes: number) => void; onRestart?: () => void } = {},
): Promise<string> {
  const { services } = env;
  const { file } = item;
  const { ctx } = scope;
  const destination = sourcePath(scope, index, video);
  if (!file.download_url) throw new AppError("zoom.not_found", "Zoom gave no download URL for the file");
  const result = await downloadRecordingFile(services, {
    url: file.download_url,
    expectedBytes: file.file_size,
    tokens: scope.source.tokens,
    destination,
    signal: tee.signal ?? ctx.signal,
    attempt: ctx.job.attempts,
    ...(tee.onWritten ? { onWritten: tee.onWritten } : {}),
    ...(tee.onRestart ? { onRestart: tee.onRestart } : {}),
  });
  ctx.logger.info({ bytes: result.bytes, token: result.token, resumes: result.resumes }, "downloaded");
  return destination;
}

/** Audio: the MP4's audio track copied out with ffmpeg; undefined without ffmpeg or an audio track. */
async function extractAudioTrack(
  env: JobEnv,
  scope: RunScope,
  videoPath: string,
  index: number,
): Promise<string | undefined> {
  const ffmpeg = env.services.ffmpeg;
  if (!ffmpeg) return undefined;
  const out = scope.workspace.file(`audio-${index + 1}.m4a`);
  try {
    await extractAudio(ffmpeg.ffmpeg, videoPath, out, scope.ctx.signal);
    return out;
  } catch (error) {
    if (isMediaError(error) && error.code === "no_audio") return undefined;
    throw mediaFailure(error);
  }
}

/** What every upload of one file shares: names, caption facts, the link, and state persistence. */
interface UploadContext {
  name(extension: string, part?: PartLabel): string;
  captionBase: Omit<CaptionInput, "durationSec" | "part">;
  title: string;
  performer: string | undefined;
  linkUrl: string | undefined;
  save(state: LadderState): Promise<void>;
  onUploading(detail: string): Promise<void>;
}

async function uploadContext(
  env: JobEnv,
  scope: RunScope,
  item: WorkItem,
  segment: PartLabel,
): Promise<UploadContext> {
  const { db, clock, translator } = env.services;
  const { meeting, connection } = scope.source;
  const { target } = scope;
  const timeZone = connection?.timezone ?? meeting.timezone ?? "UTC";
  const meetingRow = await findMeeting(db.kysely, scope.payload.meetingUuid);
  const segmentLabel = segment.total > 1 && segment.index > 1 ? String(segment.index) : "";
  return {
    name: (extension, part) =>
      meetingFileName(meeting.topic, meeting.start_time, timeZone, {
        label: [segmentLabel, part ? `part ${part.index} of ${part.total}` : ""].filter(Boolean).join(" "),
        extension,
        fallbackTopic: "Zoom meeting",
      }),
    captionBase: {
      locale: target.locale,
      topic: meeting.topic,
      startTime: meeting.start_time,
      timeZone,
      summaryText: meetingRow?.summary_text,
    },
    title: cleanUserText(displayTopic(translator, target.locale, meeting.topic), 200),
    performer: cleanUserText(connection?.displayName ?? meeting.host_email ?? "", 100) || undefined,
    linkUrl: meeting.share_url ?? item.file.play_url ?? undefined,
    save: (state) =>
      updateDelivery(
        db.kysely,
        item.id,
        { detail: JSON.stringify(state), messageIds: state.messageIds },
        clock.now(),
      ),
    onUploading: (detail) => publish(env, scope.payload, "audio", "working", detail),
  };
}

/** The upload ladder (src/delivery/audio-ladder.ts) for one audio file. */
async function uploadAudio(
  env: JobEnv,
  scope: RunScope,
  item: WorkItem,
  upload: UploadContext,
  audioPath: string,
): Promise<LadderResult> {
  const durationSec = await audioDuration(env, audioPath, item.file, scope.source.meeting, scope.ctx.signal);
  return deliverAudio({
    ...ladderInput(env, scope, item, upload, durationSec, "m4a"),
    audioPath,
    title: upload.title,
    performer: upload.performer,
  });
}

/** What the audio and the video ladder both take for one file: where, how named, how captioned. */
function ladderInput(
  env: JobEnv,
  scope: RunScope,
  item: WorkItem,
  upload: UploadContext,
  durationSec: number,
  extension: "m4a" | "mp4",
) {
  return {
    services: env.services,
    target: scope.target,
    signal: scope.ctx.signal,
    workspace: scope.workspace,
    durationSec,
    fileName: (part?: PartLabel) => upload.name(extension, part),
    caption: (part?: PartLabel) =>
      buildCaption(env.services.translator, {
        ...upload.captionBase,
        durationSec,
        ...(part ? { part } : {}),
      }),
    linkUrl: upload.linkUrl,
    state: item.state,
    save: upload.save,
    onUploading: upload.onUploading,
  };
}

/** Seconds of audio: measured when ffmpeg is here, else Zoom's recording times, else the meeting's minutes. */
async function audioDuration(
  env: JobEnv,
  path: string,
  file: ZoomRecordingFile,
  meeting: ZoomRecordingMeeting,
  signal: AbortSignal,
): Promise<number> {
  const { ffmpeg, logger } = env.services;
  if (ffmpeg) {
    try {
      const info = await probeMedia(ffmpeg, path, signal);
      if (info.durationSec > 0) return info.durationSec;
    } catch (error) {
      if (signal.aborted) throw error;
      logger.warn({ err: describeError(error) }, "could not probe the audio; using Zoom's times");
    }
  }
  return durationFromZoom(file, meeting);
}

/** Counts the failure, tells the card the delivery waits, puts the reason on the delivery rows. */
async function failed(env: JobEnv, payload: DeliverRecordingPayload, thrown: unknown): Promise<unknown> {
  const { db, clock, metrics } = env.services;
  const error = isMediaError(thrown) ? mediaFailure(thrown) : thrown;
  const appError = isAppError(error) ? error : undefined;
  // A run stopped by shutdown or a lost lease is not a failure of the delivery.
  if (appError?.code === "job.cancelled") return error;
  metrics.jobFailures.inc({ kind: DELIVER_RECORDING_JOB, cause: failureCause(error) });
  const now = clock.now();
  for (const d of await openDeliveries(env, payload)) {
    await updateDelivery(db.kysely, d.id, { state: "pending", lastError: describeError(error) }, now);
  }
  if (appError?.retryable) await publish(env, payload, "audio", "waiting", reasonKeyFor(error));
  return error;
}

/** Attempts used up or a final error: the rows fail, the card says so, and the chat is told why. */
async function settleDead(env: JobEnv, payload: DeliverRecordingPayload, error: string): Promise<void> {
  const { services } = env;
  const reasonKey = reasonKeyFor(error);
  const now = services.clock.now();
  const rows = await openDeliveries(env, payload);
  for (const d of rows) {
    await updateDelivery(services.db.kysely, d.id, { state: "failed", lastError: error }, now);
  }
  if (rows.length === 0) return;
  services.metrics.deliveries.inc({ kind: "audio", result: "failed" }, rows.length);
  await publish(env, payload, "audio", "failed", reasonKey);
  const target = await resolveChatTarget(services, payload.chatId);
  if (target.paused) return; // blocked or kicked: nobody to tell; the admin alert covers it
  const meeting = await findMeeting(services.db.kysely, payload.meetingUuid);
  const t = (key: string, vars?: Record<string, string>) => services.translator.t(target.locale, key, vars);
  const text = t("delivery-failed", {
    topic: displayTopic(services.translator, target.locale, meeting?.topic ?? ""),
    reason: t(reasonKey),
  });
  try {
    await sendToChat(services, target, (chatId, thread) =>
      sendText(services.telegram, chatId, text, { thread }),
    );
  } catch (sendError) {
    services.logger.warn({ err: describeError(sendError) }, "could not tell the chat that delivery failed");
  }
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
