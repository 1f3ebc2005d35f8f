/**
 * Delivering a meeting's video when the chat chose it (issue 15 item 3): the best MP4 goes by
 * `sendVideo` with its duration, picture size and `supports_streaming` when it fits the upload
 * budget; otherwise the ladder of src/media/video-plan.ts — a smaller transcode when a watchable
 * one fits, else stream-copied parts, else Zoom's link with the reason.
 *
 * Like the audio ladder (src/delivery/audio-ladder.ts), a 413 from Telegram moves to the next rung
 * and is remembered in the delivery's state (with the refused size: the next rung aims under it),
 * so a refused file is never sent again, not even by a retried job; a 413 on the file as it is
 * leads to the transcode, not straight to the link. The parts of a split are remembered as they
 * are sent: a retry after part 2 of 4 (a crash, a 429) sends parts 3 and 4 only.
 */
import { mkdir, rm } from "node:fs/promises";
import type { Message } from "grammy/types";
import { AppError, isAppError } from "../errors.js";
import type { Rung } from "../media/delivery-plan.js";
import { probeMedia } from "../media/probe.js";
import type { MediaWorkspace } from "../media/temp-files.js";
import {
  planVideoDelivery,
  VIDEO_AUDIO_KBPS,
  type VideoPlan,
  videoBudgetBytes,
} from "../media/video-plan.js";
import { splitVideo, transcodeVideo } from "../media/video-transform.js";
import { isTooLarge, type LadderResult, type LadderState, type PartLabel, sendLink } from "./audio-ladder.js";
import { type ChatTarget, sendToChat } from "./chat-target.js";
import type { DeliveryServices } from "./delivery-services.js";
import { fileSize, sendVideoFile } from "./telegram-upload.js";

export interface VideoLadderInput {
  services: DeliveryServices;
  target: ChatTarget;
  signal: AbortSignal;
  workspace: MediaWorkspace;
  videoPath: string;
  /** Zoom's idea of the length, when no probe is possible. */
  durationSec: number | undefined;
  fileName(part?: PartLabel): string;
  caption(part?: PartLabel): string;
  linkUrl: string | undefined;
  state: LadderState;
  /** Persists `state` (refused rungs, the rung in progress, the parts sent) so a retry resumes. */
  save(state: LadderState): Promise<void>;
  onUploading(detail: string): Promise<void>;
}

/** One file to send, measured once: its size, length and picture. */
interface VideoFile {
  path: string;
  bytes: number;
  durationSec: number | undefined;
  width: number | undefined;
  height: number | undefined;
}

export async function deliverVideo(input: VideoLadderInput): Promise<LadderResult> {
  const { state } = input;
  const source = await measure(input, input.videoPath, input.durationSec);
  for (;;) {
    const plan = nextPlan(input, source);
    if (state.rung !== plan.rung) {
      state.rung = plan.rung;
      await input.save(state);
    }
    try {
      return await climb(input, source, plan);
    } catch (error) {
      if (!isTooLarge(error) || plan.rung === "link") throw error;
      await rungRefused(input, plan.rung, error);
    }
  }
}

function climb(input: VideoLadderInput, source: VideoFile, plan: VideoPlan): Promise<LadderResult> {
  switch (plan.rung) {
    case "direct":
      return sendVideos(input, [source], "direct");
    case "transcode":
      return sendTranscode(input, source, plan);
    case "split":
      return sendParts(input, source, plan.partSeconds);
    case "link":
      return linkInstead(input);
  }
}

/** The plan for what is left: refused rungs skipped; a split that already sent parts goes on. */
function nextPlan(input: VideoLadderInput, source: VideoFile): VideoPlan {
  const { services, state } = input;
  const plan = planVideoDelivery({
    fileBytes: source.bytes,
    durationSec: source.durationSec,
    uploadLimitMb: services.config.telegram.uploadLimitMb,
    maxDownloadBytes: Number.POSITIVE_INFINITY,
    ffmpeg: services.ffmpeg !== null,
    attempted: state.attempted,
    refusedBytes: state.refusedBytes,
  });
  const resuming =
    state.rung === "split" && state.messageIds.length > 0 && !state.attempted.includes("split");
  if (resuming && plan.rung !== "split" && state.parts && source.durationSec && services.ffmpeg) {
    return { rung: "split", parts: state.parts, partSeconds: Math.ceil(source.durationSec / state.parts) };
  }
  return plan;
}

/** A rung that did not fit: remembered (with its refused size, set by sendOne), then the next one. */
async function rungRefused(input: VideoLadderInput, rung: Rung, error: unknown): Promise<void> {
  if (isAppError(error) && error.status === 413) {
    input.services.metrics.jobFailures.inc({ kind: "deliver-recording", cause: "telegram_413" });
  }
  input.state.attempted.push(rung);
  await input.save(input.state);
}

async function sendTranscode(
  input: VideoLadderInput,
  source: VideoFile,
  plan: Extract<VideoPlan, { rung: "transcode" }>,
): Promise<LadderResult> {
  const out = input.workspace.file("video-small.mp4");
  await transcodeVideo(
    requireFfmpeg(input),
    source.path,
    out,
    { videoKbps: plan.videoKbps, height: plan.height, audioKbps: VIDEO_AUDIO_KBPS },
    input.signal,
  );
  const small = await measure(input, out, source.durationSec);
  if (small.bytes > budget(input)) {
    throw new AppError("telegram.too_large", "the smaller encode of the video is still over the budget");
  }
  return sendVideos(input, [small], "transcode");
}

/** Stream-copied parts; a cut that differs from the one already partly sent starts over. */
async function sendParts(
  input: VideoLadderInput,
  source: VideoFile,
  partSeconds: number,
): Promise<LadderResult> {
  const { state } = input;
  const parts = await cutParts(input, source, partSeconds);
  if (state.parts !== parts.length && state.messageIds.length > 0) state.messageIds = [];
  state.parts = parts.length;
  await input.save(state);
  return sendVideos(input, parts, "split");
}

async function cutParts(
  input: VideoLadderInput,
  source: VideoFile,
  partSeconds: number,
): Promise<VideoFile[]> {
  const dir = input.workspace.file("video-parts");
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const paths = await splitVideo(requireFfmpeg(input), source.path, dir, partSeconds, input.signal);
  const parts: VideoFile[] = [];
  for (const path of paths) parts.push(await measure(input, path, undefined));
  // Cut at keyframes only: a part that came out too large means the next rung (the link).
  if (parts.length === 0 || parts.some((part) => part.bytes > budget(input))) {
    throw new AppError("telegram.too_large", "a part of the video is still over the budget");
  }
  return parts;
}

/**
 * Sends the files in order. A split's parts are recorded in the state as each is accepted (and
 * the ones already recorded are skipped), so a retry sends only what is missing.
 */
async function sendVideos(
  input: VideoLadderInput,
  files: readonly VideoFile[],
  rung: "direct" | "transcode" | "split",
): Promise<LadderResult> {
  const split = rung === "split";
  const messageIds = split ? input.state.messageIds : [];
  let fileId: string | null = null;
  let bytes = 0;
  for (let i = messageIds.length; i < files.length; i++) {
    const file = files[i] as VideoFile;
    const message = await sendOne(input, file, split ? { index: i + 1, total: files.length } : undefined);
    messageIds.push(message.message_id);
    fileId ??= message.video.file_id;
    bytes += file.bytes;
    if (split) await input.save(input.state);
  }
  return { rung, messageIds: [...messageIds], telegramFileId: fileId, bytes };
}

async function sendOne(
  input: VideoLadderInput,
  file: VideoFile,
  part: PartLabel | undefined,
): Promise<Message.VideoMessage> {
  const { services, state } = input;
  await input.onUploading(part ? `uploading ${part.index}/${part.total}` : "uploading");
  try {
    const message = await sendToChat(services, input.target, (chatId, thread) =>
      sendVideoFile(services.telegram, {
        chatId,
        thread,
        path: file.path,
        fileName: input.fileName(part),
        durationSec: file.durationSec,
        width: file.width,
        height: file.height,
        caption: input.caption(part),
        signal: input.signal,
      }),
    );
    services.metrics.bytesUploaded.inc(file.bytes);
    return message;
  } catch (error) {
    // Telegram's real limit is below this size: the next rung aims under it.
    if (isTooLarge(error)) state.refusedBytes = Math.min(state.refusedBytes ?? file.bytes, file.bytes);
    throw error;
  }
}

async function measure(
  input: VideoLadderInput,
  path: string,
  fallbackSec: number | undefined,
): Promise<VideoFile> {
  const ffmpeg = input.services.ffmpeg;
  const info = ffmpeg ? await probeMedia(ffmpeg, path, input.signal).catch(() => undefined) : undefined;
  return {
    path,
    bytes: await fileSize(path),
    durationSec: info?.durationSec || fallbackSec,
    width: info?.width,
    height: info?.height,
  };
}

function budget(input: VideoLadderInput): number {
  return videoBudgetBytes({
    uploadLimitMb: input.services.config.telegram.uploadLimitMb,
    refusedBytes: input.state.refusedBytes,
  });
}

/** The plan offers transcode and split only with ffmpeg. */
function requireFfmpeg(input: VideoLadderInput): string {
  const ffmpeg = input.services.ffmpeg;
  if (!ffmpeg) throw new AppError("media.failed", "no ffmpeg to make the video smaller with");
  return ffmpeg.ffmpeg;
}

function linkInstead(input: VideoLadderInput): Promise<LadderResult> {
  return sendLink({
    services: input.services,
    target: input.target,
    signal: input.signal,
    caption: () => input.caption(),
    linkUrl: input.linkUrl,
    state: input.state,
    // Only a 413 is Telegram's refusal; parts or an encode over the budget are ours.
    refused: input.state.refusedBytes !== undefined,
  });
}
